"""AlertTopic: encrypted, TLS-only publishing, one subscription per address."""

from __future__ import annotations

import json

import pytest

from drkit.services.sns import AlertTopic, AlertTopicProps
from tests.helpers import only, ref, resources

pytestmark = pytest.mark.synth


def test_topic_is_encrypted_and_refuses_insecure_publishing(h):
    """The topic has a KMS key, a policy denying plain HTTP, and one subscription per email."""
    AlertTopic(
        h.stack,
        "t",
        props=AlertTopicProps(
            placement=h["us-east-1"], key=h.key(), emails=("a@example.com", "b@example.com")
        ),
    )
    out = h.synth()
    topic = only(out, "aws_sns_topic")
    assert ref(topic["kms_master_key_id"])[0] == "aws_kms_key"
    statements = json.loads(only(out, "aws_sns_topic_policy")["policy"])["Statement"]
    assert any(
        s["Effect"] == "Deny" and s["Condition"]["Bool"]["aws:SecureTransport"] == "false"
        for s in statements
    )
    assert len(resources(out, "aws_sns_topic_subscription")) == 2
