"""Functions of the supported subset, compiled to SQL (see ``SUPPORTED_FUNCTIONS``).

Logic (AND OR XOR NOT IF TRUE FALSE BLANK) works on Airtable truthiness and propagates errors
as the evaluator's eager functions do (IF is lazy); text functions (FIND SEARCH LEN LOWER UPPER
TRIM CONCATENATE ARRAYJOIN) work on the text form, 1-based like ``evaluation.fn_text``; record
functions read the row (RECORD_ID CREATED_TIME LAST_MODIFIED_TIME via updated_at);
IS_BEFORE/IS_AFTER are #ERROR! for a blank or non-date argument, as ``date_arg`` makes them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from leadgen.airtable.formula.evaluation.dates import parse_date_text
from leadgen.airtable.formula.sql.values import (
    BLANK,
    BOOL,
    DATE,
    FOUND,
    JOINED,
    NUMBER,
    SET,
    TEXT,
    SqlValue,
    UnsupportedFormula,
    errors_of,
    stripped,
)
from leadgen.airtable.formula.syntax.ast import Call, FieldRef, Node
from leadgen.db.tables import HAS_UPDATED_AT

if TYPE_CHECKING:
    from leadgen.airtable.formula.sql.compiler import Compiler

SUPPORTED_FUNCTIONS = frozenset({
    "AND", "OR", "XOR", "NOT", "IF", "TRUE", "FALSE", "BLANK", "FIND", "SEARCH", "LEN",
    "LOWER", "UPPER", "TRIM", "CONCATENATE", "ARRAYJOIN", "RECORD_ID", "CREATED_TIME",
    "LAST_MODIFIED_TIME", "IS_BEFORE", "IS_AFTER", "TODAY", "NOW",
})


def call(c: Compiler, node: Call) -> SqlValue:
    name, args = node.name, node.args
    if name not in SUPPORTED_FUNCTIONS:
        raise UnsupportedFormula(f"{name}()", "this function is not translated to SQL")
    if name in ("TRUE", "FALSE"):
        return SqlValue("true" if name == "TRUE" else "false", BOOL,
                        constant=name == "TRUE")
    if name == "BLANK":
        return SqlValue("NULL", BLANK)
    if name == "IF":
        return if_(c, args)
    if name in ("LAST_MODIFIED_TIME", "CREATED_TIME", "RECORD_ID", "TODAY", "NOW"):
        return record(c, name, args)
    if name in ("IS_BEFORE", "IS_AFTER"):
        return dates(c, node)
    values = [c.value(a) for a in args]
    err = errors_of(*values)
    if name in ("AND", "OR", "XOR", "NOT"):
        conds = [c.condition(v) for v in values]
        if name == "NOT":
            return SqlValue(f"(NOT {conds[0]})", BOOL, err)
        if name == "XOR":
            total = " + ".join(f"({c})::int" for c in conds)
            return SqlValue(f"(({total}) % 2 = 1)", BOOL, err)
        return SqlValue("(" + f" {name} ".join(conds) + ")", BOOL, err)
    if name in ("FIND", "SEARCH"):
        return find(c, name, values, err)
    if name == "ARRAYJOIN":
        return arrayjoin(c, values, err)
    if name == "CONCATENATE":
        return SqlValue("(" + " || ".join(c.text(v, name) for v in values) + ")", TEXT,
                        err)
    text = c.text(values[0], name)
    if name == "LEN":
        return SqlValue(f"char_length({text})::float8", NUMBER, err)
    if name == "TRIM":
        return SqlValue(stripped(text), TEXT, err)
    return SqlValue(f"{name.lower()}({text})", TEXT, err)  # LOWER, UPPER


def if_(c: Compiler, args: tuple[Node, ...]) -> SqlValue:
    test = c.value(args[0])
    a = c.scalar(c.value(args[1]), "IF")
    b = c.scalar(c.value(args[2]), "IF") if len(args) > 2 else SqlValue("NULL", BLANK)
    kind = _unify(a, b)
    cond = c.condition(test)
    err_parts = [x for x in (test.err, a.err and f"({cond} AND {a.err})",
                             b.err and f"(NOT {cond} AND {b.err})") if x]
    err = "(" + " OR ".join(err_parts) + ")" if err_parts else None
    return SqlValue(f"(CASE WHEN {cond} THEN {_as(a, kind)} ELSE {_as(b, kind)} END)",
                    kind, err, date_only=a.date_only or b.date_only)


def find(c: Compiler, name: str, values: list[SqlValue], err: str | None) -> SqlValue:
    needle, hay = values[0], values[1]
    if hay.kind in (SET, JOINED):
        sep = ", " if hay.kind == SET else hay.constant
        if len(values) > 2 or not needle.is_literal or not isinstance(needle.constant, str):
            raise UnsupportedFormula(f"{name} in a multi-select/multi-link",
                                     "the needle must be one text literal, no start")
        if not sep or sep in needle.constant:
            raise UnsupportedFormula(f"{name} in a multi-select/multi-link",
                                     "the needle spans items, whose order is not kept")
        if needle.constant == "":
            return SqlValue("true", FOUND, err)
        array = hay.sql
        return SqlValue(f"COALESCE(EXISTS (SELECT 1 FROM unnest({array}) AS e(x)"
                        f" WHERE strpos(x, {needle.sql}) > 0), false)", FOUND, err)
    n, h = c.text(needle, name), c.text(hay, name)
    if len(values) > 2:
        start = values[2]
        if not start.is_literal or not isinstance(start.constant, float) or start.constant < 0:
            raise UnsupportedFormula(f"{name} with a start position",
                                     "the start must be a non-negative number literal")
        s = c.param(max(int(start.constant), 1), "int")
        at = f"strpos(substr({h}, {s}), {n})"
        pos = (f"(CASE WHEN {s} > char_length({h}) + 1 OR {at} = 0 THEN 0"
               f" ELSE {at} + {s} - 1 END)")
    else:
        pos = f"strpos({h}, {n})"
    if name == "SEARCH":
        return SqlValue(f"NULLIF({pos}, 0)::float8", NUMBER, err)
    return SqlValue(f"({pos})::float8", NUMBER, err)


def arrayjoin(c: Compiler, values: list[SqlValue], err: str | None) -> SqlValue:
    arr = values[0]
    if arr.kind == SET:
        sep = ", "
        if len(values) > 1:
            if not values[1].is_literal or not isinstance(values[1].constant, str):
                raise UnsupportedFormula("ARRAYJOIN", "the separator must be a text literal")
            sep = values[1].constant
        return SqlValue(arr.sql, JOINED, err, constant=sep)
    return SqlValue(c.text(arr, "ARRAYJOIN"), TEXT, err)


def record(c: Compiler, name: str, args: tuple[Node, ...]) -> SqlValue:
    t = c.alias
    if name == "RECORD_ID":
        return SqlValue(f"COALESCE({t}.airtable_record_id, {t}.id::text)", TEXT)
    if name == "CREATED_TIME":
        return SqlValue(f"{t}.created_at", DATE)
    if name == "NOW":
        return SqlValue("now()", DATE)
    if name == "TODAY":
        return SqlValue("(date_trunc('day', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC')",
                        DATE, date_only=True)
    for arg in args:
        if not isinstance(arg, FieldRef):
            raise UnsupportedFormula("LAST_MODIFIED_TIME", "arguments must be fields")
        c.field(arg.name)
    if c.table.target not in HAS_UPDATED_AT:
        raise UnsupportedFormula("LAST_MODIFIED_TIME()",
                                 f"{c.table.target} has no updated_at column")
    if args:
        c.notes.append("LAST_MODIFIED_TIME({…}) uses the row's updated_at, not the "
                          "named fields' own times")
    return SqlValue(f"COALESCE({t}.updated_at, {t}.created_at)", DATE)


def date_arg(c: Compiler, v: SqlValue, name: str) -> tuple[str, str | None]:
    """date_arg: a date (error when blank) or a literal parsed now (error when not a date)."""
    if v.kind == DATE:
        return v.sql, f"({v.sql} IS NULL)"
    if v.kind == TEXT and v.is_literal:
        parsed = parse_date_text(v.constant) if v.constant.strip() else None
        if parsed is None:
            return "NULL::timestamptz", "true"
        return c.param(parsed.instant, "timestamptz"), None
    if v.kind == TEXT:
        raise UnsupportedFormula(f"{name} on text",
                                 "text known only at run time is not parsed as a date")
    c.scalar(v, name)
    return "NULL::timestamptz", "true"  # blank, numbers, booleans: #ERROR!


def dates(c: Compiler, node: Call) -> SqlValue:
    """IS_BEFORE / IS_AFTER."""
    a, b = (c.value(x) for x in node.args)
    (x, ex), (y, ey) = date_arg(c, a, node.name), date_arg(c, b, node.name)
    err = errors_of(a, b, *(SqlValue("", BOOL, e) for e in (ex, ey) if e))
    op = "<" if node.name == "IS_BEFORE" else ">"
    return SqlValue(f"COALESCE({x} {op} {y}, false)", BOOL, err)


def _unify(a: SqlValue, b: SqlValue) -> str:
    kinds = {a.kind, b.kind} - {BLANK}
    if not kinds:
        return BLANK
    if kinds == {BOOL, NUMBER}:
        return NUMBER
    if len(kinds) > 1:
        mixed = " and ".join(sorted(kinds))
        raise UnsupportedFormula("IF", f"its branches give different types ({mixed})")
    if a.kind == b.kind == DATE and a.date_only != b.date_only:
        raise UnsupportedFormula("IF", "its branches mix dates and date-times")
    return kinds.pop()


def _as(v: SqlValue, kind: str) -> str:
    if v.kind == BLANK:
        return {TEXT: "NULL::text", NUMBER: "NULL::float8", BOOL: "NULL::boolean",
                DATE: "NULL::timestamptz"}.get(kind, "NULL")
    if v.kind == BOOL and kind == NUMBER:
        return f"(CASE WHEN {v.sql} THEN 1::float8 WHEN NOT {v.sql} THEN 0::float8 END)"
    return v.sql
