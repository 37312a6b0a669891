"""KMS signing keys: the asymmetric key behind the API zone's DNSSEC key-signing key.

Apart from drkit/services/kms.py (the symmetric, rotated encryption keys) because
its key spec, usage, policy and lifetime rules differ: Route 53 signs with it, no
role or service encrypts with it, and deleting it can take the zone down.
"""

from __future__ import annotations

import attrs
from cdktf import TerraformResourceLifecycle
from constructs import Construct

from drkit import iam
from drkit.aws import KmsAlias, KmsKey
from drkit.errors import SpecError
from drkit.regions import names
from drkit.services.kms import administration
from drkit.services.placement import Placement


@attrs.frozen(kw_only=True)
class SigningKeyProps:
    """Props of :class:`DnssecSigningKey`.

    Attributes:
        placement: Must be us-east-1 (Route 53 only signs with keys there).
        deletion_window_days: Waiting period before deletion (7-30).
        prevent_destroy: Terraform refuses any plan that destroys the key. Deleting it
            (after the window) makes the zone's answers unverifiable: with the DS record
            at the parent, validating resolvers fail the whole name in every region.
    """

    placement: Placement
    deletion_window_days: int = 7
    prevent_destroy: bool = False

    def __attrs_post_init__(self) -> None:
        if self.placement.region != "us-east-1":
            raise SpecError(
                "placement", self.placement.region, "us-east-1 (Route 53 DNSSEC's only key region)"
            )
        if not 7 <= self.deletion_window_days <= 30:
            raise SpecError(
                "deletion_window_days", self.deletion_window_days, "7 to 30 (KMS's range)"
            )


class DnssecSigningKey(Construct):
    """The asymmetric ECC key behind a zone's DNSSEC key-signing key.

    Asymmetric keys cannot rotate automatically; KSK rotation is a Route 53
    procedure (new KSK, DS update at the parent), described in the runbook.

    Attributes:
        key_arn: The key's ARN.
    """

    def __init__(self, scope: Construct, id: str, *, props: SigningKeyProps) -> None:
        super().__init__(scope, id)
        p = props.placement
        zones = f"arn:{p.account.partition}:route53:::hostedzone/*"
        statements = (
            administration(p),
            iam.Statement(
                sid="Route53DnssecSigning",
                principals={"Service": ("dnssec-route53.amazonaws.com",)},
                actions=("kms:DescribeKey", "kms:GetPublicKey", "kms:Sign"),
                resources=("*",),
                conditions={
                    "StringEquals": {"aws:SourceAccount": p.account.account_id},
                    "ArnLike": {"aws:SourceArn": zones},
                },
                resource_policy=True,
            ),
            iam.Statement(
                sid="Route53DnssecGrant",
                principals={"Service": ("dnssec-route53.amazonaws.com",)},
                actions=("kms:CreateGrant",),
                resources=("*",),
                conditions={"Bool": {"kms:GrantIsForAWSResource": "true"}},
                resource_policy=True,
            ),
        )
        alias = p.named(names.DNSSEC_KEY)
        self.resource = KmsKey(
            self,
            "resource",
            provider=p.provider,
            description="drkit DNSSEC key-signing key",
            customer_master_key_spec="ECC_NIST_P256",
            key_usage="SIGN_VERIFY",
            deletion_window_in_days=props.deletion_window_days,
            policy=iam.document(statements),
            tags=p.tagged(alias.removeprefix("alias/")),
            lifecycle=TerraformResourceLifecycle(prevent_destroy=True)
            if props.prevent_destroy
            else None,
        )
        KmsAlias(self, "alias", provider=p.provider, name=alias, target_key_id=self.resource.key_id)
        self.key_arn: str = self.resource.arn
