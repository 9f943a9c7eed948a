"""Airtable's formula language (``filterByFormula``): parser → AST → evaluator or SQL.

    text ──syntax.parse──▶ AST (syntax.ast) ──evaluation──▶ value, compile_filter → Predicate
                                          └──sql.compile_condition──▶ PostgreSQL condition

Subpackages, one per stage: ``syntax`` (lexer, parser, AST, the function catalog),
``evaluation`` (the value model, coercions, dates, functions by family, the tree walk) and
``sql`` (the SQL compiler over the migrated schema). ``errors`` holds ``FormulaError`` (an
invalid formula, worded as Airtable's 422) shared by all three; ``commands`` is the
``leadgen formula`` CLI. This ``__init__`` re-exports what other packages use, and never the
SQL compiler (it needs the migration mapping). The semantics follow Airtable's formula field
reference: https://support.airtable.com/docs/formula-field-reference
"""

from leadgen.airtable.formula.errors import FormulaError
from leadgen.airtable.formula.evaluation.cells import LinkDisplay, to_formula_value
from leadgen.airtable.formula.evaluation.evaluator import (
    Predicate,
    compile_filter,
    evaluate,
    to_api_value,
)
from leadgen.airtable.formula.evaluation.values import DateValue, ErrorValue, Value, truthy
from leadgen.airtable.formula.syntax.ast import (
    BinaryOp,
    Call,
    FieldRef,
    Literal,
    Node,
    UnaryOp,
    field_refs,
    walk,
)
from leadgen.airtable.formula.syntax.catalog import FUNCTIONS
from leadgen.airtable.formula.syntax.parser import parse

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
