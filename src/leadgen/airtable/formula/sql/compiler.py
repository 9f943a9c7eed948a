"""Airtable formula → a parameterised PostgreSQL condition over the migrated schema.

    compile_condition("AND({Status}='New', {Score} > 5)", "Companies")
        → CompiledFilter(condition="…", params=[SqlParam('New', 'text'), …])
    select_statement(...)  →  "SELECT t.airtable_record_id FROM companies t
                               WHERE t.tenant_id = $1 AND (…)"

The same AST the evaluator walks is compiled to SQL that selects exactly the records the
evaluator keeps (tests/airtable/formula/sql/test_sql_differential.py checks this on generated
bases). Airtable's rules are spelled out in SQL rather than approximated: blank is not NULL
propagation (``{x} != 'a'`` is true for an empty cell), BLANK() equals "" and 0, text ``=`` is
case-sensitive, numbers compare with numeric text numerically, NaN equals nothing, errors
(blank dates in IS_BEFORE) drop the record even under NOT (``values`` has the coercions).

Every literal of the formula, and every n8n ``{{ }}`` placeholder, is a parameter; the SQL
text holds only identifiers from the mapping and fixed operators. What cannot be translated
with the same meaning raises :class:`UnsupportedFormula` naming the construct — never a
silent approximation; the few documented deviations are returned as ``notes``.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field, replace
from typing import Any

from leadgen.airtable.formula.errors import FormulaError
from leadgen.airtable.formula.sql import compare as sql_compare
from leadgen.airtable.formula.sql import functions as sql_functions
from leadgen.airtable.formula.sql.fields import UnsupportedFormulaField, resolve_field
from leadgen.airtable.formula.sql.functions import SUPPORTED_FUNCTIONS
from leadgen.airtable.formula.sql.values import (
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
    to_number,
    to_text,
    truthy,
)
from leadgen.airtable.formula.syntax.ast import BinaryOp, FieldRef, Literal, Node, UnaryOp
from leadgen.airtable.formula.syntax.parser import parse
from leadgen.migrate.mapping import Mapping, TableMapping, load_mapping

__all__ = ["SUPPORTED_FUNCTIONS", "CompiledFilter", "SqlParam", "UnsupportedFormula",
           "compile_condition", "find_table", "select_statement"]

PLACEHOLDER = re.compile("\u27e6(\\d+)\u27e7")  # ⟦n⟧ stands for the n-th n8n {{ }} expression

@dataclass(frozen=True)
class SqlParam:
    """One parameter: a value, or (for n8n placeholders) the JS expression computing it."""

    value: Any
    cast: str
    expression: str | None = None


@dataclass
class CompiledFilter:
    condition: str
    params: list[SqlParam]
    table: TableMapping
    notes: list[str] = field(default_factory=list)


class Compiler:
    def __init__(self, mapping: Mapping, table: TableMapping, alias: str, first_param: int,
                 placeholders: list[str]) -> None:
        self.mapping, self.table, self.alias = mapping, table, alias
        self.first = first_param
        self.placeholders = placeholders
        self.params: list[SqlParam] = []
        self.notes: list[str] = []
        self.fields: dict[str, SqlValue] = {}

    # ── parameters ──────────────────────────────────────────────────────────────
    def param(self, value: Any, cast: str, expression: str | None = None) -> str:
        self.params.append(SqlParam(value, cast, expression))
        return f"${self.first + len(self.params) - 1}::{cast}"

    def text_literal(self, text: str) -> SqlValue:
        if not PLACEHOLDER.search(text):
            return SqlValue(self.param(text, "text"), TEXT, constant=text, is_literal=True)
        pieces: list[str] = []
        pos = 0
        for match in PLACEHOLDER.finditer(text):
            if match.start() > pos:
                pieces.append(_js_string(text[pos:match.start()]))
            expr = self.placeholders[int(match[1])]
            pieces.append(f"String(({expr}) ?? '')")
            pos = match.end()
        if pos < len(text):
            pieces.append(_js_string(text[pos:]))
        return SqlValue(self.param(None, "text", " + ".join(pieces)), TEXT)

    # ── the walk ────────────────────────────────────────────────────────────────
    def value(self, node: Node) -> SqlValue:
        if isinstance(node, Literal):
            if isinstance(node.value, str):
                return self.text_literal(node.value)
            number = float(node.value)
            return SqlValue(self.param(number, "float8"), NUMBER, constant=number,
                            is_literal=True)
        if isinstance(node, FieldRef):
            return self.field(node.name)
        if isinstance(node, UnaryOp):
            v = self.scalar(self.value(node.operand), "unary -")
            return SqlValue(f"(-{self.number(v, 'unary -')})", NUMBER, v.err)
        if isinstance(node, BinaryOp):
            return self.binary(node)
        return sql_functions.call(self, node)

    def field(self, name: str) -> SqlValue:
        if name not in self.fields:
            fm = _find_field(self.table, name)
            if fm is None:
                raise FormulaError.unknown_fields([name])
            try:
                self.fields[name] = resolve_field(self.mapping, self.table, fm, self.alias,
                                                  self.param, self.notes)
            except UnsupportedFormulaField as exc:
                raise UnsupportedFormula(f"field {{{name}}}", str(exc)) from None
        return self.fields[name]

    def scalar(self, v: SqlValue, where: str) -> SqlValue:
        if v.kind in (SET, FOUND, JOINED):
            raise UnsupportedFormula(
                where, "a multi-select/multi-link value has no order in the database; use it "
                       "only as a condition, in FIND/SEARCH, or compared with one value")
        return v

    def number(self, v: SqlValue, where: str) -> str:
        if v.kind == DATE:
            raise UnsupportedFormula(where, "dates in arithmetic are #ERROR! in Airtable")
        return to_number(self.scalar(v, where))

    def text(self, v: SqlValue, where: str) -> str:
        return to_text(self.scalar(v, where))

    def condition(self, v: SqlValue) -> str:
        """Truthiness without the error part (callers carry ``err`` themselves)."""
        if v.kind == FOUND:
            return v.sql
        if v.kind == JOINED:
            raise UnsupportedFormula("ARRAYJOIN", "use it inside FIND/SEARCH")
        return truthy(replace(v, err=None))

    def binary(self, node: BinaryOp) -> SqlValue:
        a, b = self.value(node.left), self.value(node.right)
        err = errors_of(a, b)
        op = node.op
        if op in ("=", "!="):
            eq = sql_compare.equality(self, a, b)
            return SqlValue(eq if op == "=" else f"(NOT {eq})", BOOL, err)
        if op in ("<", ">", "<=", ">="):
            return SqlValue(sql_compare.order(self, op, a, b), BOOL, err)
        if op == "&":
            return SqlValue(f"({self.text(a, '&')} || {self.text(b, '&')})", TEXT, err)
        x, y = self.number(a, op), self.number(b, op)
        if op != "/":
            return SqlValue(f"({x} {op} {y})", NUMBER, err)
        # JavaScript division: x/0 is ±Infinity (sign of x times sign of the zero), 0/0 NaN
        return SqlValue(
            f"(CASE WHEN {y} <> 0 OR {y} = 'NaN'::float8 THEN {x} / NULLIF({y}, 0)"
            f" WHEN {x} = 0 OR {x} = 'NaN'::float8 THEN 'NaN'::float8"
            f" WHEN ({x} > 0) = (({y})::text <> '-0') THEN 'Infinity'::float8"
            f" ELSE '-Infinity'::float8 END)", NUMBER, err)

    # ── comparisons ─────────────────────────────────────────────────────────────





    # ── functions ───────────────────────────────────────────────────────────────







def _js_string(text: str) -> str:
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _find_field(table: TableMapping, ref: str) -> Any:
    if ref in table.fields:
        return table.fields[ref]
    for f in table.fields.values():
        if f.field_id == ref:
            return f
    lowered = ref.lower()
    for f in table.fields.values():
        if f.name.lower() == lowered:
            return f
    return None


def find_table(mapping: Mapping, name: str) -> TableMapping:
    """A mapped Airtable table by name, ``tbl…`` id, or PG table name."""
    for t in mapping.tables.values():
        if name in (t.name, t.table_id, t.target):
            return t
    known = ", ".join(mapping.tables)
    raise FormulaError(f"unknown table {name!r}", hint=f"tables of the mapping: {known}")


def compile_condition(
    formula: str | Node, table: str | TableMapping, mapping: Mapping | None = None, *,
    alias: str = "t", first_param: int = 2, placeholders: list[str] | None = None,
) -> CompiledFilter:
    """The SQL condition (Airtable truthiness of the formula) for rows ``alias`` of the table."""
    mapping = mapping or load_mapping()
    tm = table if isinstance(table, TableMapping) else find_table(mapping, table)
    compiler = Compiler(mapping, tm, alias, first_param, placeholders or [])
    if isinstance(formula, str) and not formula.strip():
        return CompiledFilter("true", [], tm)
    node = parse(formula) if isinstance(formula, str) else formula
    v = compiler.value(node)
    cond = compiler.condition(v)
    if v.err is not None:
        cond = f"(NOT {v.err} AND {cond})"
    cond, params = _drop_unused(cond, compiler.params, first_param)
    return CompiledFilter(cond, params, tm, compiler.notes)


def _drop_unused(sql: str, params: list[SqlParam], first: int) -> tuple[str, list[SqlParam]]:
    """Renumber the parameters the final SQL uses (branches decided at compile time may have
    dropped SQL that had some), so every $n has a type and n8n sends no stray values."""
    used = sorted({int(n) for n in re.findall(r"\$(\d+)::", sql)})
    renumber = {old: first + i for i, old in enumerate(used)}
    text = re.sub(r"\$(\d+)::", lambda m: f"${renumber[int(m[1])]}::", sql)
    return text, [params[old - first] for old in used]


def select_statement(formula: str, table: str, mapping: Mapping | None = None
                     ) -> tuple[str, list[Any]]:
    """``SELECT airtable_record_id … WHERE tenant_id = $1 AND (…)`` and its parameters
    (``$1``, the tenant, is left as None for the caller)."""
    compiled = compile_condition(formula, table, mapping)
    sql = (f'SELECT t.airtable_record_id FROM "{compiled.table.target}" t'
           f" WHERE t.tenant_id = $1::uuid AND ({compiled.condition})")
    return sql, [None, *(_json_value(p.value) for p in compiled.params)]


def _json_value(value: Any) -> Any:
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        return str(value)
    return value
