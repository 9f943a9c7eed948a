"""A first load's INSERTs without row triggers: foreign keys checked in bulk, same result.

The loader turns row triggers off (session_replication_role = replica) for plain INSERTs
into tables the tenant has no rows in, streams them chunk by chunk, and then checks every
foreign key of those tables in one anti-join each (migration/foreign_keys.py). These tests
show the three things that make that safe: the result equals a load with per-row checks, a
dangling key is still refused (and nothing is kept), and only the owner role may do it.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection
from pathlib import Path
from typing import Any

import asyncpg
import pytest

import leadgen.migrate.load.setup as load_setup
import leadgen.migrate.load.stager as load_module
from leadgen.airtable.generate import write_generated
from leadgen.db.connect import admin_transaction, tenant_transaction
from leadgen.errors import DatabaseUnavailable
from leadgen.migrate import migrate_snapshot
from leadgen.migrate.load.foreign_keys import (
    REPLICA,
    bulk_checks_allowed,
    check_foreign_keys,
    foreign_keys,
)
from support.snapshots import canonical, dump, record_ids, tamper_first_row
from support.tenants import new_tenant


@pytest.fixture(scope="module")
def small_base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("bulk") / "snap"
    write_generated(root, companies=40, seed=5)
    return root


class KeyChecks:
    """Records what `check_foreign_keys` was asked to check (the fast path was taken)."""

    def __init__(self) -> None:
        self.tables: set[str] = set()
        self.early = 0  # calls made as tables completed, before the end
        self.checked: set[tuple[str, str]] = set()

    async def __call__(self, conn: asyncpg.Connection, tables: Collection[str],
                       tenant_id: uuid.UUID, **kwargs: Any) -> int:
        self.tables |= set(tables)
        self.early += kwargs.get("settled") is not None
        n = await check_foreign_keys(conn, tables, tenant_id, **kwargs)
        self.checked |= kwargs.get("checked") or set()
        return n


async def test_bulk_checked_first_load_equals_a_row_checked_one(
    database_url: str, small_base: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    checks = KeyChecks()
    monkeypatch.setattr(load_module, "check_foreign_keys", checks)
    fast_slug, fast_id = await new_tenant(database_url, "bulk")
    fast = await migrate_snapshot(database_url, small_base, fast_slug)
    assert {"companies", "contacts", "messages", "airtable_records"} <= checks.tables

    async def refused(conn: asyncpg.Connection) -> bool:
        return False

    monkeypatch.setattr(load_setup, "bulk_checks_allowed", refused)
    checks.tables.clear()
    slow_slug, slow_id = await new_tenant(database_url, "rowwise")
    slow = await migrate_snapshot(database_url, small_base, slow_slug)
    assert checks.tables == set()  # the per-row path: nothing left to check in bulk

    known = record_ids(small_base)
    assert await canonical(database_url, fast_id, known) == await canonical(
        database_url, slow_id, known)
    assert fast.cells == slow.cells and fast.unaccounted == 0
    assert fast.changed_rows == slow.changed_rows
    assert len(fast.rejects) == len(slow.rejects)


async def test_each_key_is_checked_once_most_as_their_tables_complete(
    database_url: str, small_base: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The keys of a table are checked as soon as it and its parents are complete (while the
    transform works on), the rest at the end: together, every key of every table inserted
    without row triggers."""
    checks = KeyChecks()
    monkeypatch.setattr(load_module, "check_foreign_keys", checks)
    slug, _ = await new_tenant(database_url, "early")
    await migrate_snapshot(database_url, small_base, slug)
    assert checks.early > 5
    conn = await asyncpg.connect(database_url)
    try:
        every = {(fk.child, fk.name) for fk in await foreign_keys(conn, checks.tables)}
    finally:
        await conn.close()
    assert checks.checked == every


