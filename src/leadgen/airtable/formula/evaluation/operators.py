"""The operators: arithmetic (+ - * /, unary -), concatenation (&) and comparisons.

Arithmetic works on numbers: blank and "" count as 0, booleans as 1/0, numeric text as its
number, other text as NaN; a date in arithmetic is #ERROR! (use DATEADD/DATETIME_DIFF).
Division by zero follows JavaScript: ±Infinity, or NaN for 0/0.
"""

from __future__ import annotations

import math

from leadgen.airtable.formula.evaluation.compare import equals, order
from leadgen.airtable.formula.evaluation.values import (
    ErrorValue,
    Value,
    first_error,
    to_number,
    to_text,
)


def binary(op: str, left: Value, right: Value) -> Value:
    """``left op right`` for any operator of ``ast.BINARY_OPERATORS``."""
    if op == "=":
        return equals(left, right)
    if op == "!=":
        same = equals(left, right)
        return same if isinstance(same, ErrorValue) else not same
    if op in {"<", ">", "<=", ">="}:
        return order(op, left, right)
    error = first_error([left, right])
    if error is not None:
        return error
    if op == "&":
        a_text, b_text = to_text(left), to_text(right)
        if isinstance(a_text, ErrorValue):
            return a_text
        if isinstance(b_text, ErrorValue):
            return b_text
        return a_text + b_text
    a, b = to_number(left), to_number(right)
    if isinstance(a, ErrorValue):
        return a
    if isinstance(b, ErrorValue):
        return b
    return _arithmetic(op, a, b)


def _arithmetic(op: str, a: float, b: float) -> float:
    if op == "+":
        return a + b
    if op == "-":
        return a - b
    if op == "*":
        return a * b
    if b == 0:
        if a == 0 or math.isnan(a):
            return math.nan
        return math.copysign(math.inf, a) * math.copysign(1.0, b)
    return a / b


def negate(operand: Value) -> Value:
    """Unary minus."""
    number = to_number(operand)
    return number if isinstance(number, ErrorValue) else -number
