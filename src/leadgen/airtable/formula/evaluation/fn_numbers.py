"""Numeric functions: ABS ROUND ROUNDUP ROUNDDOWN CEILING FLOOR INT MOD POWER SQRT EXP LOG VALUE
SUM AVERAGE MIN MAX COUNT COUNTA COUNTALL EVEN ODD.

Airtable computes in JavaScript doubles, so out-of-domain maths gives NaN/±Infinity rather than
an error (``SQRT(-1)`` is NaN, ``MOD(5, 0)`` is NaN, ``LOG(0)`` is -Infinity). ROUND sends
halves toward +∞; ROUNDUP/ROUNDDOWN go away from / toward zero. MOD keeps the
dividend's sign, as JavaScript's ``%`` does. Aggregates take any mix of values and arrays: they
flatten, skip blanks and text that is not a number; AVERAGE of nothing is NaN.
"""

from __future__ import annotations

import math
import re
from decimal import ROUND_CEILING, ROUND_DOWN, ROUND_FLOOR, ROUND_UP, Decimal, InvalidOperation

from leadgen.airtable.formula.evaluation.context import Eager, EvalContext
from leadgen.airtable.formula.evaluation.values import (
    ERROR,
    Value,
    flatten,
    int_arg,
    is_number,
    number_arg,
    parse_number,
    text_arg,
)


def _decimal_round(value: float, places: int, mode: str, half: bool = False) -> float:
    if math.isnan(value) or math.isinf(value):
        return value
    step = Decimal(1).scaleb(-places)
    # repr() keeps the shortest decimal that round-trips, so 1.005 rounds as a person expects.
    scaled = Decimal(repr(value)) / step
    if half:
        scaled += Decimal("0.5")
    return float(scaled.to_integral_value(rounding=mode) * step)


def _places(args: list[Value]) -> int:
    return int_arg(args[1]) if len(args) > 1 else 0


def _round(args: list[Value], ctx: EvalContext) -> Value:
    return _decimal_round(number_arg(args[0]), _places(args), ROUND_FLOOR, half=True)


def _roundup(args: list[Value], ctx: EvalContext) -> Value:
    return _decimal_round(number_arg(args[0]), _places(args), ROUND_UP)


def _rounddown(args: list[Value], ctx: EvalContext) -> Value:
    return _decimal_round(number_arg(args[0]), _places(args), ROUND_DOWN)


def _multiple(args: list[Value], upward: bool) -> float:
    value = number_arg(args[0])
    significance = number_arg(args[1]) if len(args) > 1 else 1.0
    if significance == 0 or math.isnan(value):
        return 0.0 if significance == 0 else value
    try:
        ratio = Decimal(repr(value)) / Decimal(repr(abs(significance)))
        whole = ratio.to_integral_value(rounding=ROUND_CEILING if upward else ROUND_FLOOR)
        return float(whole * Decimal(repr(abs(significance))))
    except InvalidOperation:
        return math.nan


def _mod(args: list[Value], ctx: EvalContext) -> Value:
    dividend, divisor = number_arg(args[0]), number_arg(args[1])
    if divisor == 0 or math.isnan(dividend) or math.isinf(dividend):
        return math.nan
    return math.fmod(dividend, divisor)


def _power(args: list[Value], ctx: EvalContext) -> Value:
    base, exponent = number_arg(args[0]), number_arg(args[1])
    try:
        result = base**exponent
    except OverflowError:
        return math.inf
    except ZeroDivisionError:
        return math.inf
    return math.nan if isinstance(result, complex) else float(result)


def _sqrt(args: list[Value], ctx: EvalContext) -> Value:
    value = number_arg(args[0])
    return math.sqrt(value) if value >= 0 else math.nan


def _exp(args: list[Value], ctx: EvalContext) -> Value:
    try:
        return math.exp(number_arg(args[0]))
    except OverflowError:
        return math.inf


def _log(args: list[Value], ctx: EvalContext) -> Value:
    value = number_arg(args[0])
    base = number_arg(args[1]) if len(args) > 1 else 10.0
    if value < 0 or base <= 0 or base == 1 or math.isnan(value):
        return math.nan
    if value == 0:
        return -math.inf
    # log10/log2 are exact on powers of their base, where log(x)/log(base) is not (LOG(1000)).
    if base == 10:
        return math.log10(value)
    if base == 2:
        return math.log2(value)
    return math.log(value) / math.log(base)


_NOT_NUMERIC = re.compile(r"[^0-9.eE+\-]")


def _value(args: list[Value], ctx: EvalContext) -> Value:
    """VALUE('$1,000.50') → 1000.5; '45%' → 0.45; text with no number → #ERROR!."""
    value = args[0]
    if isinstance(value, int | float):
        return float(value)
    text = text_arg(value).strip()
    if not text:
        return None
    percent = text.endswith("%")
    parsed = parse_number(_NOT_NUMERIC.sub("", text))
    if parsed is None:
        return ERROR
    return parsed / 100 if percent else parsed


def _numbers(args: list[Value]) -> list[float]:
    found: list[float] = []
    for item in flatten(list(args)):
        if isinstance(item, int | float):
            found.append(float(item))
        elif isinstance(item, str):
            parsed = parse_number(item)
            if parsed is not None:
                found.append(parsed)
    return found


def _average(args: list[Value], ctx: EvalContext) -> Value:
    numbers = _numbers(args)
    return sum(numbers) / len(numbers) if numbers else math.nan


def _even_odd(args: list[Value], odd: bool) -> float:
    value = number_arg(args[0])
    if math.isnan(value) or math.isinf(value):
        return value
    sign = -1.0 if value < 0 else 1.0
    whole = math.ceil(abs(value))
    if odd:
        whole = whole if whole % 2 == 1 else whole + 1
    else:
        whole = whole if whole % 2 == 0 else whole + 1
    return sign * whole


EAGER: dict[str, Eager] = {
    "ABS": lambda args, ctx: abs(number_arg(args[0])),
    "ROUND": _round,
    "ROUNDUP": _roundup,
    "ROUNDDOWN": _rounddown,
    "CEILING": lambda args, ctx: _multiple(args, upward=True),
    "FLOOR": lambda args, ctx: _multiple(args, upward=False),
    "INT": lambda args, ctx: _decimal_round(number_arg(args[0]), 0, ROUND_FLOOR),
    "MOD": _mod,
    "POWER": _power,
    "SQRT": _sqrt,
    "EXP": _exp,
    "LOG": _log,
    "VALUE": _value,
    "SUM": lambda args, ctx: float(math.fsum(_numbers(args))),
    "AVERAGE": _average,
    "MIN": lambda args, ctx: min(_numbers(args), default=0.0),
    "MAX": lambda args, ctx: max(_numbers(args), default=0.0),
    "COUNT": lambda args, ctx: float(
        sum(1 for v in flatten(list(args)) if is_number(v) and not isinstance(v, bool))
    ),
    "COUNTA": lambda args, ctx: float(
        sum(1 for v in flatten(list(args)) if v is not None and v != "")
    ),
    "COUNTALL": lambda args, ctx: float(len(flatten(list(args)))),
    "EVEN": lambda args, ctx: _even_odd(args, odd=False),
    "ODD": lambda args, ctx: _even_odd(args, odd=True),
}
