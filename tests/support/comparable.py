"""Generated bases migrated into tenants, for comparing compiled SQL (and n8n workflow queries)
with the formula engine.

One `MigratedBase` per (companies, seed), made by `support.migrated.migrate_generated`: the
snapshot's records and schema, the tenant they were migrated into (what the SQL sees), and
`mapped` — the snapshot as the mapping made it (`leadgen.verify.mapped.MappedBase`, what
`leadgen verify` holds PostgreSQL to). The engine side of a comparison evaluates formulas over
`mapped.view`, so the mapping's deliberate changes (an empty select loaded as its column's
default, the first of several links kept, a normalised value) are on both sides. Cells the
view does not carry keep their raw value; `rejected_cells` names those of them the migration
rejected or could not keep whole, so a comparison can leave them out.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import asyncpg

from leadgen.airtable.formula import LinkDisplay
from leadgen.airtable.snapshot import Snapshot
from leadgen.migrate.coverage import Catalog, read_catalog
from leadgen.migrate.mapping import load_mapping
from leadgen.migrate.transform.snapshot_rows import transform_snapshot
from leadgen.n8n.library import TENANT_PREAMBLE
from leadgen.n8n.pgformat import format_query
from leadgen.verify.base_view import BaseView
from leadgen.verify.mapped import MappedBase
from support import run_async
from support.migrated import migrate_generated, tenant_fetch

COMPARED = {"Companies": "companies", "Contacts": "contacts", "Messages": "messages",
            "Owners": "owners"}  # Airtable table → target table whose loaded ids are read


@dataclass
class MigratedBase:
    tenant_id: uuid.UUID
    tables: dict[str, dict[str, Any]]  # metadata-API table by name
    records: dict[str, list[dict[str, Any]]]  # snapshot records by table name
    loaded: dict[str, set[str]]  # record ids present in PG, by table name
    mapped: MappedBase  # the snapshot as the mapping made it (every field of COMPARED)
    rejected_cells: set[tuple[str, str, str]] = field(default_factory=set)  # table, rec, field
    primary: dict[str, str] = field(default_factory=dict)  # record id → primary display

    def link_display(self) -> LinkDisplay:
        def show(field_id: str, ids: list[str]) -> list[str]:
            return [self.primary.get(i, i) for i in ids]
        return show

    def carried(self, table: str) -> set[str]:
        """The fields of `table` whose cells `mapped.view` holds as the mapping loaded them."""
        return {f.name for f in self.mapped.fields.get(table, ())}


def comparable_base(url: str, workdir: Path, companies: int, seed: int) -> MigratedBase:
    """A generated base migrated into a new tenant, with what is needed to compare the two."""
    migrated = migrate_generated(url, workdir, companies=companies, seed=seed, prefix=f"fx-{seed}")
    snapshot = Snapshot.open(migrated.snapshot)
    tables = {t["name"]: t for t in snapshot.tables}
    records = {t["name"]: list(snapshot.iter_records(t["id"])) for t in snapshot.tables}
    primary: dict[str, str] = {}
    for t in snapshot.tables:
        pf = t["primaryFieldId"]
        for r in records[t["name"]]:
            value = r["fields"].get(pf)
            if value is not None:
                primary[r["id"]] = value if isinstance(value, str) else str(value)
    mapping = load_mapping(schema=snapshot.schema)
    loaded, catalog = run_async(_loaded_ids(url, migrated.tenant_id))
    transformed = transform_snapshot(snapshot, mapping, catalog, migrated.tenant_id)
    reads = {name: tuple(f["name"] for f in tables[name]["fields"]) for name in COMPARED}
    mapped = MappedBase.build(BaseView.from_snapshot(snapshot), mapping, transformed, catalog,
                              reads)
    rejected = {(r.table, r.record_id, str(r.field)) for r in transformed.ledger.rejects}
    # A single-FK link (or batch) keeps one of several values: such raw cells are not comparable.
    for t in snapshot.tables:
        if t["name"] not in mapping.tables:
            continue
        for f in t["fields"]:
            fm = mapping.table(t["name"]).fields.get(f["name"])
            if fm is None or fm.kind != "link" or fm.junction:
                continue
            for r in records[t["name"]]:
                cell = r["fields"].get(f["id"])
                if isinstance(cell, list) and len(cell) > 1:
                    rejected.add((t["name"], r["id"], f["name"]))
    return MigratedBase(migrated.tenant_id, tables, records, loaded, mapped, rejected, primary)


async def _loaded_ids(url: str, tenant_id: uuid.UUID) -> tuple[dict[str, set[str]], Catalog]:
    loaded: dict[str, set[str]] = {}
    for name, target in COMPARED.items():
        rows = await tenant_fetch(
            url, tenant_id, f"SELECT airtable_record_id FROM {target} WHERE tenant_id = $1")
        loaded[name] = {r[0] for r in rows}
    conn = await asyncpg.connect(url)
    try:
        return loaded, await read_catalog(conn)
    finally:
        await conn.close()


async def select_ids(conn: asyncpg.Connection, tenant_id: uuid.UUID, target: str,
                     condition: str, params: Sequence[Any]) -> set[str]:
    """The records a compiled condition selects, read as leadgen_app with the tenant set."""
    sql = (f"SELECT t.airtable_record_id FROM {target} t WHERE t.tenant_id = $1::uuid"
           f" AND {condition}")
    async with conn.transaction():
        await conn.execute(format_query(TENANT_PREAMBLE, [str(tenant_id)]))
        rows = await conn.fetch(sql, tenant_id, *params)
    return {r[0] for r in rows}
