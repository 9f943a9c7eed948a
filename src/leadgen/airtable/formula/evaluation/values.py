"""The values a formula computes with, and the coercions between them.

    None        blank (BLANK(), an empty cell) — "" in text, 0 in arithmetic
    str         text
    float       number; NaN and ±Infinity included (0/0, 1/0)
    bool        TRUE()/FALSE(), comparisons, checkboxes — 1/0 in arithmetic and "1"/"0" in text
    DateValue   a date or date-time (an instant in UTC, plus display settings)
    ErrorValue  #ERROR! — propagates through operators and functions, falsy in a filter
    list        an array: lookups, links, multi-selects; ", "-joined in text context

Airtable's filter truthiness (https://airtable.com/developers/web/api/list-records,
``filterByFormula``): a record is kept unless the
result is 0, false, "", NaN, [] , blank or an error.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal
from typing import TypeAlias

LIST_SEPARATOR = ", "  # multi-selects, links and lookups in text context


@dataclass(frozen=True)
class ErrorValue:
    """A formula error such as ``#ERROR!``; an API cell shows it as ``{"error": code}``."""

    code: str = "#ERROR!"


ERROR = ErrorValue()


@dataclass(frozen=True)
class DateValue:
    """A point in time (aware, UTC). ``date_only`` values print as ``YYYY-MM-DD``."""

    instant: datetime
    date_only: bool = False
    tz: str | None = None  # SET_TIMEZONE: changes how it prints and its parts, not the instant
    locale: str | None = None  # SET_LOCALE: kept; formatting is English only

    def with_tz(self, tz: str) -> DateValue:
        return replace(self, tz=tz)


Value: TypeAlias = str | float | bool | DateValue | ErrorValue | list["Value"] | None


def is_number(value: Value) -> bool:
    """A number or a boolean (booleans are 1/0 in Airtable)."""
    return isinstance(value, int | float)


def format_number(x: float) -> str:
    """A number as JavaScript's Number#toString prints it: 3, 0.5, 1e-7, 1e+21, NaN, Infinity."""
    if math.isnan(x):
        return "NaN"
    if math.isinf(x):
        return "Infinity" if x > 0 else "-Infinity"
    if x == 0:
        return "0"
    # repr() gives the shortest round-tripping digits, as JavaScript does; only layout differs.
    sign, digit_tuple, exponent = Decimal(repr(float(x))).normalize().as_tuple()
    assert isinstance(exponent, int)
    digits = "".join(map(str, digit_tuple))
    k, n = len(digits), exponent + len(digits)
    if k <= n <= 21:
        text = digits + "0" * (n - k)
    elif 0 < n <= 21:
        text = digits[:n] + "." + digits[n:]
    elif -6 < n <= 0:
        text = "0." + "0" * -n + digits
    else:
        mantissa = digits[0] + ("." + digits[1:] if k > 1 else "")
        text = f"{mantissa}e{'+' if n - 1 > 0 else '-'}{abs(n - 1)}"
    return ("-" if sign else "") + text


def iso_text(value: DateValue) -> str:
    """A date's text form: ``YYYY-MM-DD`` or ISO-8601 UTC with milliseconds."""
    if value.date_only:
        return value.instant.strftime("%Y-%m-%d")
    millis = value.instant.microsecond // 1000
    return value.instant.strftime("%Y-%m-%dT%H:%M:%S.") + f"{millis:03d}Z"


def flatten(value: Value) -> list[Value]:
    """Nested arrays as one flat list; a scalar as a one-element list."""
    if not isinstance(value, list):
        return [value]
    out: list[Value] = []
    for item in value:
        out.extend(flatten(item) if isinstance(item, list) else [item])
    return out


def first_error(values: list[Value]) -> ErrorValue | None:
    """The first error among ``values`` (looking inside arrays), if any."""
    for value in values:
        if isinstance(value, ErrorValue):
            return value
        if isinstance(value, list):
            found = first_error(value)
            if found is not None:
                return found
    return None


def to_text(value: Value) -> str | ErrorValue:
    """Text context (``&``, FIND, LEN …)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, int | float):
        return format_number(value)
    if isinstance(value, DateValue):
        return iso_text(value)
    if isinstance(value, ErrorValue):
        return value
    parts: list[str] = []
    for item in flatten(value):
        text = to_text(item)
        if isinstance(text, ErrorValue):
            return text
        parts.append(text)
    return LIST_SEPARATOR.join(parts)


def parse_number(text: str) -> float | None:
    """A numeric string as a number (``" 12 "`` → 12), else None."""
    stripped = text.strip()
    if not stripped or stripped.lower() in {"nan", "inf", "-inf", "+inf", "infinity"}:
        return None
    try:
        return float(stripped)
    except ValueError:
        return None


def to_number(value: Value) -> float | ErrorValue:
    """Number context (arithmetic, numeric functions): blank and "" are 0, junk text is NaN."""
    if value is None:
        return 0.0
    if isinstance(value, bool):
        return 1.0 if value else 0.0
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        if not value.strip():
            return 0.0
        parsed = parse_number(value)
        return math.nan if parsed is None else parsed
    if isinstance(value, ErrorValue):
        return value
    if isinstance(value, DateValue):
        return ERROR
    items = flatten(value)
    if not items:
        return 0.0
    if len(items) == 1:
        return to_number(items[0])
    return ERROR


def truthy(value: Value) -> bool:
    """Airtable's truthiness: false for blank, 0, false, "", NaN, [] and errors."""
    if value is None or isinstance(value, ErrorValue):
        return False
    if isinstance(value, str):
        return value != ""
    if isinstance(value, int | float):
        return not math.isnan(value) and value != 0
    if isinstance(value, DateValue):
        return True
    return any(truthy(item) for item in value)


def is_empty(value: Value) -> bool:
    """Blank, "" or an array with nothing but blanks — what BLANK() equals besides 0."""
    if value is None:
        return True
    if isinstance(value, str):
        return value == ""
    if isinstance(value, list):
        return all(is_empty(item) for item in flatten(value))
    return False


class ErrorSignal(Exception):
    """Raised inside a function to return ``value`` (an error) as the call's result."""

    def __init__(self, value: ErrorValue = ERROR) -> None:
        super().__init__(value.code)
        self.value = value


def text_arg(value: Value) -> str:
    """An argument in text context, or the call's result is the error."""
    text = to_text(value)
    if isinstance(text, ErrorValue):
        raise ErrorSignal(text)
    return text


def number_arg(value: Value) -> float:
    """An argument in number context, or the call's result is the error."""
    number = to_number(value)
    if isinstance(number, ErrorValue):
        raise ErrorSignal(number)
    return number


def int_arg(value: Value, minimum: int | None = None) -> int:
    """A count or position argument: truncated toward zero, NaN/±∞ or < minimum is #ERROR!."""
    number = number_arg(value)
    if math.isnan(number) or math.isinf(number):
        raise ErrorSignal()
    whole = int(number)
    if minimum is not None and whole < minimum:
        raise ErrorSignal()
    return whole
