"""Empty selects: the mapping's `empty = "default"` loads an empty cell as the column's DDL
default and counts it as a finding naming the record; without it the cell loads as NULL."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import asyncpg

from leadgen.db.connect import admin_transaction
from leadgen.migrate import load_mapping, migrate_snapshot
from leadgen.migrate.coverage import read_catalog
from leadgen.migrate.transform.rules import row_id
from leadgen.verify.tenant import verify_tenant
from support.mapping_text import DEFAULT_MAPPING
from support.snapshots import make_snapshot, rid
from support.tenants import new_tenant

ACME, JANA, DRAFT, APPROVED = rid("coAcme"), rid("ctJana"), rid("msgDraft"), rid("msgAppr")
RECORDS: dict[str, list[dict[str, Any]]] = {
    "Owners": [{"id": rid("ownMichal"), "fields": {"Name": "Michal", "Email": "m@vv.test"}}],
    "Companies": [{"id": ACME, "fields": {"Company Name": "Acme", "Tier": "Tier 2 - Gold"}}],
    "Contacts": [{"id": JANA, "fields": {"Full Name": "Jana", "Company": [ACME],
                                         "Owner": [rid("ownMichal")], "Language": "German"}}],
    "Messages": [
        {"id": DRAFT, "fields": {"Contact": [JANA], "Channel": "Email", "Body": "Hi",
                                 "Owner": [rid("ownMichal")]}},  # no Status
        {"id": APPROVED, "fields": {"Contact": [JANA], "Channel": "Email", "Body": "Hello",
                                    "Owner": [rid("ownMichal")], "Status": "Approved"}},
    ],
}


def empty_cells() -> set[tuple[str, str, str]]:
    """(table, record, field) of every select left empty whose mapping says empty = default,
    counted from the records and the mapping (not from the migration)."""
    mapping = load_mapping()
    return {(table, rec["id"], f.name) for table, recs in RECORDS.items() for rec in recs
            for f in mapping.table(table).fields.values()
            if f.empty == "default" and f.name not in rec["fields"]}


async def stored(url: str, tenant_id: Any, query: str, *args: Any) -> Any:
    conn = await asyncpg.connect(url)
    try:
        async with admin_transaction(conn):
            return await conn.fetchval(query, tenant_id, *args)
    finally:
        await conn.close()


async def test_the_customer_mapping_fills_every_select_whose_column_has_a_default(
    database_url: str,
) -> None:
    conn = await asyncpg.connect(database_url)
    try:
        catalog = await read_catalog(conn)
    finally:
        await conn.close()
    with_default, filled = set(), set()
    for f in load_mapping().fields():
        if f.kind != "enum":
            continue
        assert f.target_table is not None and f.column is not None
        column = catalog.column(f.target_table, f.column)
        assert column is not None
        if column.constant_default()[0]:
            with_default.add((f.table, f.name))
        if f.empty == "default":
            filled.add((f.table, f.name))
    assert ("Messages", "Status") in with_default
    assert filled == with_default


async def test_an_empty_select_loads_the_default_as_a_finding_and_verifies(
    database_url: str, tmp_path: Path,
) -> None:
    snap = make_snapshot(tmp_path / "snap", RECORDS)
    slug, tenant_id = await new_tenant(database_url, "empty")
    report = (await migrate_snapshot(database_url, snap, slug)).as_json()
    assert report["rejects"] == []
    status = "SELECT status::text FROM messages WHERE tenant_id = $1 AND id = $2"
    assert await stored(database_url, tenant_id, status, row_id(tenant_id, DRAFT)) == "draft"
    assert await stored(database_url, tenant_id, status, row_id(tenant_id, APPROVED)) == (
        "approved")
    assert await stored(database_url, tenant_id, "SELECT status::text FROM companies WHERE "
                        "tenant_id = $1 AND id = $2", row_id(tenant_id, ACME)) == "new"
    finding = report["findings"]["empty_select_default"]
    expected = empty_cells()
    assert finding["count"] == len(expected)
    assert {(e["table"], e["record_id"], e["field"]) for e in finding["examples"]} == expected
    example = next(e for e in finding["examples"] if e["record_id"] == DRAFT
                   and e["field"] == "Status")
    assert (example["column"], example["value"]) == ("messages.status", "draft")
    # verify expects the filled default (the drafts query explains the Airtable difference)
    verified = await verify_tenant(database_url, snap, slug)
    assert verified.unexpected == 0, verified.as_json()
    drafts = next(q for q in verified.queries if q.name == "messages dashboard: drafts of Michal")
    assert [(e["record"], e["side"]) for e in drafts.explained] == [(DRAFT, "postgres only")]


async def test_without_the_rule_an_empty_select_stays_null(
    database_url: str, tmp_path: Path,
) -> None:
    """The mapping format without `empty` (every mapping written before it) loads NULL."""
    snap = make_snapshot(tmp_path / "snap", RECORDS)
    mapping = tmp_path / "mapping.toml"
    mapping.write_text(DEFAULT_MAPPING.replace(', empty = "default"', ""), "utf-8")
    slug, tenant_id = await new_tenant(database_url, "empty-null")
    report = (await migrate_snapshot(database_url, snap, slug, mapping=mapping)).as_json()
    assert "empty_select_default" not in report["findings"]
    status = "SELECT status::text FROM messages WHERE tenant_id = $1 AND id = $2"
    assert await stored(database_url, tenant_id, status, row_id(tenant_id, DRAFT)) is None
    verified = await verify_tenant(database_url, snap, slug, mapping=mapping)
    assert verified.unexpected == 0
