"""The demo's one-line summaries of the canary's answers (drkit.deploy.serve)."""

from __future__ import annotations

import pytest

from drkit.deploy.serve import _canary_summary


@pytest.mark.parametrize(
    ("result", "line"),
    [
        ({"kind": "object", "published": 1, "skipped": 0}, "published 1 figure"),
        ({"kind": "object", "published": 0, "skipped": 1}, "published 0 figures; skipped 1"),
        (
            {"kind": "schedule", "published": 0, "missing": ["patient_records/us-west-2"]},
            "published 0 figures; no heartbeat yet from patient_records/us-west-2",
        ),
        ({"batchItemFailures": []}, "batch done, none to retry"),
        ({"batchItemFailures": [{"itemIdentifier": "7"}]}, "records to retry: 7"),
    ],
)
def test_each_kind_of_canary_answer_reads_as_words(result, line):
    assert _canary_summary(result) == line