async def test_a_dangling_key_is_refused_and_nothing_is_kept(
    database_url: str, small_base: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A transform bug that let a contact name a company that is not there: the bulk check
    stops the load as the foreign key's trigger would have, and the tenant stays empty."""
    ghost = uuid.uuid4()
    tamper_first_row(monkeypatch, "contacts", "company_id", ghost)
    slug, tenant_id = await new_tenant(database_url, "dangle")
    with pytest.raises(DatabaseUnavailable) as caught:
        await migrate_snapshot(database_url, small_base, slug)
    message = str(caught.value)
    assert "contacts_tenant_id_company_id_fkey" in message and str(ghost) in message
    assert "rolled back" in message and caught.value.exit_code == 4
    assert all(rows == [] for rows in (await dump(database_url, tenant_id)).values())


async def test_a_tenant_with_rows_of_its_own_keeps_them(
    database_url: str, small_base: Path
) -> None:
    """Rows the API wrote before the first migration: their tables take the upsert path
    (with row triggers), the others stream; the API's rows survive, a re-run is a no-op."""
    slug, tenant_id = await new_tenant(database_url, "mixed")
    conn = await asyncpg.connect(database_url)
    try:
        async with tenant_transaction(conn, tenant_id, role="leadgen_app"):
            company = await conn.fetchval(
                "INSERT INTO companies (tenant_id, name) VALUES ($1, 'Made In The App') "
                "RETURNING id", tenant_id)
            await conn.execute(
                "INSERT INTO contacts (tenant_id, full_name, company_id) "
                "VALUES ($1, 'App Person', $2)", tenant_id, company)
    finally:
        await conn.close()

    first = await migrate_snapshot(database_url, small_base, slug)
    again = await migrate_snapshot(database_url, small_base, slug)

    rows = await dump(database_url, tenant_id, ["companies", "contacts"])
    assert any('"Made In The App"' in r for r in rows["companies"])
    assert any('"App Person"' in r for r in rows["contacts"])
    assert len(rows["companies"]) == first.tables["Companies"]["loaded"] + 1
    assert sum(n for c in again.changed_rows.values() for n in c.values()) == 0


async def test_only_the_owner_may_turn_row_triggers_off(database_url: str) -> None:
    _, tenant_id = await new_tenant(database_url, "roles")
    conn = await asyncpg.connect(database_url)
    try:
        async with tenant_transaction(conn, tenant_id, role="leadgen_owner"):
            assert await bulk_checks_allowed(conn)
        async with tenant_transaction(conn, tenant_id, role="leadgen_app"):
            assert not await bulk_checks_allowed(conn)
            assert await conn.fetchval("SELECT 1") == 1  # the refusal left it usable
            with pytest.raises(asyncpg.InsufficientPrivilegeError):
                await conn.execute(REPLICA)
    finally:
        await conn.close()


async def test_the_bulk_check_reads_every_foreign_key(database_url: str) -> None:
    """The checks come from the catalog, so a key added by a later migration is checked
    too; composite keys keep their column order (MATCH SIMPLE: NULL means no check)."""
    _, tenant_id = await new_tenant(database_url, "catalog")
    conn = await asyncpg.connect(database_url)
    try:
        async with admin_transaction(conn):
            keys = {fk.name: fk for fk in await foreign_keys(conn, ["messages", "contacts"])}
            catalog = {r["conname"] for r in await conn.fetch(
                "SELECT conname FROM pg_constraint WHERE contype = 'f' "
                "AND conrelid IN ('messages'::regclass, 'contacts'::regclass)")}
        assert set(keys) == catalog
        fk = keys["messages_tenant_id_contact_id_fkey"]
        assert fk.child_columns == ("tenant_id", "contact_id")
        assert (fk.parent, fk.parent_columns) == ("contacts", ("tenant_id", "id"))

        async with tenant_transaction(conn, tenant_id, role="leadgen_owner"):
            await conn.execute(REPLICA)
            await conn.execute(
                "INSERT INTO contacts (tenant_id, full_name, company_id) VALUES ($1, 'x', NULL)",
                tenant_id)
            assert await check_foreign_keys(conn, ["contacts"], tenant_id) == len(
                [k for k in catalog if k.startswith("contacts_")])
            await conn.execute(
                "INSERT INTO contacts (tenant_id, full_name, owner_id) VALUES ($1, 'y', $2)",
                tenant_id, uuid.uuid4())
            with pytest.raises(DatabaseUnavailable, match="contacts_tenant_id_owner_id_fkey"):
                await check_foreign_keys(conn, ["contacts"], tenant_id)
            raise _Rollback
    except _Rollback:
        pass
    finally:
        await conn.close()


class _Rollback(Exception):
    """Leave the scratch rows behind by rolling back."""
