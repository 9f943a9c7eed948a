"""Comparison operators with Airtable's semantics (https://support.airtable.com/docs/formula-field-reference).

* Two-valued: no NULL propagation. ``{Text} != 'x'`` is true for an empty cell.
* Blank equals "", 0, false and an empty array (so ``{Num} = BLANK()`` matches 0 too).
* Text ``=`` is case-sensitive.
* Number vs text: numerically when the text is a number, else as text.
* Dates compare as instants; text compared with a date is parsed as a date.
* Arrays (links, multi-selects, lookups) compare through their ", "-joined text.
* An error on either side makes the comparison an error.
"""

from __future__ import annotations

from leadgen.airtable.formula.evaluation.dates import parse_date_text, to_date
from leadgen.airtable.formula.evaluation.values import (
    ERROR,
    DateValue,
    ErrorValue,
    Value,
    first_error,
    is_empty,
    is_number,
    parse_number,
    to_number,
    to_text,
)


def equals(a: Value, b: Value) -> bool | ErrorValue:
    """``a = b``."""
    error = first_error([a, b])
    if error is not None:
        return error
    if a is None or b is None:
        other = b if a is None else a
        return is_empty(other) or (is_number(other) and to_number(other) == 0)
    if isinstance(a, list) or isinstance(b, list):
        return to_text(a) == to_text(b)
    if isinstance(a, DateValue) or isinstance(b, DateValue):
        return _date_equals(a, b)
    if is_number(a) and is_number(b):
        return to_number(a) == to_number(b)
    if is_number(a) or is_number(b):
        text = b if is_number(a) else a
        assert isinstance(text, str)
        parsed = parse_number(text)
        if parsed is not None:
            return to_number(a if is_number(a) else b) == parsed
    return to_text(a) == to_text(b)


def _date_equals(a: Value, b: Value) -> bool:
    date, other = (a, b) if isinstance(a, DateValue) else (b, a)
    assert isinstance(date, DateValue)
    if isinstance(other, DateValue):
        return date.instant == other.instant
    if isinstance(other, str):
        parsed = parse_date_text(other)
        if parsed is not None:
            return date.instant == parsed.instant
    return to_text(date) == to_text(other)


def order(op: str, a: Value, b: Value) -> bool | ErrorValue:
    """``a < b``, ``a > b``, ``a <= b``, ``a >= b``."""
    error = first_error([a, b])
    if error is not None:
        return error
    if isinstance(a, DateValue) or isinstance(b, DateValue):
        left, right = to_date(a), to_date(b)
        if not isinstance(left, DateValue) or not isinstance(right, DateValue):
            return False
        return _ordered(op, left.instant, right.instant)
    if _numeric(a) and _numeric(b):
        x, y = to_number(a), to_number(b)
        if isinstance(x, ErrorValue) or isinstance(y, ErrorValue):
            return ERROR
        return _ordered(op, x, y)
    left_text, right_text = to_text(a), to_text(b)
    if isinstance(left_text, ErrorValue) or isinstance(right_text, ErrorValue):
        return ERROR
    return _ordered(op, left_text, right_text)


def _numeric(value: Value) -> bool:
    if value is None or is_number(value):
        return True
    if isinstance(value, str):
        return value.strip() == "" or parse_number(value) is not None
    if isinstance(value, list):
        return len(value) <= 1 and all(_numeric(v) for v in value)
    return False


def _ordered(op: str, x: object, y: object) -> bool:
    # x and y are of one comparable type (float, str or datetime) by construction.
    if op == "<":
        return bool(x < y)  # type: ignore[operator]
    if op == ">":
        return bool(x > y)  # type: ignore[operator]
    if op == "<=":
        return bool(x <= y)  # type: ignore[operator]
    return bool(x >= y)  # type: ignore[operator]
