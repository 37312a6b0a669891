"""The HIPAA Security Rule safeguards ``drkit check`` reports on, and the automated controls that
stand for each: checkov's checks and drkit's own (as docs/compliance.md maps them).

A safeguard is an obligation of the covered entity; a passing control is evidence that the
synthesized infrastructure implements the technical part the control checks, nothing more. The
administrative parts (policies, training, a contingency plan's people) are not here.
"""

from __future__ import annotations

from types import MappingProxyType

import attrs

#: drkit's own controls, which checkov cannot check (across stacks, or beyond its rules).
LEAST_PRIVILEGE = "DRKIT_LEAST_PRIVILEGE"
CONFUSED_DEPUTY = "DRKIT_CONFUSED_DEPUTY"
REPLICAS = "DRKIT_REPLICAS_EVERYWHERE"
SIGNED_ZONE = "DRKIT_SIGNED_ZONE"
OWN_ALIASES = "DRKIT_ALIASES_TO_OWN_APIS"
DRKIT_CONTROLS = MappingProxyType(
    {
        LEAST_PRIVILEGE: "every IAM policy least privilege: no '*' action, '*' resources only "
        "for the actions AWS authorizes nowhere narrower (drkit/compliance.py iam_findings)",
        CONFUSED_DEPUTY: "every service principal scoped by aws:SourceArn/aws:SourceAccount "
        "(drkit/compliance.py confused_deputy_findings)",
        REPLICAS: "every data and trail bucket replicated to every other region, read across "
        "stacks (drkit/operations/cross_stack.py replication_findings)",
        SIGNED_ZONE: "the zone drkit makes is DNSSEC-signed and query-logged, read across "
        "stacks (drkit/operations/cross_stack.py zone_findings)",
        OWN_ALIASES: "every alias record targets an API domain of the deployment "
        "(drkit/operations/cross_stack.py alias_findings)",
    }
)


@attrs.frozen(kw_only=True)
class Safeguard:
    """One safeguard and its controls.

    Attributes:
        id: The section of 45 CFR 164, e.g. ``164.312(b)``.
        name: Its name in the Security Rule.
        controls: checkov check ids and drkit's own control ids.
    """

    id: str
    name: str
    controls: tuple[str, ...]


SAFEGUARDS: tuple[Safeguard, ...] = (
    Safeguard(
        id="164.308(a)(7)",
        name="Contingency plan (data backup, disaster recovery, emergency mode)",
        controls=("CKV_AWS_28", REPLICAS, OWN_ALIASES),
    ),
    Safeguard(
        id="164.312(a)(1)",
        name="Access control (least privilege, unique principals)",
        controls=(
            "CKV_AWS_60",
            "CKV_AWS_61",
            "CKV_AWS_62",
            "CKV_AWS_63",
            "CKV2_AWS_40",
            "CKV_AWS_33",
            "CKV_AWS_70",
            "CKV_AWS_364",
            "CKV_AWS_301",
            "CKV_AWS_309",
            LEAST_PRIVILEGE,
            CONFUSED_DEPUTY,
        ),
    ),
    Safeguard(
        id="164.312(a)(2)(iv)",
        name="Encryption and decryption (at rest)",
        controls=(
            "CKV_AWS_7",
            "CKV_AWS_119",
            "CKV_AWS_145",
            "CKV_AWS_26",
            "CKV_AWS_27",
            "CKV_AWS_173",
            "CKV_AWS_158",
            "CKV2_AWS_34",
            "CKV_AWS_166",
            "CKV_AWS_35",
        ),
    ),
    Safeguard(
        id="164.312(b)",
        name="Audit controls",
        controls=(
            "CKV_AWS_67",
            "CKV_AWS_36",
            "CKV_AWS_35",
            "CKV2_AWS_10",
            "CKV_AWS_252",
            "CKV_AWS_338",
            "CKV2_AWS_11",
            "CKV_AWS_76",
            "CKV_AWS_18",
            "CKV2_AWS_39",
        ),
    ),
    Safeguard(
        id="164.312(c)(1)",
        name="Integrity",
        controls=("CKV_AWS_21", "CKV_AWS_36", "CKV_AWS_272", SIGNED_ZONE),
    ),
    Safeguard(
        id="164.312(e)(1)",
        name="Transmission security",
        controls=("CKV_AWS_260", "CKV_AWS_24", "CKV_AWS_25", "CKV2_AWS_12"),
    ),
)
