"""Typed SQL values for the formula → SQL compiler, and Airtable's coercions written in SQL.

Every compiled sub-formula is a :class:`SqlValue`: an SQL expression whose NULL means exactly
Airtable's *blank* (an empty cell, ``BLANK()``, ``IF`` without else) and whose non-NULL values
are of one static kind. Keeping blank ≠ ``''`` matters: ``{Text} = 0`` is true for an empty
cell but ``LOWER({Text}) = 0`` is not (``evaluation.compare.equals``). An optional ``err``
expression is true where the value is ``#ERROR!`` (blank dates in IS_BEFORE …), because errors
propagate through operators and a filter drops a record whose result is an error.

Kinds: text, number (float8 — JavaScript doubles, NaN and ±Infinity included), bool, date
(timestamptz; ``date_only`` prints as YYYY-MM-DD), set (text[] of a multi-value field whose
element order PostgreSQL does not keep: only order-independent uses compile), blank.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from leadgen.airtable.formula.errors import FormulaError

TEXT, NUMBER, BOOL, DATE, SET, BLANK = "text", "number", "bool", "date", "set", "blank"
FOUND = "found"  # FIND/SEARCH in a multi-value field: only "found or not" is order-independent
JOINED = "joined"  # ARRAYJOIN of a multi-value field: only usable as FIND/SEARCH haystack

# Python's str.strip() set (what TRIM and "blank text" use in the evaluator), as an E'' string.
WHITESPACE = (
    "E' \\t\\n\\r\\u000b\\u000c\\u001c\\u001d\\u001e\\u001f\\u0085\\u00a0\\u1680"
    "\\u2000\\u2001\\u2002\\u2003\\u2004\\u2005\\u2006\\u2007\\u2008\\u2009\\u200a"
    "\\u2028\\u2029\\u202f\\u205f\\u3000'"
)
# Text that Python's float() reads as a finite number (what evaluation.values.parse_number accepts).
NUMERIC_RE = (
    "'^[+-]?([0-9]+(_[0-9]+)*\\.?([0-9]+(_[0-9]+)*)?|\\.[0-9]+(_[0-9]+)*)([eE][+-]?[0-9]+)?$'"
)


class UnsupportedFormula(FormulaError):
    """A valid formula (or part of one) that has no faithful SQL translation here."""

    def __init__(self, construct: str, why: str) -> None:
        super().__init__(
            f"cannot translate {construct} to SQL: {why}",
            hint="rewrite the filter with the supported subset (docs/n8n.md) or write the SQL "
                 "by hand",
        )
        self.construct = construct


@dataclass(frozen=True)
class SqlValue:
    """One compiled formula value: SQL (NULL = blank), its kind, and when it is an error."""

    sql: str
    kind: str
    err: str | None = None
    date_only: bool = False
    constant: Any = None  # the Python value of a literal (for compile-time decisions)
    is_literal: bool = False


def errors_of(*values: SqlValue) -> str | None:
    """The error condition of an eager operation over ``values`` (any argument's error)."""
    parts = [v.err for v in values if v.err is not None]
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else "(" + " OR ".join(parts) + ")"


def stripped(sql: str) -> str:
    return f"btrim({sql}, {WHITESPACE})"


def js_number_text(x: str) -> str:
    """A float8 as JavaScript's Number#toString prints it (evaluation.values.format_number)."""
    # float8::text is the shortest round-trip form (PostgreSQL ≥ 12) but switches to exponent
    # notation earlier than JavaScript and pads exponents; numeric re-reads it as plain digits.
    return (
        f"(CASE WHEN {x} = 0 THEN '0' WHEN {x} = 'NaN'::float8 THEN 'NaN'"
        f" WHEN {x} = 'Infinity'::float8 THEN 'Infinity'"
        f" WHEN {x} = '-Infinity'::float8 THEN '-Infinity'"
        f" WHEN abs({x}) >= 1e-6 AND abs({x}) < 1e21 THEN ({x})::text::numeric::text"
        f" ELSE regexp_replace(({x})::text, 'e([+-])0*([0-9])', 'e\\1\\2') END)"
    )


def to_text(v: SqlValue) -> str:
    """Text context: non-NULL SQL text (blank → '')."""
    if v.kind == TEXT:
        return f"COALESCE({v.sql}, '')"
    if v.kind == NUMBER:
        return f"COALESCE({js_number_text(v.sql)}, '')"
    if v.kind == BOOL:
        return f"(CASE WHEN {v.sql} THEN '1' WHEN NOT {v.sql} THEN '0' ELSE '' END)"
    if v.kind == DATE:
        fmt = "'YYYY-MM-DD'" if v.date_only else "'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"'"
        return f"COALESCE(to_char(({v.sql}) AT TIME ZONE 'UTC', {fmt}), '')"
    if v.kind == BLANK:
        return "''"
    raise AssertionError("sets have no order-independent text form")  # callers check first


def numeric_like(v: SqlValue) -> str:
    """SQL true where Airtable would compare ``v`` as a number (evaluation.compare._numeric)."""
    if v.kind in (NUMBER, BOOL, BLANK):
        return "true"
    if v.kind == TEXT:
        return f"({v.sql} IS NULL OR {stripped(v.sql)} = '' OR {stripped(v.sql)} ~ {NUMERIC_RE})"
    return "false"


def text_number(sql: str) -> str:
    """Numeric text as float8 (caller has checked numeric_like); blank text is 0."""
    s = stripped(sql)
    return (f"(CASE WHEN {sql} IS NULL OR {s} = '' THEN 0::float8"
            f" WHEN {s} ~ {NUMERIC_RE} THEN replace({s}, '_', '')::float8"
            f" ELSE 'NaN'::float8 END)")


def to_number(v: SqlValue) -> str:
    """Number context: non-NULL float8 (blank and '' → 0, other text → NaN)."""
    if v.kind == NUMBER:
        return f"COALESCE({v.sql}, 0::float8)"
    if v.kind == BOOL:
        return f"(CASE WHEN {v.sql} THEN 1::float8 ELSE 0::float8 END)"
    if v.kind == TEXT:
        return text_number(v.sql)
    if v.kind == BLANK:
        return "0::float8"
    raise AssertionError("dates and sets have no number form")  # callers check first


def truthy(v: SqlValue) -> str:
    """SQL boolean (never NULL): Airtable keeps the value in a filter (evaluation.values.truthy)."""
    if v.kind == TEXT:
        cond = f"COALESCE({v.sql} <> '', false)"
    elif v.kind == NUMBER:
        cond = f"COALESCE({v.sql} <> 0 AND {v.sql} <> 'NaN'::float8, false)"
    elif v.kind == BOOL:
        cond = f"COALESCE({v.sql}, false)"
    elif v.kind == DATE:
        cond = f"({v.sql} IS NOT NULL)"
    elif v.kind == SET:
        cond = f"COALESCE(EXISTS (SELECT 1 FROM unnest({v.sql}) AS e(x) WHERE x <> ''), false)"
    else:
        cond = "false"
    if v.err is not None:
        return f"(NOT {v.err} AND {cond})"
    return cond


def blank_or_zero(v: SqlValue) -> str:
    """What ``BLANK() = v`` is (``evaluation.compare.equals``): empty, or numerically 0."""
    if v.kind == TEXT:
        return f"({v.sql} IS NULL OR {v.sql} = '')"
    if v.kind == NUMBER:
        return f"({v.sql} IS NULL OR {v.sql} = 0)"
    if v.kind == BOOL:
        return f"({v.sql} IS NULL OR NOT {v.sql})"
    if v.kind == DATE:
        return f"({v.sql} IS NULL)"
    if v.kind == SET:
        return (f"({v.sql} IS NULL OR NOT EXISTS (SELECT 1 FROM unnest({v.sql}) AS e(x)"
                " WHERE x <> ''))")
    return "true"


def number_equal(x: str, y: str) -> str:
    """IEEE equality: NaN equals nothing (PostgreSQL's float8 says NaN = NaN)."""
    return f"({x} = {y} AND {x} <> 'NaN'::float8)"


def ordered(op: str, x: str, y: str, *, numbers: bool) -> str:
    if numbers:  # any comparison with NaN is false in JavaScript/Python
        return f"({x} {op} {y} AND {x} <> 'NaN'::float8 AND {y} <> 'NaN'::float8)"
    return f"({x} {op} {y})"
