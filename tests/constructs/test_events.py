"""FunctionTrigger: exactly one source (schedule or pattern), and permission for EventBridge.
KeyStateWatch: in its key's region, naming the key, admitted by the encrypted topic."""

from __future__ import annotations

import json

import pytest

from drkit.errors import SpecError
from drkit.regions import names
from drkit.regions.names import FUNCTION_ALIAS
from drkit.services.events import (
    FunctionTrigger,
    FunctionTriggerProps,
    KeyStateWatch,
    KeyStateWatchProps,
)
from drkit.services.sns import AlertTopic, AlertTopicProps
from tests.helpers import only, ref, resources, statements

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
    permission = only(out, "aws_lambda_permission")
    assert permission["principal"] == "events.amazonaws.com"
    # The rule runs the function's alias, which alone it may invoke.
    assert ref(only(out, "aws_cloudwatch_event_target")["arn"])[0] == "aws_lambda_alias"
    assert permission["qualifier"] == FUNCTION_ALIAS


def test_a_key_watch_lives_with_its_key_and_its_topic(h):
    """A watch placed in another region than its key (where EventBridge never sees the
    key's calls), or publishing to another region's topic, is refused, naming both."""
    key = h.key("us-east-1")
    topic = AlertTopic(h.stack, "t", props=AlertTopicProps(placement=h["us-east-1"], key=key))
    with pytest.raises(SpecError, match="us-west-2"):
        KeyStateWatchProps(placement=h["us-west-2"], key=key, topic=topic)
    west = AlertTopic(
        h.stack, "w", props=AlertTopicProps(placement=h["us-west-2"], key=h.key("us-west-2"))
    )
    with pytest.raises(SpecError, match="placement"):
        KeyStateWatchProps(placement=h["us-east-1"], key=key, topic=west)


def test_a_key_watch_names_the_key_and_may_publish_to_the_encrypted_topic(h):
    """The rule matches DisableKey and ScheduleKeyDeletion of its key by id or ARN; the
    topic admits EventBridge for this rule only, and the topic's key lets it encrypt."""
    key = h.key("us-east-1")
    topic = AlertTopic(h.stack, "t", props=AlertTopicProps(placement=h["us-east-1"], key=key))
    watch = KeyStateWatch(
        h.stack, "watch", props=KeyStateWatchProps(placement=h["us-east-1"], key=key, topic=topic)
    )
    out = h.synth()
    rule = only(out, "aws_cloudwatch_event_rule")
    pattern = json.loads(rule["event_pattern"])
    assert pattern["detail"]["eventName"] == ["DisableKey", "ScheduleKeyDeletion"]
    (key_name,) = resources(out, "aws_kms_key")
    assert pattern["detail"]["requestParameters"]["keyId"] == [
        f"${{aws_kms_key.{key_name}.key_id}}",
        f"${{aws_kms_key.{key_name}.arn}}",
    ]
    assert watch.rule_arn.endswith(f":rule/{rule['name']}")
    target = only(out, "aws_cloudwatch_event_target")
    assert ref(target["arn"])[0] == "aws_sns_topic"
    (publish,) = [
        s
        for s in statements(only(out, "aws_sns_topic_policy"))
        if s["Sid"] == "KeyWatchOfThisRegion"
    ]
    (use,) = [
        s
        for s in statements(out["resource"]["aws_kms_key"][key_name])
        if s["Sid"] == "KeyWatchOfThisRegionToEncryptedTopic"
    ]
    for statement in (publish, use):
        assert statement["Principal"] == {"Service": "events.amazonaws.com"}
        assert statement["Condition"]["ArnEquals"] == {"aws:SourceArn": watch.rule_arn}
    assert set(use["Action"]) == {"kms:Decrypt", "kms:GenerateDataKey"}
