"""Airtable's formula language for ``filterByFormula``: parser → AST → evaluator.

    text ──parse──▶ AST (ast.py) ──evaluate──▶ value (values.py)
                     │                          compile_filter → Predicate (truthiness)
                     └──▶ SQL compiler (later; the same node set)

Modules: ``lexer``/``parser`` (syntax, 422 errors), ``catalog`` (the function list and arity),
``cells`` (how API cells appear in a formula), ``values``/``compare``/``operators`` (the value
model and coercions), ``dates``/``moment`` (date maths and formats), ``fn_*`` (functions by
family), ``evaluator`` (the tree walk). The semantics follow reference/airtable_api.md §5.
"""

from leadgen.airtable.formula.ast import (
    BinaryOp,
    Call,
    FieldRef,
    Literal,
    Node,
    UnaryOp,
    field_refs,
    walk,
)
from leadgen.airtable.formula.catalog import FUNCTIONS
from leadgen.airtable.formula.cells import LinkDisplay, to_formula_value
from leadgen.airtable.formula.errors import FormulaError
from leadgen.airtable.formula.evaluator import Predicate, compile_filter, evaluate, to_api_value
from leadgen.airtable.formula.parser import parse
from leadgen.airtable.formula.values import DateValue, ErrorValue, Value, truthy

__all__ = [
    "FUNCTIONS",
    "BinaryOp",
    "Call",
    "DateValue",
    "ErrorValue",
    "FieldRef",
    "FormulaError",
    "LinkDisplay",
    "Literal",
    "Node",
    "Predicate",
    "UnaryOp",
    "Value",
    "compile_filter",
    "evaluate",
    "field_refs",
    "parse",
    "to_api_value",
    "to_formula_value",
    "truthy",
    "walk",
]
