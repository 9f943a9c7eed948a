"""Generated bases migrated into tenants, for comparing compiled SQL with the evaluator.

One `MigratedBase` per (companies, seed): the snapshot's records and schema (what the formula
engine sees), and the tenant they were migrated into (what the SQL sees). Records the migration
rejected, and cells it rejected, are known from its report, so a comparison can leave them out
instead of blaming the compiler for data the migration did not load.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import asyncpg

from leadgen.airtable.formula import LinkDisplay
from leadgen.airtable.generate import generate_base, write_generated
from leadgen.migrate.mapping import load_mapping
from leadgen.migrate.run import migrate_snapshot
from leadgen.n8n.library import TENANT_PREAMBLE
from leadgen.n8n.pgformat import format_query
from support.tenants import new_tenant


@dataclass
class MigratedBase:
    tenant_id: uuid.UUID
    tables: dict[str, dict[str, Any]]  # metadata-API table by name
    records: dict[str, list[dict[str, Any]]]  # snapshot records by table name
    loaded: dict[str, set[str]]  # record ids present in PG, by table name
    rejected_cells: set[tuple[str, str, str]] = field(default_factory=set)  # table, rec, field
    primary: dict[str, str] = field(default_factory=dict)  # record id → primary display

    def link_display(self) -> LinkDisplay:
        def show(field_id: str, ids: list[str]) -> list[str]:
            return [self.primary.get(i, i) for i in ids]
        return show


async def migrate_generated(url: str, workdir: Path, companies: int, seed: int) -> MigratedBase:
    base = generate_base(companies, seed)
    snap = workdir / f"snap-{companies}-{seed}"
    write_generated(snap, base)
    slug, tenant_id = await new_tenant(url, f"fx-{seed}")
    report = await migrate_snapshot(url, snap, slug)
    tables = {t["name"]: t for t in base.schema["tables"]}
    records = {t["name"]: base.records[t["id"]] for t in base.schema["tables"]}
    primary: dict[str, str] = {}
    for t in base.schema["tables"]:
        pf = t["primaryFieldId"]
        for r in base.records[t["id"]]:
            value = r["fields"].get(pf)
            if value is not None:
                primary[r["id"]] = value if isinstance(value, str) else str(value)
    conn = await asyncpg.connect(url)
    loaded: dict[str, set[str]] = {}
    try:
        async with conn.transaction():
            await conn.execute(format_query(TENANT_PREAMBLE, [str(tenant_id)]))
            for name, target in (("Companies", "companies"), ("Contacts", "contacts"),
                                 ("Messages", "messages"), ("Owners", "owners")):
                rows = await conn.fetch(
                    f"SELECT airtable_record_id FROM {target} WHERE tenant_id = $1", tenant_id)
                loaded[name] = {r[0] for r in rows}
    finally:
        await conn.close()
    rejected = {(r["table"], r["record_id"], r["field"]) for r in report.rejects}
    # A single-FK link (or batch) keeps one of several values: such cells are not comparable.
    mapping = load_mapping()
    for t in base.schema["tables"]:
        if t["name"] not in mapping.tables:
            continue
        for f in t["fields"]:
            fm = mapping.table(t["name"]).fields.get(f["name"])
            if fm is None or fm.kind != "link" or fm.junction:
                continue
            for r in base.records[t["id"]]:
                cell = r["fields"].get(f["id"])
                if isinstance(cell, list) and len(cell) > 1:
                    rejected.add((t["name"], r["id"], f["name"]))
    return MigratedBase(tenant_id, tables, records, loaded, rejected, primary)


async def select_ids(conn: asyncpg.Connection, tenant_id: uuid.UUID, target: str,
                     condition: str, params: Sequence[Any]) -> set[str]:
    """The records a compiled condition selects, read as leadgen_app with the tenant set."""
    sql = (f"SELECT t.airtable_record_id FROM {target} t WHERE t.tenant_id = $1::uuid"
           f" AND {condition}")
    async with conn.transaction():
        await conn.execute(format_query(TENANT_PREAMBLE, [str(tenant_id)]))
        rows = await conn.fetch(sql, tenant_id, *params)
    return {r[0] for r in rows}
