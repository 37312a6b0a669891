"""The traffic probe: who answered, or None when nobody did."""

from __future__ import annotations

import pytest

from drkit.operations.drill.probe import answered_by, https_probe


@pytest.mark.parametrize(
    ("body", "region"),
    [
        (b'{"region": "us-west-2", "status": "drained"}', "us-west-2"),
        (b'{"status": "ok"}', None),
        (b'{"region": 3}', None),
        (b"[1, 2]", None),
        (b"<html>bad gateway</html>", None),
        (b"\xff\xfe", None),
    ],
)
def test_only_a_health_answer_names_a_region(body, region):
    """The region comes from the runtime's JSON body; anything else answers None."""
    assert answered_by(body) == region


def test_an_unreachable_name_is_no_answer():
    """A refused connection is not an answer from any region (and does not raise)."""
    assert https_probe("127.0.0.1:1", timeout_seconds=1)() is None
