"""Column types of the schema, read from the migration files (the converter runs offline).

The converter needs each target column's type to cast a parameter (``$3::company_status``):
an n8n value arrives as text and PostgreSQL does not assign text to an enum column.
"""

from __future__ import annotations

import re
from functools import cache
from importlib import resources

_TABLE = re.compile(r"CREATE TABLE (\w+) \((.*?)\n\);", re.S)
_COLUMN = re.compile(r"^\s+(\w+)\s+([A-Za-z_][\w]*(?:\([\d, ]+\))?(?:\[\])?)(.*)$", re.M)
_DEFAULT = re.compile(r"DEFAULT\s+((?:'[^']*'|[\w.()]+)(?:::\w+)?)")
_SKIP = {"PRIMARY", "UNIQUE", "FOREIGN", "CHECK", "CONSTRAINT"}


@cache
def _columns() -> dict[str, dict[str, tuple[str, str | None]]]:
    """``{table: {column: (sql type, default of a NOT NULL column)}}`` from the migrations."""
    root = resources.files("leadgen.db").joinpath("migrations")
    tables: dict[str, dict[str, tuple[str, str | None]]] = {}
    for entry in sorted(root.iterdir(), key=lambda e: e.name):
        if not entry.name.endswith(".sql"):
            continue
        for name, body in _TABLE.findall(entry.read_text("utf-8")):
            cols = tables.setdefault(name, {})
            for col, typ, rest in _COLUMN.findall(body):
                if col.upper() in _SKIP:
                    continue
                default = _DEFAULT.search(rest)
                required = "NOT NULL" in rest.upper() and default is not None
                cols[col] = (typ.lower(), default[1] if required and default else None)
    return tables


def column_types() -> dict[str, dict[str, str]]:
    """``{table: {column: sql type}}`` of every CREATE TABLE in the migrations."""
    return {t: {c: v[0] for c, v in cols.items()} for t, cols in _columns().items()}


def required_default(table: str, column: str) -> str | None:
    """The DEFAULT of a NOT NULL column (what an insert without a value would get)."""
    return _columns().get(table, {}).get(column, (None, None))[1]


def column_type(table: str, column: str) -> str | None:
    found = _columns().get(table, {}).get(column)
    return found[0] if found else None


def cast_for(sql_type: str) -> str:
    """The cast for a parameter written into a column of ``sql_type``."""
    base = sql_type.split("(")[0]
    if base in ("numeric", "decimal"):
        return "numeric"
    return base
