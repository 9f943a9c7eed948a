"""The database half of the coverage check, and the column facts the transform needs.

`read_catalog(conn)` reads information_schema + pg_enum once; `check_against_database`
lists every target table/column the mapping names that does not exist and every select
choice whose enum label is not in pg_enum, then raises MappingError (exit 7) before anything
is written.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import asyncpg

from leadgen.migrate.mapping import Mapping, mapping_error
from leadgen.sql import queries


@dataclass(frozen=True)
class Column:
    name: str
    data_type: str  # information_schema data_type: text, numeric, smallint, USER-DEFINED…
    udt_name: str  # the enum type for USER-DEFINED
    precision: int | None
    scale: int | None
    nullable: bool
    default: str | None

    def constant_default(self) -> tuple[bool, Any]:
        """(True, value) when the column's default is a constant we can fill in ourselves."""
        d = self.default
        if d is None:
            return False, None
        if re.fullmatch(r"-?\d+", d):
            return True, int(d)
        if d in ("true", "false"):
            return True, d == "true"
        m = re.fullmatch(r"'((?:[^']|'')*)'::[\w\" ]+", d)
        if m:
            return True, m.group(1).replace("''", "'")
        return False, None


@dataclass(frozen=True)
class Catalog:
    """Target tables' columns and the labels of every enum type."""

    tables: dict[str, dict[str, Column]]
    enums: dict[str, tuple[str, ...]]

    def column(self, table: str, column: str) -> Column | None:
        return self.tables.get(table, {}).get(column)


async def read_catalog(conn: asyncpg.Connection) -> Catalog:
    q = queries("migration/catalog")
    tables: dict[str, dict[str, Column]] = {}
    for r in await conn.fetch(q.columns.sql):
        tables.setdefault(r["table_name"], {})[r["column_name"]] = Column(
            name=r["column_name"], data_type=r["data_type"], udt_name=r["udt_name"],
            precision=r["numeric_precision"], scale=r["numeric_scale"],
            nullable=r["is_nullable"] == "YES", default=r["column_default"],
        )
    enums: dict[str, list[str]] = {}
    for r in await conn.fetch(q.enum_labels.sql):
        enums.setdefault(r["typname"], []).append(r["enumlabel"])
    return Catalog(tables=tables, enums={k: tuple(v) for k, v in enums.items()})


def _default_label(column: Column) -> str | None:
    """The label of an enum column's DDL default (`'draft'::message_review_status`), if any."""
    constant, value = column.constant_default()
    return value if constant and isinstance(value, str) else None


def check_against_database(mapping: Mapping, catalog: Catalog) -> None:
    problems: list[str] = []
    for tm in mapping.tables.values():
        if tm.target not in catalog.tables:
            problems.append(f"{tm.name}: target table {tm.target!r} does not exist")
    for f in mapping.fields():
        where = f"{f.table}.{f.name}"
        if f.target_table is None or f.column is None:
            continue
        col = catalog.column(f.target_table, f.column)
        if col is None:
            problems.append(f"{where}: target column {f.target_table}.{f.column} does not exist")
            continue
        if f.kind == "enum":
            labels = catalog.enums.get(col.udt_name)
            if labels is None:
                problems.append(f"{where}: {f.target_table}.{f.column} is not an enum column")
                continue
            if f.empty == "default" and _default_label(col) not in labels:
                problems.append(
                    f"{where}: empty = \"default\" but {f.target_table}.{f.column} has no "
                    f"default label of enum {col.udt_name} (its default: {col.default})"
                )
            for choice, label in sorted(f.choices.items()):
                if label not in labels:
                    problems.append(
                        f"{where}: choice {choice!r} → {label!r} is not a label of enum "
                        f"{col.udt_name} ({', '.join(labels)})"
                    )
        if f.kind == "tags" and f.category not in catalog.enums.get("tag_category", ()):
            problems.append(f"{where}: tag category {f.category!r} is not in enum tag_category")
    if problems:
        raise mapping_error(problems, mapping.path)

