"""Date arithmetic with moment.js semantics (Airtable's date functions are built on moment).

Everything is computed in UTC (Airtable does not document the zone a filter evaluates in; the
list-records ``timeZone`` parameter only formats ``cellFormat=string`` output), except that a
value carrying ``SET_TIMEZONE`` shows its parts (HOUR, DATETIME_FORMAT …) in that zone.
Units are moment's: long names are case-insensitive, one-letter aliases are case-sensitive
(``m`` is minutes, ``M`` months).
"""

from __future__ import annotations

import calendar
import math
import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from leadgen.airtable.formula.evaluation.values import ERROR, DateValue, ErrorValue, Value, flatten

_UNIT_ALIASES = {
    "ms": "ms", "s": "s", "m": "m", "h": "h", "d": "d", "w": "w", "M": "M", "Q": "Q", "y": "y",
}
_UNIT_NAMES = {
    "millisecond": "ms", "second": "s", "minute": "m", "hour": "h", "day": "d", "week": "w",
    "month": "M", "quarter": "Q", "year": "y",
}
_FIXED_MS = {"ms": 1, "s": 1000, "m": 60_000, "h": 3_600_000, "d": 86_400_000, "w": 604_800_000}

_ISO = re.compile(
    r"^(\d{4})-(\d{1,2})-(\d{1,2})"
    r"(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?\s*(Z|[+-]\d{2}:?\d{2})?)?$"
)
_SLASHED = re.compile(
    r"^(\d{1,2})/(\d{1,2})/(\d{4})(?:\s+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([AaPp][Mm])?)?$"
)


def normalize_unit(unit: str) -> str | None:
    """moment's unit name → one of ms s m h d w M Q y; None if unknown."""
    stripped = unit.strip()
    if stripped in _UNIT_ALIASES:
        return _UNIT_ALIASES[stripped]
    key = stripped.lower()
    if key.endswith("s") and key[:-1] in _UNIT_NAMES:
        key = key[:-1]
    if key in _UNIT_NAMES:
        return _UNIT_NAMES[key]
    return {"milliseconds": "ms", "millis": "ms"}.get(key)


def zone(name: str) -> ZoneInfo | None:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None


def local(value: DateValue) -> datetime:
    """The value's wall-clock time: in its SET_TIMEZONE zone, else UTC."""
    tz = zone(value.tz) if value.tz else None
    return value.instant.astimezone(tz) if tz else value.instant


def parse_date_text(text: str) -> DateValue | None:
    """ISO dates and date-times (``2024-01-01``, ``2024-01-01T10:00:00.000Z``) and ``M/D/YYYY``."""
    s = text.strip()
    match = _ISO.match(s)
    try:
        if match:
            y, mo, d, hh, mi, ss, frac, tz = match.groups()
            if hh is None:
                return DateValue(datetime(int(y), int(mo), int(d), tzinfo=UTC), date_only=True)
            micro = int((frac or "0")[:6].ljust(6, "0"))
            moment = datetime(int(y), int(mo), int(d), int(hh), int(mi), int(ss or 0), micro)
            return DateValue(_apply_offset(moment, tz))
        match = _SLASHED.match(s)
        if match:
            mo, d, y, hh, mi, ss, ampm = match.groups()
            hour = int(hh or 0)
            if ampm:
                hour = hour % 12 + (12 if ampm.lower() == "pm" else 0)
            moment = datetime(int(y), int(mo), int(d), hour, int(mi or 0), int(ss or 0))
            return DateValue(moment.replace(tzinfo=UTC), date_only=hh is None)
    except ValueError:
        return None
    return None


def _apply_offset(naive: datetime, tz: str | None) -> datetime:
    if not tz or tz == "Z":
        return naive.replace(tzinfo=UTC)
    sign = 1 if tz[0] == "+" else -1
    digits = tz[1:].replace(":", "")
    offset = timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
    return (naive - sign * offset).replace(tzinfo=UTC)


def to_date(value: Value) -> DateValue | ErrorValue | None:
    """Date context: a date stays, text is parsed, blank stays blank, anything else is #ERROR!."""
    if value is None or value == "":
        return None
    if isinstance(value, DateValue | ErrorValue):
        return value
    if isinstance(value, str):
        return parse_date_text(value) or ERROR
    if isinstance(value, list):
        items = [v for v in flatten(value) if v is not None and v != ""]
        if not items:
            return None
        return to_date(items[0]) if len(items) == 1 else ERROR
    return ERROR


def add_months(moment: datetime, months: int) -> datetime:
    """moment's month arithmetic: the day is clamped to the target month's length."""
    index = moment.year * 12 + moment.month - 1 + months
    year, month = divmod(index, 12)
    day = min(moment.day, calendar.monthrange(year, month + 1)[1])
    return moment.replace(year=year, month=month + 1, day=day)


def add(value: DateValue, amount: float, unit: str) -> DateValue:
    """DATEADD: whole days/weeks/months/quarters/years (moment rounds), exact for the rest."""
    moment = value.instant
    if unit in {"M", "Q", "y"}:
        months = _js_round(amount) * {"M": 1, "Q": 3, "y": 12}[unit]
        moment = add_months(moment, months)
    elif unit in {"d", "w"}:
        moment = moment + timedelta(days=_js_round(amount) * (7 if unit == "w" else 1))
    else:
        moment = moment + timedelta(milliseconds=amount * _FIXED_MS[unit])
    return DateValue(moment, date_only=False, tz=value.tz, locale=value.locale)


def _js_round(x: float) -> int:
    return math.floor(x + 0.5)


def _ms(delta: timedelta) -> float:
    return delta / timedelta(milliseconds=1)


def _month_diff(a: datetime, b: datetime) -> float:
    """moment's monthDiff(a, b): months from a to b, fractional, calendar-aware."""
    if a.day < b.day:
        return -_month_diff(b, a)
    whole = (b.year - a.year) * 12 + (b.month - a.month)
    anchor = add_months(a, whole)
    if b < anchor:
        anchor2 = add_months(a, whole - 1)
        adjust = _ms(b - anchor) / _ms(anchor - anchor2)
    else:
        anchor2 = add_months(a, whole + 1)
        adjust = _ms(b - anchor) / _ms(anchor2 - anchor)
    return -(whole + adjust) or 0.0


def diff(a: DateValue, b: DateValue, unit: str) -> float:
    """DATETIME_DIFF: a − b in ``unit``, truncated toward zero (moment ``diff``)."""
    if unit in {"M", "Q", "y"}:
        months = _month_diff(a.instant, b.instant)
        raw = months / {"M": 1, "Q": 3, "y": 12}[unit]
    else:
        raw = _ms(a.instant - b.instant) / _FIXED_MS[unit]
    return float(math.trunc(raw))


def truncate(value: DateValue, unit: str) -> datetime:
    """The start of ``unit`` containing the value (weeks start on Sunday), for IS_SAME."""
    t = local(value)
    if unit == "ms":
        return t.replace(microsecond=t.microsecond // 1000 * 1000)
    if unit == "s":
        return t.replace(microsecond=0)
    if unit == "m":
        return t.replace(second=0, microsecond=0)
    if unit == "h":
        return t.replace(minute=0, second=0, microsecond=0)
    day = t.replace(hour=0, minute=0, second=0, microsecond=0)
    if unit == "d":
        return day
    if unit == "w":
        return day - timedelta(days=(day.weekday() + 1) % 7)
    if unit == "M":
        return day.replace(day=1)
    if unit == "Q":
        return day.replace(day=1, month=(day.month - 1) // 3 * 3 + 1)
    return day.replace(day=1, month=1)
