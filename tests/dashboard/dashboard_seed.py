"""The dashboard tests' tenant, loaded the product's way: an Airtable snapshot through
`migrate_snapshot` (dashboard_base.py says what the base holds).

Airtable has no users, so the admin, the reviewer and the bulk reviewer come from the admin
library, each reviewing as one of the migrated owners. The ids the tests need (owners,
batches, the named contacts' messages) are looked up in the database after the load, by the
names the base gave them.

The load must account for every cell. It may reject only rows of the generated part, and only
for the generator's deliberate mess: messages without a channel, a body or a contact, and
audit-log entries without a table or record id (NOT NULL columns, so the row cannot load).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import asyncpg
from dashboard_base import BATCHES, BULK_DRAFTS, NAMED, OWNERS, build_base

from leadgen.admin.tenants import create_tenant, create_user
from leadgen.airtable.generate import write_generated
from leadgen.db.connect import admin_transaction
from leadgen.migrate.run import migrate_snapshot

__all__ = ["BULK_DRAFTS", "NAMED", "PASSWORD", "DashboardTenant", "seed_dashboard_tenant"]

PASSWORD = "correct-horse-battery"
TENANT_NAME = "Northwind Outreach"
# The generator's mess that cannot load (see the module docstring), as the report words it.
EXPECTED_REJECTS = {
    ("Messages", "not null without a value: messages.channel"),
    ("Messages", "not null without a value: messages.body"),
    ("Messages", "not null without a value: messages.contact_id"),
    ("audit_log", "not null without a value: audit_log.table_name"),
    ("audit_log", "not null without a value: audit_log.entity_id"),
}


@dataclass
class DashboardTenant:
    id: uuid.UUID
    slug: str
    name: str
    owners: dict[str, uuid.UUID]
    batches: dict[str, uuid.UUID]
    admin_email: str
    reviewer_email: str
    bulk_email: str
    password: str = PASSWORD
    messages: dict[str, uuid.UUID] = field(default_factory=dict)


def check_report(report: dict[str, Any], planted: set[str]) -> None:
    """Every cell accounted for; rejects only in generated rows, for the known reasons."""
    assert report["unaccounted"] == 0, "the migration lost cells"
    planted_rejects = [r for r in report["rejects"] if r["record_id"] in planted]
    assert planted_rejects == [], "planted records must load whole"
    causes = {(r["table"], r["reason"]) for r in report["rejects"]
              if not r["reason"].startswith("row not loaded:")}
    assert causes <= EXPECTED_REJECTS, f"unexpected rejects: {causes - EXPECTED_REJECTS}"


async def seed_dashboard_tenant(url: str, slug: str, snapshot_dir: Path) -> DashboardTenant:
    base, planted = build_base()
    write_generated(snapshot_dir, base)
    conn = await asyncpg.connect(url)
    try:
        async with admin_transaction(conn, actor="test-seed"):
            tenant_id = await create_tenant(conn, slug=slug, name=TENANT_NAME)
        report = (await migrate_snapshot(url, snapshot_dir, slug)).as_json()
        check_report(report, planted)
        owners = await _ids_by_name(conn, "owners", tenant_id, OWNERS)
        batches = await _ids_by_name(conn, "batches", tenant_id, BATCHES)
        messages = await _named_messages(conn, tenant_id, owners)
        emails = {role: f"{role}@{slug}.test" for role in ("admin", "reviewer", "bulk")}
        async with admin_transaction(conn, actor="test-seed"):
            for role, kind, owner in (("admin", "tenant_admin", "michal"),
                                      ("reviewer", "reviewer", "petra"),
                                      ("bulk", "reviewer", "bulk")):
                user_id = await create_user(conn, tenant_id=tenant_id, email=emails[role],
                                            password=PASSWORD, role=kind,
                                            display_name=OWNERS[owner])
                await conn.execute(
                    "UPDATE users SET owner_id = $1 WHERE tenant_id = $2 AND id = $3",
                    owners[owner], tenant_id, user_id)
    finally:
        await conn.close()
    return DashboardTenant(id=tenant_id, slug=slug, name=TENANT_NAME, owners=owners,
                           batches=batches, admin_email=emails["admin"],
                           reviewer_email=emails["reviewer"], bulk_email=emails["bulk"],
                           messages=messages)


async def _ids_by_name(conn: asyncpg.Connection, table: str, tenant_id: uuid.UUID,
                       names: dict[str, str]) -> dict[str, uuid.UUID]:
    rows = await conn.fetch(f"SELECT name, id FROM {table}"  # table: one of ours
                            " WHERE tenant_id = $1 AND name = ANY($2::text[])",
                            tenant_id, list(names.values()))
    found = {r["name"]: r["id"] for r in rows}
    assert len(rows) == len(found) == len(names), f"{table}: {sorted(found)} for {names}"
    return {key: found[name] for key, name in names.items()}


async def _named_messages(conn: asyncpg.Connection, tenant_id: uuid.UUID,
                          owners: dict[str, uuid.UUID]) -> dict[str, uuid.UUID]:
    """The one message of each NAMED contact (they belong to the planted owners)."""
    rows = await conn.fetch(
        """SELECT c.full_name, m.id FROM messages m
             JOIN contacts c ON c.tenant_id = m.tenant_id AND c.id = m.contact_id
            WHERE m.tenant_id = $1 AND c.full_name = ANY($2::text[])
              AND m.owner_id = ANY($3::uuid[])""",
        tenant_id, list(NAMED.values()), list(owners.values()))
    by_name = {r["full_name"]: r["id"] for r in rows}
    assert len(rows) == len(by_name) == len(NAMED), f"named messages: {sorted(by_name)}"
    return {key: by_name[name] for key, name in NAMED.items()}
