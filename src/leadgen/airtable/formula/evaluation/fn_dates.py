"""Date functions: IS_BEFORE IS_AFTER IS_SAME DATETIME_DIFF DATEADD TODAY NOW DATESTR TIMESTR
DATETIME_FORMAT DATETIME_PARSE SET_TIMEZONE SET_LOCALE YEAR MONTH DAY HOUR MINUTE SECOND WEEKDAY
WEEKNUM WORKDAY WORKDAY_DIFF TONOW FROMNOW.

Text arguments are parsed as dates. A blank date gives #ERROR! — the reason Airtable users wrap
date formulas in ``IF({Date}, …)`` — and so does text that is not a date. TODAY() and NOW() come
from the evaluation's ``now`` (UTC), so a whole filter run sees one clock.
"""

from __future__ import annotations

import math
from datetime import UTC, date, timedelta

from leadgen.airtable.formula.evaluation.context import Eager, EvalContext
from leadgen.airtable.formula.evaluation.dates import (
    add,
    diff,
    local,
    normalize_unit,
    parse_date_text,
    to_date,
    truncate,
    zone,
)
from leadgen.airtable.formula.evaluation.moment import format_date, parse_with_format
from leadgen.airtable.formula.evaluation.values import (
    DateValue,
    ErrorSignal,
    ErrorValue,
    Value,
    flatten,
    iso_text,
    number_arg,
    text_arg,
)

_FALLBACK_FORMATS = ("MMMM D, YYYY h:mm A", "MMMM D, YYYY", "D MMMM YYYY", "YYYY/MM/DD HH:mm")


def date_arg(value: Value) -> DateValue:
    """An argument in date context; blank, junk and errors make the call #ERROR!."""
    date = to_date(value)
    if isinstance(date, DateValue):
        return date
    raise ErrorSignal(date if isinstance(date, ErrorValue) else ErrorValue())


def unit_arg(value: Value, default: str) -> str:
    unit = normalize_unit(text_arg(value)) if value is not None else default
    if unit is None:
        raise ErrorSignal()
    return unit


def _is_before(args: list[Value], ctx: EvalContext) -> Value:
    return date_arg(args[0]).instant < date_arg(args[1]).instant


def _is_after(args: list[Value], ctx: EvalContext) -> Value:
    return date_arg(args[0]).instant > date_arg(args[1]).instant


def _is_same(args: list[Value], ctx: EvalContext) -> Value:
    a, b = date_arg(args[0]), date_arg(args[1])
    unit = unit_arg(args[2], "ms") if len(args) > 2 else "ms"
    return truncate(a, unit) == truncate(b, unit)


def _datetime_diff(args: list[Value], ctx: EvalContext) -> Value:
    unit = unit_arg(args[2], "s") if len(args) > 2 else "s"
    return diff(date_arg(args[0]), date_arg(args[1]), unit)


def _dateadd(args: list[Value], ctx: EvalContext) -> Value:
    amount = number_arg(args[1])
    if math.isnan(amount) or math.isinf(amount):
        raise ErrorSignal()
    return add(date_arg(args[0]), amount, unit_arg(args[2], "d"))


def _today(args: list[Value], ctx: EvalContext) -> Value:
    day = ctx.now.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    return DateValue(day, date_only=True)


def _datetime_format(args: list[Value], ctx: EvalContext) -> Value:
    value = date_arg(args[0])
    fmt = text_arg(args[1]) if len(args) > 1 else ""
    if not fmt:
        return iso_text(DateValue(value.instant))
    return format_date(value, fmt)


def _datetime_parse(args: list[Value], ctx: EvalContext) -> Value:
    if isinstance(args[0], DateValue):
        return DateValue(args[0].instant)
    text = text_arg(args[0])
    fmt = text_arg(args[1]) if len(args) > 1 else ""
    parsed = parse_with_format(text, fmt) if fmt else parse_date_text(text)
    for fallback in () if fmt else _FALLBACK_FORMATS:
        if parsed is not None:
            break
        parsed = parse_with_format(text, fallback)
    if parsed is None:
        raise ErrorSignal()
    return DateValue(parsed.instant)


def _set_timezone(args: list[Value], ctx: EvalContext) -> Value:
    value, name = date_arg(args[0]), text_arg(args[1])
    if zone(name) is None:
        raise ErrorSignal()
    return value.with_tz(name)


def _set_locale(args: list[Value], ctx: EvalContext) -> Value:
    value = date_arg(args[0])
    return DateValue(value.instant, value.date_only, value.tz, text_arg(args[1]))


def _part(attribute: str) -> Eager:
    def part(args: list[Value], ctx: EvalContext) -> Value:
        return float(getattr(local(date_arg(args[0])), attribute))

    return part


