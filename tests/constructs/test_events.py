"""FunctionTrigger: exactly one source (schedule or pattern), and permission for EventBridge."""

from __future__ import annotations

import pytest

from drkit.regions import names
from drkit.services.events import FunctionTrigger, FunctionTriggerProps
from tests.helpers import only

pytestmark = pytest.mark.synth


def test_trigger_needs_exactly_one_source(h):
    """A trigger without a source is refused; a scheduled one may invoke its function."""
    fn = h.function()
    with pytest.raises(ValueError):
        FunctionTriggerProps(placement=h["us-east-1"], name=names.CANARY_SCHEDULE, function=fn)
    FunctionTrigger(
        h.stack,
        "t",
        props=FunctionTriggerProps(
            placement=h["us-east-1"],
            name=names.CANARY_SCHEDULE,
            function=fn,
            schedule_expression="rate(1 minute)",
        ),
    )
    out = h.synth()
    assert only(out, "aws_cloudwatch_event_rule")["schedule_expression"] == "rate(1 minute)"
    assert only(out, "aws_lambda_permission")["principal"] == "events.amazonaws.com"
