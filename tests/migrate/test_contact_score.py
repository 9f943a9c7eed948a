"""messages.contact_score (the review queue's sort key, copied from the contact) is right after
a migration, after a re-run that changes contacts' scores, and a no-op re-run changes nothing."""

from __future__ import annotations

import uuid
from pathlib import Path

import asyncpg

from leadgen.airtable.generate import write_generated
from leadgen.airtable.snapshot import Snapshot, write_snapshot
from leadgen.db.connect import admin_transaction
from leadgen.migrate import migrate_snapshot
from support.snapshots import dump, table_id
from support.tenants import new_tenant


async def scores(url: str, tenant_id: uuid.UUID) -> list[tuple[int | None, int | None]]:
    """(message's contact_score, its contact's contact_score) for every message."""
    conn = await asyncpg.connect(url)
    try:
        async with admin_transaction(conn):
            rows = await conn.fetch(
                "SELECT m.contact_score AS copied, c.contact_score AS own FROM messages m "
                "JOIN contacts c ON c.tenant_id = m.tenant_id AND c.id = m.contact_id "
                "WHERE m.tenant_id = $1", tenant_id)
    finally:
        await conn.close()
    return [(r["copied"], r["own"]) for r in rows]


def rescore(src: Path, dst: Path) -> int:
    """Copy `src` with every contact's Contact Score changed; returns how many changed."""
    snap = Snapshot.open(src)
    records = {t["id"]: snap.records(t["id"]) for t in snap.tables}
    contacts = table_id("Contacts")
    score = next(f["id"] for t in snap.tables if t["id"] == contacts for f in t["fields"]
                 if f["name"] == "Contact Score")
    changed = 0
    for i, rec in enumerate(records[contacts]):
        old = rec["fields"].get(score)
        rec["fields"][score] = (old + 7) if isinstance(old, int) else 40 + i % 50
        changed += 1
    write_snapshot(dst, base_id=snap.base_id, base_name="rescored", schema=snap.schema,
                   records=records, exported_at="2025-03-01T00:00:00.000Z")
    return changed


async def test_every_message_carries_its_contacts_score(database_url: str,
                                                        tmp_path: Path) -> None:
    old, new = tmp_path / "old", tmp_path / "new"
    write_generated(old, companies=30, seed=41)
    assert rescore(old, new) > 0
    slug, tenant_id = await new_tenant(database_url, "score")

    await migrate_snapshot(database_url, old, slug)
    first = await scores(database_url, tenant_id)
    assert len(first) > 50
    assert any(own is not None for _, own in first)
    assert all(copied == own for copied, own in first)

    before = await dump(database_url, tenant_id, ["messages"])
    await migrate_snapshot(database_url, old, slug)  # no-op re-run: not one message changes
    assert await dump(database_url, tenant_id, ["messages"]) == before

    report = await migrate_snapshot(database_url, new, slug)
    after = await scores(database_url, tenant_id)
    assert report.changed_rows["contacts"]["upserted"] > 0
    assert len(after) == len(first)
    assert after != first
    assert all(copied == own for copied, own in after)
