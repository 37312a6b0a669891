"""Condition operators as AWS evaluates them, for a statement's ``Condition`` block.

Source: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html
(absent keys, ``...IfExists``, ``Null``) and
https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html
(``ForAnyValue:``/``ForAllValues:``). Keys compare case-insensitively, values as each
operator says. An operator not listed here raises :class:`UnsupportedCondition`: the
emulator refuses rather than guess (moto's evaluator treats an unknown operator as met).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

#: A request's condition context: key (any case) -> one value or several.
Context = Mapping[str, "str | Sequence[str]"]


class UnsupportedCondition(Exception):
    """A condition operator the emulator does not evaluate."""


def like(pattern: str, value: str) -> bool:
    """``*`` any run, ``?`` one character; everything else literal."""
    regex = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    return re.fullmatch(regex, value, flags=re.DOTALL) is not None


def _number(text: str) -> float:
    return float(text)


def _numeric(compare: Callable[[float, float], bool]) -> Callable[[str, str], bool]:
    return lambda expected, actual: compare(_number(actual), _number(expected))


#: Positive operators: does one policy value match one context value?
_MATCHERS: dict[str, Callable[[str, str], bool]] = {
    "StringEquals": lambda expected, actual: actual == expected,
    "StringEqualsIgnoreCase": lambda expected, actual: actual.lower() == expected.lower(),
    "StringLike": like,
    "ArnEquals": like,  # AWS: ArnEquals and ArnLike both take wildcards
    "ArnLike": like,
    "Bool": lambda expected, actual: actual.lower() == expected.lower(),
    "NumericEquals": _numeric(lambda a, e: a == e),
    "NumericLessThan": _numeric(lambda a, e: a < e),
    "NumericLessThanEquals": _numeric(lambda a, e: a <= e),
    "NumericGreaterThan": _numeric(lambda a, e: a > e),
    "NumericGreaterThanEquals": _numeric(lambda a, e: a >= e),
}
#: Negated operators and the positive operator they negate.
_NEGATED = {
    "StringNotEquals": "StringEquals",
    "StringNotEqualsIgnoreCase": "StringEqualsIgnoreCase",
    "StringNotLike": "StringLike",
    "ArnNotEquals": "ArnEquals",
    "ArnNotLike": "ArnLike",
    "NumericNotEquals": "NumericEquals",
}


def conditions_hold(block: Mapping[str, Mapping[str, Any]] | None, context: Context) -> bool:
    """Every operator, and every key under it, holds (AND throughout)."""
    if not block:
        return True
    lowered = {key.lower(): value for key, value in context.items()}
    return all(
        _holds(operator, key, values, lowered)
        for operator, keys in block.items()
        for key, values in keys.items()
    )


def _holds(operator: str, key: str, expected: Any, context: Mapping[str, Any]) -> bool:
    qualifier, _, name = operator.rpartition(":")
    expected_values = [
        str(v).lower() if isinstance(v, bool) else str(v) for v in _as_list(expected)
    ]
    actual = context.get(key.lower())
    if name == "Null":
        return (actual is None) == (expected_values[0].lower() == "true")
    if_exists = name.endswith("IfExists")
    base = name.removesuffix("IfExists")
    negated = base in _NEGATED
    matcher = _MATCHERS.get(_NEGATED.get(base, base))
    if matcher is None or qualifier not in ("", "ForAnyValue", "ForAllValues"):
        raise UnsupportedCondition(operator)
    if actual is None:
        # Absent key: IfExists holds; ForAllValues holds vacuously; a negated operator holds.
        return if_exists or qualifier == "ForAllValues" or (negated and qualifier == "")
    actual_values = _as_list(actual)

    def one(value: str) -> bool:
        hit = any(matcher(e, value) for e in expected_values)
        return not hit if negated else hit

    if qualifier == "ForAllValues":
        return all(one(value) for value in actual_values)
    return any(one(value) for value in actual_values)


def _as_list(value: Any) -> list[Any]:
    return list(value) if isinstance(value, list | tuple) else [value]
