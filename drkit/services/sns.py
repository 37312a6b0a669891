"""SNS: one KMS-encrypted alert topic per region, with the spec's e-mail subscriptions."""

from __future__ import annotations

import attrs
from constructs import Construct

from drkit import iam
from drkit.aws import SnsTopic, SnsTopicPolicy, SnsTopicSubscription
from drkit.errors import SpecError
from drkit.regions.naming import ResourceType
from drkit.services.kms import EncryptionKey
from drkit.services.placement import Placement


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

    def __attrs_post_init__(self) -> None:
        if self.key.region != self.placement.region:
            raise SpecError("key", self.key.region, f"a key in {self.placement.region}")


class AlertTopic(Construct):
    """The region's alert topic; every alarm in the region notifies it.

    Attributes:
        topic_arn: Its ARN.
        topic_name: Its name.
        region: Its region (alarms may only notify a topic in their own region).
    """

    def __init__(self, scope: Construct, id: str, *, props: AlertTopicProps) -> None:
        super().__init__(scope, id)
        p = props.placement
        self.region = p.region
        self.topic_name = p.name(ResourceType.SNS_TOPIC, "alerts")
        self.resource = SnsTopic(
            self,
            "resource",
            provider=p.provider,
            name=self.topic_name,
            display_name="drkit DR alerts",
            kms_master_key_id=props.key.key_arn,
            tags=p.tagged(self.topic_name),
        )
        self.topic_arn: str = self.resource.arn
        SnsTopicPolicy(
            self,
            "policy",
            provider=p.provider,
            arn=self.topic_arn,
            policy=iam.document(
                (
                    iam.Statement(
                        sid="CloudWatchAlarmsOfThisAccount",
                        principals={"Service": ("cloudwatch.amazonaws.com",)},
                        actions=("sns:Publish",),
                        resources=(self.topic_arn,),
                        conditions={
                            "StringEquals": {"aws:SourceAccount": p.account.account_id},
                            "ArnLike": {
                                "aws:SourceArn": p.account.arn("cloudwatch", p.region, "alarm:*")
                            },
                        },
                        resource_policy=True,
                    ),
                    iam.Statement(
                        sid="DenyInsecureTransport",
                        effect="Deny",
                        principals={"AWS": ("*",)},
                        actions=("sns:Publish",),
                        resources=(self.topic_arn,),
                        conditions={"Bool": {"aws:SecureTransport": "false"}},
                        resource_policy=True,
                    ),
                )
            ),
        )
        for index, email in enumerate(props.emails):
            SnsTopicSubscription(
                self,
                f"email-{index}",
                provider=p.provider,
                topic_arn=self.topic_arn,
                protocol="email",
                endpoint=email,
            )
