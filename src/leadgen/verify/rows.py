"""Expected rows (the migration's transform of a snapshot) against the rows in PostgreSQL.

`transform_snapshot` says, table by table, which rows the mapping makes of a snapshot — the
rejects are already in it (a rejected cell is left empty, a rejected record has no row), so
they never show up as differences here. This module reads the tenant's rows of the same
tables and columns, normalises both sides the same way (NUMERIC(p,s) rounding, jsonb parsed,
timestamps in UTC) and lists every difference by table, Airtable record, field and value:

    missing row   the mapping makes the row; PostgreSQL does not have it
    orphan row    PostgreSQL has a row (in a migrated table) that no snapshot record explains
    value         both have the row; one column differs (links: the FK names another record)

The same diff is what `leadgen sync` applies (rows to upsert, rows to delete).
SQL here is built only from identifiers of the catalog (a closed set), quoted.
"""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator, Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from uuid import UUID

import asyncpg

from leadgen.airtable.snapshot import JSON
from leadgen.db.connect import quoted_identifier
from leadgen.migrate.coverage import Catalog, Column
from leadgen.migrate.mapping import Mapping
from leadgen.sql import queries

# Which column ties a row to the Airtable record it came from (for sampling and naming).
OWNER_COLUMN = {"company_tags": "company_id", "airtable_records": "record_id",
                "company_enrichment_l2": "company_id", "contact_enrichment": "contact_id",
                "crm_event_participants": "crm_event_id", "task_contacts": "task_id",
                "task_activities": "task_id"}
# Rows written by the database itself, not by the migration: the live audit trail.
NOT_MIGRATED = {"audit_log": "airtable_record_id IS NOT NULL"}
# Columns that are not data: the archive's digest of `fields` (a cache for re-runs, computed
# over the serialised key order; `fields` itself is compared).
NOT_COMPARED = {("airtable_records", "fields_sha256")}
_VOLATILE = re.compile(r"\b(NOW|TODAY)\s*\(", re.IGNORECASE)


async def all_rows(rows: AsyncIterator[Any]) -> list[Any]:
    """Every row of an aiosql select (aiosql 15 yields them from an async generator)."""
    return [r async for r in rows]


def volatile_fields(schema: JSON) -> set[str]:
    """Formula fields that change by themselves (NOW(), TODAY()): no copy stays equal."""
    return {f["id"] for t in schema["tables"] for f in t["fields"]
            if f["type"] == "formula" and _VOLATILE.search(
                str((f.get("options") or {}).get("formula") or ""))}


def without_volatile(rows: list[tuple[Any, ...]], columns: tuple[str, ...],
                     volatile: set[str]) -> list[tuple[Any, ...]]:
    """Archive rows with the cells of volatile formula fields taken out of `fields`."""
    if not volatile or "fields" not in columns:
        return rows
    at = columns.index("fields")
    out = []
    for row in rows:
        doc = json.loads(row[at]) if isinstance(row[at], str | bytes) else row[at]
        if isinstance(doc, dict):
            doc = {k: v for k, v in doc.items() if k not in volatile}
        out.append((*row[:at], doc, *row[at + 1:]))
    return out


qi = quoted_identifier  # an identifier taken from the catalog


@dataclass(frozen=True)
class TableShape:
    """A target table as the transform fills it: its columns and its key positions."""

    table: str
    columns: tuple[str, ...]
    key: tuple[int, ...]
    source: tuple[int, ...] = ()  # positions of `columns` in the transform's rows

    def project(self, rows: Iterable[Any]) -> list[tuple[Any, ...]]:
        """The transform's rows cut down to the compared columns."""
        return [tuple(row[i] for i in self.source) for row in rows]

    def key_of(self, row: tuple[Any, ...]) -> tuple[Any, ...]:
        return tuple(row[i] for i in self.key)

    @property
    def owner(self) -> str:
        return OWNER_COLUMN.get(self.table, "id")


