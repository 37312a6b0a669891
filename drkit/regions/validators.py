"""Field rules of the model: a value's type first, then its range; every failure a SpecError.

attrs validators (``check(instance, attribute, value)``) for the specs' fields, the
checks the layout readers run on raw tables (a table, an array, required and unknown
keys, an enum given as a string), and the rules AWS and Terraform impose on the few
strings that go straight into the stack (tags, CIDRs, the state bucket and key).
"""

from __future__ import annotations

import enum
import math
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from types import MappingProxyType
from typing import Any, NoReturn, TypeVar
from urllib.parse import urlsplit

import attrs

from drkit import iam
from drkit.errors import MISSING, SpecError, did_you_mean, index_path, key_path

#: Tags every taggable resource carries, whatever the user adds.
REQUIRED_TAGS: Mapping[str, str] = MappingProxyType(
    {"Environment": "Production", "DisasterRecovery": "Enabled"}
)
#: AWS allows 50 tags per resource ("Tag restrictions", e.g.
#: https://docs.aws.amazon.com/batch/latest/userguide/tag-restrictions.html); each resource
#: also carries the required tags and its own Name tag.
MAX_TAGS_PER_RESOURCE = 50
MAX_USER_TAGS = MAX_TAGS_PER_RESOURCE - len(REQUIRED_TAGS) - 1
#: Tag keys 1-128 and values 0-256 characters of Unicode letters, digits and separators and
#: ``_ . : / = + - @`` (the Resource Groups Tagging API pattern
#: ``^([\p{L}\p{Z}\p{N}_.:/=+\-@]*)$``, e.g. the Tag type of
#: https://docs.aws.amazon.com/servicequotas/2019-06-24/apireference/API_Tag.html).
TAG_KEY_CHARS, TAG_VALUE_CHARS = 128, 256
_TAG_SYMBOLS = frozenset("_.:/=+-@")
_TAG_TEXT = f"letters, digits, spaces and {' '.join(sorted(_TAG_SYMBOLS))}"
# S3 general purpose bucket names: 3-63 characters, lower-case letters, digits, dots and
# hyphens, starting and ending with a letter or digit, no "..", not an IP address
# (https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html).
_BUCKET = re.compile(r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_DNS_LABEL = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?")
_ZONE_ID = re.compile(r"Z[A-Z0-9]{1,31}")
_URL = re.compile(r"https?://[^\s/?#@]+/?")
_PRINCIPAL = re.compile(r"arn:aws[a-z-]*:iam::\d{12}:(user|role)/[\w+=,.@/-]{1,512}")

#: What attrs calls a validator with: the instance, the field, the value.
Validator = Callable[[Any, "attrs.Attribute[Any]", Any], None]
E = TypeVar("E", bound=enum.Enum)


def fail(field: str, value: Any, allowed: str) -> NoReturn:
    raise SpecError(field, value, allowed)


def is_int(value: Any) -> bool:
    """An integer, not a boolean (``True`` is an ``int`` in Python, never a number in TOML)."""
    return isinstance(value, int) and not isinstance(value, bool)


# ----- raw tables (TOML/JSON data) -------------------------------------------------------
def expect_table(field: str, value: Any, allowed: str) -> Mapping[Any, Any]:
    if not isinstance(value, Mapping):
        fail(field, value, allowed)
    return value


def expect_array(field: str, value: Any, allowed: str) -> tuple[Any, ...]:
    if not isinstance(value, (list, tuple)):
        fail(field, value, allowed)
    return tuple(value)


def check_keys(
    field: str, table: Mapping[Any, Any], *, required: Iterable[str], optional: Iterable[str] = ()
) -> None:
    """Unknown keys are errors, not silently ignored; so are missing required ones."""
    required = tuple(required)
    known = sorted({*required, *optional})
    for key in table:
        if key not in known:
            hint = did_you_mean(key, known)
            fail(key_path(field, key), table[key], "one of the keys " + ", ".join(known) + hint)
    for key in required:
        if key not in table:
            fail(key_path(field, key), MISSING, "")


def parse_enum(kind: type[E], field: str, value: Any) -> E:
    """An enum member from its string value (TOML has no enums)."""
    options = [member.value for member in kind]
    if not isinstance(value, str) or value not in options:
        fail(field, value, " or ".join(repr(o) for o in options))
    return kind(value)


# ----- generic field validators ----------------------------------------------------------
def instance_of(
    kind: type | tuple[type, ...], allowed: str, *, optional: bool = False
) -> Validator:
    def check(_: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        if not (optional and value is None) and not isinstance(value, kind):
            fail(attribute.name, value, allowed)

    return check


def items_of(kind: type, allowed: str) -> Validator:
    """Every item of an (already converted) tuple is a ``kind``."""

    def check(_: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        for i, item in enumerate(value):
            if not isinstance(item, kind):
                fail(index_path(attribute.name, i), item, allowed)

    return check


def int_range(low: int, high: int) -> Validator:
    def check(_: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        if not is_int(value) or not low <= value <= high:
            fail(attribute.name, value, f"an integer from {low} to {high}" + quoted(value))

    return check


def quoted(value: Any) -> str:
    """What to say of a number written as a string (``"10"`` for ``10`` in TOML)."""
    if isinstance(value, str) and value.strip().lstrip("+-").replace(".", "", 1).isdigit():
        return " (this is a string: write the number without quotes)"
    return ""


def optional_int_range(low: int, high: int) -> Validator:
    """``int_range``, or left out (None)."""
    within = int_range(low, high)

    def check(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        if value is not None:
            within(instance, attribute, value)

    return check


def percent_below(low: float, high: float) -> Validator:
    """A percentage from ``low`` up to, not including, ``high``: a finite number, not a bool.

    The floor keeps a fraction out: 0.9999 meant as 99.99 % would make any target trivial.
    """

    def check(_: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        number = is_int(value) or (isinstance(value, float) and math.isfinite(value))
        if not number or not low <= value < high:
            fail(
                attribute.name,
                value,
                f"a percentage from {low:g} up to (not including) {high:g}, "
                "e.g. 99.99 (not 0.9999)",
            )

    return check


def one_of(options: tuple[int, ...], unit: str = "") -> Validator:
    def check(_: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        if not is_int(value) or value not in options:
            fail(attribute.name, value, "one of " + ", ".join(f"{o}{unit}" for o in options))

    return check


# ----- remote state ------------------------------------------------------------------------
def check_bucket(_: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if (
        not isinstance(value, str)
        or not _BUCKET.fullmatch(value)
        or ".." in value
        or re.fullmatch(r"\d+\.\d+\.\d+\.\d+", value)
    ):
        fail(
            attribute.name,
            value,
            "an S3 bucket name: 3-63 lower-case letters, digits, dots and hyphens, "
            "starting and ending with a letter or digit",
        )


def check_state_key(_: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    # Terraform's S3 backend refuses an empty key, '//', and a leading or trailing '/';
    # S3 object keys are at most 1024 bytes of UTF-8.
    if (
        not isinstance(value, str)
        or not 0 < len(value.encode("utf-8", "surrogatepass")) <= 1024
        or value.startswith("/")
        or value.endswith("/")
        or "//" in value
    ):
        fail(
            attribute.name,
            value,
            "an S3 object key of 1-1024 bytes, not starting or ending with '/' and "
            "without '//', e.g. 'drkit/prod.tfstate'",
        )


# ----- shared settings ---------------------------------------------------------------------
def _tag_text(text: str) -> bool:
    return all(unicodedata.category(c)[0] in "LZN" or c in _TAG_SYMBOLS for c in text)


def check_tags(_: Any, attribute: attrs.Attribute[Any], value: Mapping[Any, Any]) -> None:
    if len(value) > MAX_USER_TAGS:
        fail(attribute.name, dict(value), f"at most {MAX_USER_TAGS} tags (AWS allows 50)")
    for key, val in value.items():
        field = key_path(attribute.name, key)
        if not isinstance(key, str) or not 1 <= len(key) <= TAG_KEY_CHARS or not _tag_text(key):
            fail(field, key, f"a tag key of 1-{TAG_KEY_CHARS} {_TAG_TEXT}")
        if not isinstance(val, str) or len(val) > TAG_VALUE_CHARS or not _tag_text(val):
            fail(field, val, f"a string of up to {TAG_VALUE_CHARS} {_TAG_TEXT}")
        if key.lower().startswith("aws:") or val.lower().startswith("aws:"):
            fail(field, val, "keys and values not starting with 'aws:' (reserved by AWS)")
        if key in REQUIRED_TAGS and val != REQUIRED_TAGS[key]:
            fail(field, val, f"{REQUIRED_TAGS[key]!r} (a required tag cannot be changed)")


def check_emails(_: Any, attribute: attrs.Attribute[Any], value: tuple[Any, ...]) -> None:
    if not value:
        fail(attribute.name, value, "at least one address: alarms must reach a person")
    for i, email in enumerate(value):
        if not isinstance(email, str) or not _EMAIL.fullmatch(email):
            fail(index_path(attribute.name, i), email, "an e-mail address like oncall@example.com")
        if email in value[:i]:
            fail(index_path(attribute.name, i), email, "an address not already listed")


def check_principals(_: Any, attribute: attrs.Attribute[Any], value: tuple[Any, ...]) -> None:
    """IAM users or roles of people (for the operator or break-glass role), each named once."""
    for i, arn in enumerate(value):
        if not isinstance(arn, str) or not _PRINCIPAL.fullmatch(arn):
            fail(
                index_path(attribute.name, i),
                arn,
                "the ARN of an IAM user or role of people, e.g. "
                "arn:aws:iam::111122223333:role/dr-operators",
            )
        if arn in value[:i]:
            fail(index_path(attribute.name, i), arn, "an ARN not already listed")


def check_zone(_: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    labels = value.rstrip(".").split(".") if isinstance(value, str) else []
    if len(labels) < 2 or not all(_DNS_LABEL.fullmatch(x) for x in labels) or len(value) > 253:
        fail(
            attribute.name,
            value,
            "a lower-case DNS name with at least two labels, e.g. dr.example.com",
        )


def check_label(_: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if not isinstance(value, str) or not _DNS_LABEL.fullmatch(value):
        fail(attribute.name, value, "one lower-case DNS label, e.g. 'api'")


def check_zone_id(_: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if value is not None and not (isinstance(value, str) and _ZONE_ID.fullmatch(value)):
        fail(
            attribute.name,
            value,
            "None (create the zone) or a Route 53 zone id like Z0123456789ABC",
        )


def check_endpoint_url(field: str, value: Any, *, allowed: str = "") -> str:
    """An emulator's URL: http(s), a host, an optional port from 1 to 65535, nothing else."""
    allowed = allowed or "a URL like http://127.0.0.1:5000 (http or https, a host, a port)"
    if not isinstance(value, str) or not _URL.fullmatch(value):
        fail(field, value, allowed)
    try:
        parts = urlsplit(value)
        port = parts.port  # raises ValueError when not a number from 0 to 65535
    except ValueError:
        fail(field, value, allowed)
    if not parts.hostname or port == 0:
        fail(field, value, allowed)
    return value


def check_endpoint(_: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if value is not None:
        check_endpoint_url(
            attribute.name, value, allowed="None or a URL like http://127.0.0.1:5000"
        )


# ----- converters: a collection's type is checked before it is converted ---------------------
def to_tags(value: Any) -> Mapping[str, str]:
    table = expect_table("tags", value, 'a table of tags, e.g. tags = { Team = "dr" }')
    return MappingProxyType(dict(table))


def to_number(value: Any) -> Any:
    """An integer as a float (TOML writes ``99`` for 99.0); anything else is left as it is,
    for the validator to refuse."""
    if is_int(value) and abs(value) < 2**53:  # exactly a float; a larger one is refused
        return float(value)
    return value


def to_emails(value: Any) -> tuple[str, ...]:
    return expect_array(
        "alert_emails", value, 'an array of e-mail addresses, e.g. ["oncall@example.com"]'
    )


def to_principals(value: Any, field: str = "operator_principals") -> tuple[str, ...]:
    return expect_array(
        field,
        value,
        'an array of IAM user or role ARNs, e.g. ["arn:aws:iam::111122223333:role/dr-operators"]',
    )


def to_break_glass(value: Any) -> tuple[str, ...]:
    return to_principals(value, "break_glass_principals")


def to_statements(value: Any) -> tuple[iam.Statement, ...]:
    """User-supplied IAM statements: SpecError for a wrong shape, ComplianceError if they
    break least privilege."""
    field = "extra_api_statements"
    items = expect_array(field, value, "an array of IAM statement tables ([[" + field + "]])")
    return tuple(
        item
        if isinstance(item, iam.Statement)
        else iam.Statement.from_mapping(item, default_sid=f"Extra{i}", field=index_path(field, i))
        for i, item in enumerate(items)
    )


def to_strings(value: Iterable[str]) -> tuple[str, ...]:
    """The strings as a tuple: the converter of the props' ``tuple[str, ...]`` fields (values
    from code, not from a spec). ``converter=tuple`` converts the same, but mypy's attrs
    plugin cannot solve tuple's type variable and types the field's parameter as unsolvable.
    """
    return tuple(value)
