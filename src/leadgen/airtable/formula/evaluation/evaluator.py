"""Evaluates a formula AST against one API record: ``evaluate`` and ``compile_filter``.

``compile_filter`` is what an Airtable emulator needs for ``filterByFormula``: it parses once,
refuses unknown fields the way Airtable does (422 ``Unknown field names: …``), and returns a
``Predicate`` that keeps a record unless the result is 0, false, "", NaN, [], blank or an error.

Evaluation never raises for bad *data*: ``1/0``, junk dates or a failing function become
formula values (±Infinity, NaN, ``ErrorValue``), exactly as Airtable shows them in a cell.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from leadgen.airtable.formula.errors import FormulaError
from leadgen.airtable.formula.evaluation import (
    fn_arrays,
    fn_dates,
    fn_logic,
    fn_numbers,
    fn_record,
    fn_text,
)
from leadgen.airtable.formula.evaluation.cells import (
    FieldIndex,
    LinkDisplay,
    cell_of,
    to_formula_value,
)
from leadgen.airtable.formula.evaluation.context import Eager, EvalContext, Lazy
from leadgen.airtable.formula.evaluation.operators import binary, negate
from leadgen.airtable.formula.evaluation.values import (
    ERROR,
    DateValue,
    ErrorSignal,
    ErrorValue,
    Value,
    first_error,
    iso_text,
    truthy,
)
from leadgen.airtable.formula.syntax.ast import (
    BinaryOp,
    Call,
    FieldRef,
    Literal,
    Node,
    UnaryOp,
    field_refs_in_order,
)
from leadgen.airtable.formula.syntax.parser import parse

EAGER: dict[str, Eager] = {
    **fn_logic.EAGER,
    **fn_text.EAGER,
    **fn_numbers.EAGER,
    **fn_dates.EAGER,
    **fn_record.EAGER,
    **fn_arrays.EAGER,
}
LAZY: dict[str, Lazy] = {**fn_logic.LAZY, **fn_record.LAZY}


def evaluate(
    node: Node,
    record: Mapping[str, Any],
    table: Mapping[str, Any],
    *,
    now: datetime | None = None,
    last_modified_time: str | None = None,
    link_display: LinkDisplay | None = None,
    fields: FieldIndex | None = None,
) -> Value:
    """The formula's value for ``record`` (see ``values`` for the value model).

    ``record`` is an API record with ``fields`` keyed by field id or name; ``table`` is the
    metadata-API table holding the field types. ``fields`` lets a caller reuse one index.
    """
    index = fields or FieldIndex(table)
    clock = (now or datetime.now(UTC)).astimezone(UTC)
    return _Evaluation(record, index, clock, last_modified_time, link_display).context.evaluate(
        node
    )


class _Evaluation:
    def __init__(
        self,
        record: Mapping[str, Any],
        fields: FieldIndex,
        now: datetime,
        last_modified_time: str | None,
        link_display: LinkDisplay | None,
    ) -> None:
        self.context = EvalContext(
            record, fields, now, last_modified_time, link_display, self.evaluate
        )
        self.cache: dict[str, Value] = {}

    def evaluate(self, node: Node) -> Value:
        if isinstance(node, Literal):
            return node.value
        if isinstance(node, FieldRef):
            return self.field(node.name)
        if isinstance(node, UnaryOp):
            return negate(self.evaluate(node.operand))
        if isinstance(node, BinaryOp):
            return self.binary_chain(node)
        return self.call(node)

    def binary_chain(self, node: BinaryOp) -> Value:
        # Long left-leaning chains ({a}&{b}&… or OR-free sums of hundreds of terms) are
        # evaluated bottom-up in a loop, so their length is not bounded by Python's stack.
        spine = [node]
        while isinstance(spine[-1].left, BinaryOp):
            spine.append(spine[-1].left)
        value = self.evaluate(spine[-1].left)
        for step in reversed(spine):
            value = binary(step.op, value, self.evaluate(step.right))
        return value

    def field(self, ref: str) -> Value:
        if ref not in self.cache:
            field = self.context.fields.find(ref)
            if field is None:
                raise FormulaError.unknown_fields([ref])
            cell = cell_of(self.context.record, field)
            self.cache[ref] = to_formula_value(field, cell, self.context.link_display)
        return self.cache[ref]

    def call(self, node: Call) -> Value:
        try:
            lazy = LAZY.get(node.name)
            if lazy is not None:
                return lazy(node.args, self.context)
            args = [self.evaluate(arg) for arg in node.args]
            error = first_error(args)
            if error is not None:
                return error
            return EAGER[node.name](args, self.context)
        except ErrorSignal as signal:
            return signal.value
        except (ArithmeticError, ValueError):
            # Out-of-range data (a year 10000 date, a huge REPT …) is a cell error in Airtable.
            return ERROR


class Predicate:
    """A compiled filterByFormula: ``predicate(record) -> bool``."""

    def __init__(
        self,
        formula: str,
        node: Node | None,
        table: Mapping[str, Any],
        link_display: LinkDisplay | None,
    ) -> None:
        self.formula = formula
        self.node = node
        self.table = table
        self.fields = FieldIndex(table)
        self.link_display = link_display

    def __call__(
        self,
        record: Mapping[str, Any],
        *,
        last_modified_time: str | None = None,
        now: datetime | None = None,
        link_display: LinkDisplay | None = None,
    ) -> bool:
        if self.node is None:
            return True
        value = evaluate(
            self.node,
            record,
            self.table,
            now=now,
            last_modified_time=last_modified_time,
            link_display=link_display or self.link_display,
            fields=self.fields,
        )
        return truthy(value)


def compile_filter(
    formula: str, table: Mapping[str, Any], *, link_display: LinkDisplay | None = None
) -> Predicate:
    """Parse and check ``formula`` for ``table``; raise FormulaError as Airtable's 422 would.

    An empty formula filters nothing, as Airtable ignores an empty ``filterByFormula``.
    """
    if not formula.strip():
        return Predicate(formula, None, table, link_display)
    node = parse(formula)
    index = FieldIndex(table)
    unknown = [ref for ref in field_refs_in_order(node) if index.find(ref) is None]
    if unknown:
        raise FormulaError.unknown_fields(unknown)
    return Predicate(formula, node, table, link_display)


def to_api_value(value: Value) -> Any:
    """A formula value as the REST API shows a formula cell (cellFormat=json)."""
    if isinstance(value, ErrorValue):
        return {"error": value.code}
    if isinstance(value, DateValue):
        return iso_text(value)
    if isinstance(value, list):
        return [to_api_value(v) for v in value]
    if isinstance(value, float) and not isinstance(value, bool):
        if math.isnan(value):
            return {"specialValue": "NaN"}
        if math.isinf(value):
            return {"specialValue": "Infinity" if value > 0 else "-Infinity"}
        return int(value) if value == int(value) and abs(value) < 2**53 else value
    return value