def _week_start(args: list[Value]) -> int:
    """0 when weeks start on Sunday, 1 when on Monday."""
    if len(args) < 2 or args[1] is None:
        return 0
    start = text_arg(args[1]).strip().lower()
    if start not in {"sunday", "monday"}:
        raise ErrorSignal()
    return 1 if start == "monday" else 0


def _weekday(args: list[Value], ctx: EvalContext) -> Value:
    sunday_based = (local(date_arg(args[0])).weekday() + 1) % 7
    return float((sunday_based - _week_start(args)) % 7)


def _weeknum(args: list[Value], ctx: EvalContext) -> Value:
    # Spreadsheet WEEKNUM: week 1 holds January 1st; a new week begins on the start day.
    t = local(date_arg(args[0]))
    start = _week_start(args)
    jan1 = t.replace(month=1, day=1)
    offset = ((jan1.weekday() + 1) % 7 - start) % 7
    return float((t.timetuple().tm_yday - 1 + offset) // 7 + 1)


def _holidays(args: list[Value], index: int) -> set[date]:
    """Holidays as weekdays only (a holiday on a weekend changes nothing)."""
    if len(args) <= index or args[index] is None:
        return set()
    days: set[date] = set()
    for item in flatten(args[index]):
        texts = text_arg(item).split(",") if isinstance(item, str) else [item]
        for entry in texts:
            if entry is None or (isinstance(entry, str) and not entry.strip()):
                continue
            day = local(date_arg(entry)).date()
            if day.weekday() < 5:
                days.add(day)
    return days


def _weekdays_between(first: date, last: date) -> int:
    """Monday–Friday days in [first, last], in O(1) so a far-away date cannot stall us."""
    if last < first:
        return 0
    total = (last - first).days + 1
    weeks, rest = divmod(total, 7)
    extra = sum(1 for i in range(rest) if (first.weekday() + i) % 7 < 5)
    return weeks * 5 + extra


def _workday(args: list[Value], ctx: EvalContext) -> Value:
    value = date_arg(args[0])
    amount = number_arg(args[1])
    if math.isnan(amount) or abs(amount) > 3_000_000:  # beyond year 9999 either way
        raise ErrorSignal()
    days = int(amount)
    holidays = _holidays(args, 2)
    step = 1 if days >= 0 else -1
    t = value.instant
    remaining = abs(days)
    while remaining:
        if remaining > 10:
            # Jump whole weeks, then earn back the holidays the jump skipped over.
            weeks = (remaining - 5) // 5
            before = t
            t += timedelta(days=7 * weeks * step)
            low, high = sorted((before.date(), t.date()))
            if step > 0:
                skipped = sum(1 for h in holidays if low < h <= high)
            else:
                skipped = sum(1 for h in holidays if low <= h < high)
            remaining -= 5 * weeks - skipped
            continue
        t += timedelta(days=step)
        if t.weekday() < 5 and t.date() not in holidays:
            remaining -= 1
    return DateValue(t, value.date_only, value.tz, value.locale)


def _workday_diff(args: list[Value], ctx: EvalContext) -> Value:
    start, end = local(date_arg(args[0])).date(), local(date_arg(args[1])).date()
    holidays = _holidays(args, 2)
    sign = 1.0
    if end < start:
        start, end, sign = end, start, -1.0
    count = _weekdays_between(start, end) - sum(1 for h in holidays if start <= h <= end)
    return sign * count


def _days_from_now(args: list[Value], ctx: EvalContext) -> Value:
    return abs(diff(DateValue(ctx.now), date_arg(args[0]), "d"))


EAGER: dict[str, Eager] = {
    "IS_BEFORE": _is_before,
    "IS_AFTER": _is_after,
    "IS_SAME": _is_same,
    "DATETIME_DIFF": _datetime_diff,
    "DATEADD": _dateadd,
    "TODAY": _today,
    "NOW": lambda args, ctx: DateValue(ctx.now.astimezone(UTC)),
    "DATESTR": lambda args, ctx: local(date_arg(args[0])).strftime("%Y-%m-%d"),
    "TIMESTR": lambda args, ctx: local(date_arg(args[0])).strftime("%H:%M:%S"),
    "DATETIME_FORMAT": _datetime_format,
    "DATETIME_PARSE": _datetime_parse,
    "SET_TIMEZONE": _set_timezone,
    "SET_LOCALE": _set_locale,
    "YEAR": _part("year"),
    "MONTH": _part("month"),
    "DAY": _part("day"),
    "HOUR": _part("hour"),
    "MINUTE": _part("minute"),
    "SECOND": _part("second"),
    "WEEKDAY": _weekday,
    "WEEKNUM": _weeknum,
    "WORKDAY": _workday,
    "WORKDAY_DIFF": _workday_diff,
    "TONOW": _days_from_now,
    "FROMNOW": _days_from_now,
}
