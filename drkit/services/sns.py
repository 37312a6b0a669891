"""SNS: one KMS-encrypted alert topic per region, with the spec's e-mail subscriptions."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs
from constructs import Construct

from drkit import iam
from drkit.aws import SnsTopic, SnsTopicPolicy, SnsTopicSubscription
from drkit.errors import SpecError
from drkit.regions import names
from drkit.regions.names import Name
from drkit.services.kms import EncryptionKey
from drkit.services.placement import Placement
from drkit.services.policy import PolicyDocument


@attrs.frozen(kw_only=True)
class TopicRef:
    """An alert topic as alarms see it: where it is and its ARN (maybe of another stack,
    computed from its name).

    Attributes:
        region: Its region (an alarm may only notify a topic in its own region).
        topic_arn: Its ARN.
    """

    region: str
    topic_arn: str


@attrs.frozen(kw_only=True)
class AlertTopicProps:
    """Props of :class:`AlertTopic`.

    Attributes:
        placement: Region, provider and naming.
        key: Encrypts the topic; same region.
        emails: Subscribed addresses (each must confirm once).
    """

    placement: Placement
    key: EncryptionKey
    emails: tuple[str, ...] = ()
    name: Name = names.ALERT_TOPIC

    def __attrs_post_init__(self) -> None:
        if self.key.region != self.placement.region:
            raise SpecError("key", self.key.region, f"a key in {self.placement.region}")


class AlertTopic(Construct):
    """The region's alert topic; every alarm in the region notifies it, and the rules that
    :meth:`allow_publisher` admits publish to it.

    Attributes:
        topic_arn: Its ARN.
        topic_name: Its name.
        region: Its region (alarms may only notify a topic in their own region).
        key: The key it is encrypted with (a publisher must be able to use it).
    """

    def __init__(self, scope: Construct, id: str, *, props: AlertTopicProps) -> None:
        super().__init__(scope, id)
        p = props.placement
        self.region = p.region
        self.key = props.key
        self.topic_name = p.named(props.name)
        self._policy = PolicyDocument()
        self.resource, _ = encrypted_topic(
            self,
            ("resource", "policy"),
            placement=p,
            key=props.key,
            name=self.topic_name,
            display_name="drkit DR alerts",
            publisher=Publisher(
                sid="CloudWatchAlarmsOfThisAccount",
                service="cloudwatch.amazonaws.com",
                conditions={
                    "StringEquals": {"aws:SourceAccount": p.account.account_id},
                    "ArnLike": {"aws:SourceArn": p.account.arn("cloudwatch", p.region, "alarm:*")},
                },
            ),
            document=self._policy,
        )
        self.topic_arn: str = self.resource.arn
        self.ref = TopicRef(region=p.region, topic_arn=self.topic_arn)
        for index, email in enumerate(props.emails):
            SnsTopicSubscription(
                self,
                f"email-{index}",
                provider=p.provider,
                topic_arn=self.topic_arn,
                protocol="email",
                endpoint=email,
            )

    def allow_publisher(self, publisher: Publisher) -> None:
        """Let one more AWS service publish (an EventBridge rule of this region): the topic's
        policy admits it, and the topic's key lets it encrypt, under the same conditions."""
        self._policy.add(_publish(self.topic_arn, publisher))
        self.key.grant_service(
            f"{publisher.sid}ToEncryptedTopic",
            publisher.service,
            ("kms:Decrypt", "kms:GenerateDataKey"),
            publisher.conditions,
        )


@attrs.frozen(kw_only=True)
class Publisher:
    """An AWS service a topic's policy lets publish, and under which conditions."""

    sid: str
    service: str
    conditions: Mapping[str, Mapping[str, Any]]


def _publish(topic_arn: str, publisher: Publisher) -> iam.Statement:
    return iam.Statement(
        sid=publisher.sid,
        principals={"Service": (publisher.service,)},
        actions=("sns:Publish",),
        resources=(topic_arn,),
        conditions=publisher.conditions,
        resource_policy=True,
    )


def encrypted_topic(
    scope: Construct,
    ids: tuple[str, str],
    *,
    placement: Placement,
    key: EncryptionKey,
    name: str,
    publisher: Publisher,
    display_name: str | None = None,
    document: PolicyDocument | None = None,
) -> tuple[SnsTopic, SnsTopicPolicy]:
    """A topic encrypted with ``key`` whose policy admits ``publisher`` over TLS only.

    ``ids`` are the topic's and its policy's construct ids in ``scope``. The policy is
    ``document`` (a new one when left out), rendered at synth: statements its owner adds
    later land in it.
    """
    p = placement
    topic = SnsTopic(
        scope,
        ids[0],
        provider=p.provider,
        name=name,
        display_name=display_name,
        kms_master_key_id=key.key_arn,
        tags=p.tagged(name),
    )
    insecure = iam.Statement(
        sid="DenyInsecureTransport",
        effect="Deny",
        principals={"AWS": ("*",)},
        actions=("sns:Publish",),
        resources=(topic.arn,),
        conditions={"Bool": {"aws:SecureTransport": "false"}},
        resource_policy=True,
    )
    document = PolicyDocument() if document is None else document
    document.add(_publish(topic.arn, publisher))
    document.add(insecure)
    policy = SnsTopicPolicy(
        scope, ids[1], provider=p.provider, arn=topic.arn, policy=document.rendered()
    )
    return topic, policy