async def table_shapes(conn: asyncpg.Connection,
                       columns: dict[str, tuple[str, ...]]) -> dict[str, TableShape]:
    pks: dict[str, list[str]] = {}
    for r in await all_rows(queries("verify/catalog").primary_keys(conn)):
        pks.setdefault(r["table_name"], []).append(r["column_name"])
    shapes = {}
    for table, all_cols in columns.items():
        cols = [c for c in all_cols if (table, c) not in NOT_COMPARED]
        key = [c for c in pks.get(table, ["id"]) if c != "tenant_id"]
        shapes[table] = TableShape(table, tuple(cols), tuple(cols.index(c) for c in key),
                                   source=tuple(all_cols.index(c) for c in cols))
    return shapes


def normaliser(column: Column | None) -> Callable[[Any], Any]:
    """One comparable form for a value of this column, on either side."""
    if column is None:
        return lambda v: v
    kind = column.data_type
    if kind == "numeric":
        quantum = None if column.scale is None else Decimal(1).scaleb(-column.scale)

        def numeric(v: Any) -> Any:
            if v is None or isinstance(v, bool):
                return v
            d = v if isinstance(v, Decimal) else Decimal(repr(v) if isinstance(v, float)
                                                          else str(v))
            return d.quantize(quantum, ROUND_HALF_UP) if quantum is not None else d.normalize()

        return numeric
    if kind in ("jsonb", "json"):
        return lambda v: json.loads(v) if isinstance(v, str | bytes) else v
    if kind.startswith("timestamp"):
        return lambda v: v.astimezone(UTC) if isinstance(v, datetime) and v.tzinfo else v
    if kind == "USER-DEFINED":
        return lambda v: None if v is None else str(v)
    return lambda v: v


def render(value: Any) -> Any:
    """A value as it appears in the JSON report."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, UUID):
        return str(value)
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    if isinstance(value, list | dict | float):
        return value
    return str(value)


@dataclass
class Difference:
    kind: str  # "missing row" | "orphan row" | "value"
    table: str
    record: str | None
    field: str | None
    expected: Any
    actual: Any
    column: str | None = None
    airtable_table: str | None = None

    def as_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "table": self.table, "airtable_table": self.airtable_table,
                "record": self.record, "field": self.field, "column": self.column,
                "expected": render(self.expected), "actual": render(self.actual)}


@dataclass
class TableDiff:
    """One table compared: counts, and the rows sync would have to write or delete."""

    table: str
    expected: int = 0
    actual: int = 0
    compared: int = 0
    upserts: list[tuple[Any, ...]] = field(default_factory=list)
    deletes: list[tuple[Any, ...]] = field(default_factory=list)  # keys
    differences: list[Difference] = field(default_factory=list)


@dataclass
class Namer:
    """Names a row's Airtable record and a column's Airtable field for the report."""

    mapping: Mapping
    record_of: dict[UUID, tuple[str, str]] = field(default_factory=dict)  # uuid → (table, rec)
    field_of: dict[tuple[str, str], str] = field(default_factory=dict)
    airtable_of: dict[str, str] = field(default_factory=dict)  # pg table → Airtable table

    def __post_init__(self) -> None:
        for tm in self.mapping.tables.values():
            self.airtable_of.setdefault(tm.target, tm.name)
            for f in tm.fields.values():
                if f.kind == "tags":
                    self.field_of[("company_tags", f"value:{f.category}")] = f.name
                if f.target_table and f.column:
                    self.field_of.setdefault((f.target_table, f.column), f.name)
                    self.airtable_of.setdefault(f.target_table, tm.name)

    def learn(self, table: str, rows: Iterable[tuple[Any, ...]], columns: tuple[str, ...]) -> None:
        if "airtable_record_id" not in columns or columns[0] != "id":
            return
        at = columns.index("airtable_record_id")
        shown = self.airtable_of.get(table, table)
        for row in rows:
            if isinstance(row[0], UUID) and row[at]:
                self.record_of[row[0]] = (shown, str(row[at]))

    def record(self, shape: TableShape, row: tuple[Any, ...]) -> str | None:
        cols = shape.columns
        if "airtable_record_id" in cols:
            return str(row[cols.index("airtable_record_id")])
        if shape.table == "airtable_records":
            return str(row[cols.index("record_id")])
        if shape.table == "batches":
            return f"batch {row[cols.index('name')]!r}"
        owner = row[cols.index(shape.owner)] if shape.owner in cols else None
        found = self.record_of.get(owner) if isinstance(owner, UUID) else None
        return found[1] if found else render(owner)

    def field(self, table: str, column: str, row: tuple[Any, ...] | None = None,
              columns: tuple[str, ...] = ()) -> str:
        if table == "company_tags" and row is not None and "category" in columns:
            return self.field_of.get((table, f"value:{row[columns.index('category')]}"), column)
        if column == "created_at":
            return "createdTime"
        return self.field_of.get((table, column), column)

    def show(self, value: Any) -> Any:
        """An FK value shown with the Airtable record it stands for."""
        found = self.record_of.get(value) if isinstance(value, UUID) else None
        return f"{value} ({found[0]} {found[1]})" if found else value


async def read_rows(conn: asyncpg.Connection, tenant_id: UUID, shape: TableShape,
                    base_id: str | None = None, owners: list[Any] | None = None,
                    ) -> list[tuple[Any, ...]]:
    """The tenant's rows of a migrated table (optionally only those of some records)."""
    where = ["tenant_id = $1"]
    args: list[Any] = [tenant_id]
    if shape.table == "airtable_records" and base_id is not None:
        args.append(base_id)
        where.append(f"base_id = ${len(args)}")
    if shape.table in NOT_MIGRATED:
        where.append(NOT_MIGRATED[shape.table])
    if owners is not None:
        args.append(owners)
        where.append(f"{qi(shape.owner)} = ANY(${len(args)})")
    cols = ", ".join(qi(c) for c in shape.columns)
    sql = f"SELECT {cols} FROM {qi(shape.table)} WHERE {' AND '.join(where)}"
    return [tuple(r) for r in await conn.fetch(sql, *args)]


