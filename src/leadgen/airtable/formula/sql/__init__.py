"""AST → a parameterised PostgreSQL condition over the migrated schema (the same rows the
evaluator keeps).

``compiler`` (the tree walk, ``compile_condition``, ``select_statement``), ``values`` (typed SQL
values and coercions), ``compare`` (comparisons), ``functions`` (the supported functions) and
``fields`` (field references resolved through the migration mapping).
"""

from leadgen.airtable.formula.sql.compiler import (
    CompiledFilter,
    UnsupportedFormula,
    compile_condition,
    select_statement,
)

__all__ = ["CompiledFilter", "UnsupportedFormula", "compile_condition", "select_statement"]
