"""Strategies for the Lambda runtime: record ids, JSON payloads, clocks, stream records, bodies."""

from __future__ import annotations

import string
from typing import Any

from hypothesis import strategies as st

from drkit_runtime.contract import RESERVED_PREFIX
from tests.runtime.events import stream_record

ID_ALPHABET = string.ascii_letters + string.digits + "_-"
MAX_ID_CHARS = 128


@st.composite
def valid_record_ids(draw: st.DrawFn, *, max_size: int = MAX_ID_CHARS) -> str:
    """Ids that match the pattern and stay clear of the reserved prefix."""
    value = draw(st.text(alphabet=ID_ALPHABET, min_size=1, max_size=max_size))
    if value.lower().startswith(RESERVED_PREFIX):
        value = "r" + value[1:]  # one letter in front of "_" is enough to leave the prefix
    return value


@st.composite
def ids_with_a_foreign_character(draw: st.DrawFn) -> str:
    """An otherwise valid id with one character from outside the alphabet put in."""
    base = draw(valid_record_ids(max_size=MAX_ID_CHARS - 1))
    foreign = draw(st.characters(exclude_characters=ID_ALPHABET))
    at = draw(st.integers(min_value=0, max_value=len(base)))
    return base[:at] + foreign + base[at:]


@st.composite
def too_long_record_ids(draw: st.DrawFn) -> str:
    """Ids of the right alphabet, longer than 128 characters."""
    return draw(st.text(alphabet=ID_ALPHABET, min_size=MAX_ID_CHARS + 1, max_size=300))


@st.composite
def reserved_record_ids(draw: st.DrawFn) -> str:
    """Ids starting with the reserved prefix, in any letter case."""
    prefix = "".join(draw(st.sampled_from(sorted({c.lower(), c.upper()}))) for c in RESERVED_PREFIX)
    rest = draw(st.text(alphabet=ID_ALPHABET, max_size=MAX_ID_CHARS - len(RESERVED_PREFIX)))
    return prefix + rest


def json_values(*, max_leaves: int = 20) -> st.SearchStrategy[Any]:
    """Any JSON value (finite numbers only, as JSON has no NaN)."""
    scalars = (
        st.none()
        | st.booleans()
        | st.integers(min_value=-(2**63), max_value=2**63)
        | st.floats(allow_nan=False, allow_infinity=False)
        | st.text(max_size=20)
    )
    return st.recursive(
        scalars,
        lambda inner: (
            st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
        ),
        max_leaves=max_leaves,
    )


@st.composite
def json_objects(draw: st.DrawFn, *, max_leaves: int = 20) -> dict[str, Any]:
    """A JSON object, the shape of a record payload."""
    return draw(
        st.dictionaries(st.text(max_size=8), json_values(max_leaves=max_leaves), max_size=5)
    )


@st.composite
def clock_pairs(draw: st.DrawFn, *, max_skew_ms: int = 600_000) -> tuple[int, int]:
    """(written_at_ms, observed_at_ms) around a recent epoch, observer possibly behind."""
    written = draw(st.integers(min_value=1_600_000_000_000, max_value=2_000_000_000_000))
    offset = draw(st.integers(min_value=-max_skew_ms, max_value=max_skew_ms))
    return written, written + offset


@st.composite
def heartbeat_stream_records(
    draw: st.DrawFn, *, table: str, source_region: str, receiving_region: str
) -> tuple[dict[str, Any], int, int]:
    """A replicated heartbeat stream record and its (written_at_ms, arrival second)."""

    written, observed = draw(clock_pairs())
    arrived_s = observed // 1000  # streams report arrival rounded down to the second
    record = stream_record(
        table=table,
        source_region=source_region,
        written_at_ms=written,
        arrived_s=arrived_s,
        event_name=draw(st.sampled_from(["INSERT", "MODIFY"])),
        receiving_region=receiving_region,
    )
    return record, written, arrived_s


@st.composite
def bodies(draw: st.DrawFn, *, max_size: int) -> bytes:
    """Arbitrary request bodies up to `max_size` bytes."""
    return draw(st.binary(max_size=max_size))
