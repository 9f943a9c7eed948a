"""Comparisons (``= != < > <= >=``) with Airtable's rules, for the formula → SQL compiler.

Mirrors ``evaluation/compare.py``: blank equals "", 0, false and an empty array; text ``=`` is
case-sensitive; a number and numeric text compare as numbers, other text as text; ordering uses
code-point order (``COLLATE "C"``, as Python compares strings); dates compare as instants, with
literal text parsed at compile time — and a blank date cell compares as blank, not as a date.
A FIND/SEARCH position in a multi-value field compares only where item order cannot matter.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING

from leadgen.airtable.formula.evaluation.dates import parse_date_text
from leadgen.airtable.formula.evaluation.values import format_number
from leadgen.airtable.formula.sql.values import (
    BLANK,
    BOOL,
    DATE,
    FOUND,
    JOINED,
    NUMBER,
    NUMERIC_RE,
    SET,
    TEXT,
    SqlValue,
    UnsupportedFormula,
    blank_or_zero,
    number_equal,
    numeric_like,
    ordered,
    stripped,
    text_number,
    to_number,
    to_text,
)

if TYPE_CHECKING:
    from leadgen.airtable.formula.sql.compiler import Compiler


def equality(c: Compiler, a: SqlValue, b: SqlValue) -> str:
    for x, y in ((a, b), (b, a)):
        if x.kind == FOUND:
            return found_compare(c, "=", x, y)
    if a.kind == BLANK and b.kind == BLANK:
        return "true"
    if a.kind == BLANK or b.kind == BLANK:
        other = b if a.kind == BLANK else a
        if other.kind == JOINED:
            raise UnsupportedFormula("ARRAYJOIN", "use it inside FIND/SEARCH")
        return blank_or_zero(other)
    core = typed_equal(c, a, b)
    return (f"(CASE WHEN {a.sql} IS NULL THEN {blank_or_zero(b)}"
            f" WHEN {b.sql} IS NULL THEN {blank_or_zero(a)} ELSE {core} END)")


def typed_equal(c: Compiler, a: SqlValue, b: SqlValue) -> str:
    if SET in (a.kind, b.kind) or JOINED in (a.kind, b.kind):
        s, other = (a, b) if a.kind in (SET, JOINED) else (b, a)
        if s.kind == JOINED or not other.is_literal:
            raise UnsupportedFormula("= on a multi-select/multi-link",
                                     "compare it with one literal value")
        text = other.constant if isinstance(other.constant, str) else format_number(
            other.constant)
        if "," in text:
            raise UnsupportedFormula("= on a multi-select/multi-link",
                                     "the value lists several items, whose order the "
                                     "database does not keep")
        p = c.param(text, "text")
        return f"(cardinality({s.sql}) = 1 AND ({s.sql})[1] = {p})"
    if DATE in (a.kind, b.kind):
        d, other = (a, b) if a.kind == DATE else (b, a)
        if other.kind == DATE:
            return f"({a.sql} = {b.sql})"
        if other.kind == TEXT:
            if not other.is_literal:
                raise UnsupportedFormula("= between a date and text",
                                         "text known only at run time is not parsed")
            parsed = parse_date_text(other.constant)
            if parsed is not None:
                return f"({d.sql} = {c.param(parsed.instant, 'timestamptz')})"
        return f"({to_text(d)} = {c.text(other, '=')})"
    numeric = (NUMBER, BOOL)
    if a.kind in numeric and b.kind in numeric:
        return number_equal(to_number(a), to_number(b))
    if a.kind in numeric or b.kind in numeric:
        n, t = (a, b) if a.kind in numeric else (b, a)
        trimmed = stripped(t.sql)
        return (f"(CASE WHEN {trimmed} ~ {NUMERIC_RE} THEN "
                f"{number_equal(to_number(n), text_number(t.sql))}"
                f" ELSE {to_text(n)} = {t.sql} END)")
    return f"({a.sql} = {b.sql})"


def order(c: Compiler, op: str, a: SqlValue, b: SqlValue) -> str:
    for x, y, flipped in ((a, b, False), (b, a, True)):
        if x.kind == FOUND:
            return found_compare(c, _flip(op) if flipped else op, x, y)
    if DATE in (a.kind, b.kind):
        # a blank date cell is blank, not a date: it compares as blank does
        blank = SqlValue("NULL", BLANK)
        if a.kind == DATE and not a.is_literal:
            when_blank = order(c, op, blank, b)
            return f"(CASE WHEN {a.sql} IS NULL THEN {when_blank} ELSE " \
                   f"{order(c, op, replace(a, is_literal=True), b)} END)"
        if b.kind == DATE and not b.is_literal:
            when_blank = order(c, op, a, blank)
            return f"(CASE WHEN {b.sql} IS NULL THEN {when_blank} ELSE " \
                   f"{order(c, op, a, replace(b, is_literal=True))} END)"
        left, right = date_operand(c, a, op), date_operand(c, b, op)
        if left is None or right is None:
            return "false"
        return f"COALESCE({left} {op} {right}, false)"
    a, b = c.scalar(a, op), c.scalar(b, op)
    nums = ordered(op, to_number(a), to_number(b), numbers=True)
    texts = ordered(op, f'{to_text(a)} COLLATE "C"', f'{to_text(b)} COLLATE "C"',
                    numbers=False)
    both = f"({numeric_like(a)} AND {numeric_like(b)})"
    if both == "(true AND true)":
        return nums
    return f"(CASE WHEN {both} THEN {nums} ELSE {texts} END)"


def date_operand(c: Compiler, v: SqlValue, where: str) -> str | None:
    """to_date in a comparison: a date, a literal parsed now; None = never a date."""
    if v.kind == DATE:
        return v.sql
    if v.kind == TEXT and v.is_literal:
        parsed = parse_date_text(v.constant)
        return None if parsed is None else c.param(parsed.instant, "timestamptz")
    if v.kind == TEXT:
        raise UnsupportedFormula(f"{where} between a date and text",
                                 "text known only at run time is not parsed as a date")
    if v.kind in (SET, JOINED, FOUND):
        c.scalar(v, where)
    return None


def found_compare(c: Compiler, op: str, found: SqlValue, other: SqlValue) -> str:
    """FIND/SEARCH position in a multi-value field compared with a number literal."""
    if not (other.is_literal and isinstance(other.constant, float)):
        raise UnsupportedFormula("FIND/SEARCH in a multi-select/multi-link",
                                 "compare the position only with a number literal")
    k = float(other.constant)
    ops: dict[str, Callable[[float], bool]] = {
        "=": lambda p: p == k, "!=": lambda p: p != k, "<": lambda p: p < k,
        ">": lambda p: p > k, "<=": lambda p: p <= k, ">=": lambda p: p >= k}
    check = ops[op]
    if check(1.0) != check(1e15) or (op in ("=", "!=") and k >= 1 and k == int(k)):
        raise UnsupportedFormula("FIND/SEARCH in a multi-select/multi-link",
                                 "the position depends on item order, which the database "
                                 "does not keep")
    if_found, if_missing = check(1.0), check(0.0)
    if if_found == if_missing:
        return "true" if if_found else "false"
    return found.sql if if_found else f"(NOT {found.sql})"


def _flip(op: str) -> str:
    return {"<": ">", ">": "<", "<=": ">=", ">=": "<="}.get(op, op)