def compare_table(shape: TableShape, expected: list[tuple[Any, ...]],
                  actual: list[tuple[Any, ...]], catalog: Catalog, namer: Namer) -> TableDiff:
    """Every difference between the expected and the actual rows of one table."""
    norms = [normaliser(catalog.column(shape.table, c)) for c in shape.columns]

    def norm(row: tuple[Any, ...]) -> tuple[Any, ...]:
        return tuple(f(v) for f, v in zip(norms, row, strict=True))

    diff = TableDiff(shape.table, expected=len(expected), actual=len(actual))
    exp = {shape.key_of(r): r for r in expected}
    act = {shape.key_of(r): norm(r) for r in actual}
    airtable = namer.airtable_of.get(shape.table)
    for key, row in exp.items():
        have = act.get(key)
        want = norm(tuple(row))
        if have is None:
            diff.upserts.append(tuple(row))
            fname, shown = _subject(shape, want, namer)
            diff.differences.append(Difference(
                "missing row", shape.table, namer.record(shape, want), fname, shown, "absent",
                airtable_table=airtable))
            continue
        diff.compared += 1
        if have == want:
            continue
        diff.upserts.append(tuple(row))
        for i, column in enumerate(shape.columns):
            if want[i] != have[i]:
                diff.differences.append(Difference(
                    "value", shape.table, namer.record(shape, want),
                    namer.field(shape.table, column, want, shape.columns),
                    namer.show(want[i]), namer.show(have[i]), column=column,
                    airtable_table=airtable))
    for key, row in act.items():
        if key not in exp:
            diff.deletes.append(key)
            fname, shown = _subject(shape, row, namer)
            diff.differences.append(Difference(
                "orphan row", shape.table, namer.record(shape, row), fname, "absent", shown,
                airtable_table=airtable))
    return diff


def _subject(shape: TableShape, row: tuple[Any, ...], namer: Namer) -> tuple[str | None, Any]:
    """For a row of a junction or tag table: the link/tag field and the value it stands for."""
    cols = shape.columns
    if shape.table == "company_tags":
        return namer.field(shape.table, "value", row, cols), row[cols.index("value")]
    if "id" not in cols and shape.table in OWNER_COLUMN and len(cols) == 3:
        return namer.field(shape.table, cols[2]), namer.show(row[2])
    return None, "present"
