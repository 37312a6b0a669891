"""The budget's rows: they add up to the model's totals, and each has its own key."""

from __future__ import annotations

from hypothesis import given

from drkit.operations.budget.rows import rpo_rows, rto_rows
from drkit.regions.budget import rto_budget
from drkit.regions.spec import DeploymentSpec
from tests.strategies import budget as s


@given(s.budget_inputs(lag_below_rpo=None))
def test_rto_rows_add_up_to_the_worst_case(inputs):
    """The rows the table prints add up to the worst-case RTO; the Detection rows to detection."""
    rows = rto_rows(inputs)
    rto = rto_budget(inputs)
    assert sum(r.seconds for r in rows) == rto.total_seconds
    assert sum(r.seconds for r in rows if r.group == "Detection") == rto.detection_seconds


def test_row_keys_are_unique():
    """Each row's key names it once (programs read rows by key)."""
    inputs = DeploymentSpec.default().budget_inputs
    keys = [r.key for r in (*rto_rows(inputs), *rpo_rows(inputs))]
    assert len(keys) == len(set(keys))
