"""A first load COPYs straight into the tenant's empty tables as leadgen_loader (BYPASSRLS).

COPY cannot write a table under RLS, so the loader otherwise stages every row in a temp
table and INSERTs it from there (migration/direct_copy.py). These tests show what makes the
shortcut safe: the result equals a staged load, a copied row that names another tenant is
caught by the count under RLS (and nothing of either tenant changes), and the role can do
nothing but INSERT.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection
from pathlib import Path
from typing import Any

import asyncpg
import pytest

import leadgen.migrate.load.setup as load_setup
from leadgen.airtable.generate import write_generated
from leadgen.db.connect import admin_transaction, tenant_transaction, with_user
from leadgen.errors import DatabaseUnavailable
from leadgen.migrate import migrate_snapshot
from leadgen.migrate.load.direct_copy import LOADER_ROLE, loader_tables
from leadgen.migrate.load.stager import LOAD_ORDER, Stager
from support.snapshots import canonical, digest, dump, record_ids, tamper_first_row
from support.tenants import new_tenant

LOADED = (*LOAD_ORDER, "migration_rejects")


@pytest.fixture(scope="module")
def small_base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("direct") / "snap"
    write_generated(root, companies=40, seed=11)
    return root


def spy(tables: list[str]) -> Any:
    """Stager._copy_direct that records which tables were COPYed into as the loader."""
    real = Stager._copy_direct

    async def copy_direct(self: Stager, table: str, rows: Any) -> None:
        tables.append(table)
        await real(self, table, rows)

    return copy_direct


async def archive_and_rejects(url: str, tenant_id: uuid.UUID) -> tuple[int, int, int]:
    conn = await asyncpg.connect(url)
    try:
        async with admin_transaction(conn):
            return (
                await conn.fetchval(
                    "SELECT count(*) FROM airtable_records WHERE tenant_id = $1", tenant_id),
                await conn.fetchval(
                    "SELECT count(*) FROM migration_rejects WHERE tenant_id = $1", tenant_id),
                await conn.fetchval(  # every message carries its contact's score
                    "SELECT count(*) FROM messages m JOIN contacts c ON c.tenant_id = "
                    "m.tenant_id AND c.id = m.contact_id WHERE m.tenant_id = $1 AND "
                    "m.contact_score IS NOT DISTINCT FROM c.contact_score", tenant_id))
    finally:
        await conn.close()


async def test_a_direct_first_load_equals_a_staged_one(
    database_url: str, small_base: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    copied: list[str] = []
    monkeypatch.setattr(Stager, "_copy_direct", spy(copied))
    fast_slug, fast_id = await new_tenant(database_url, "direct")
    fast = await migrate_snapshot(database_url, small_base, fast_slug)
    assert {"companies", "contacts", "messages", "airtable_records",
            "migration_rejects"} <= set(copied)
    assert fast.rejects and fast.unaccounted == 0

    async def none(conn: asyncpg.Connection, tables: Collection[str]) -> set[str]:
        return set()

    monkeypatch.setattr(load_setup, "loader_tables", none)
    copied.clear()
    slow_slug, slow_id = await new_tenant(database_url, "staged")
    slow = await migrate_snapshot(database_url, small_base, slow_slug)
    assert copied == []  # every row went through the stage

    known = record_ids(small_base)
    assert await canonical(database_url, fast_id, known) == await canonical(
        database_url, slow_id, known)
    assert fast.cells == slow.cells and fast.changed_rows == slow.changed_rows
    fast_counts = await archive_and_rejects(database_url, fast_id)
    assert fast_counts == await archive_and_rejects(database_url, slow_id)
    assert fast_counts[2] == fast.tables["Messages"]["loaded"]

    # a re-run stages (the tenant has rows now) and changes nothing
    copied.clear()
    monkeypatch.undo()
    before = digest(await dump(database_url, fast_id))
    again = await migrate_snapshot(database_url, small_base, fast_slug)
    assert sum(n for c in again.changed_rows.values() for n in c.values()) == 0
    assert digest(await dump(database_url, fast_id)) == before


async def test_a_copied_row_of_another_tenant_is_caught_and_nothing_is_kept(
    database_url: str, small_base: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """RLS's WITH CHECK does not see a COPY as leadgen_loader: the count under RLS does. A
    transform bug that put another (existing) tenant's id on a tag row (nothing refers to
    it, so no foreign key check sees it) stops the run, and neither tenant changes."""
    _, other_id = await new_tenant(database_url, "victim")
    other_before = digest(await dump(database_url, other_id))
    tamper_first_row(monkeypatch, "company_tags", "tenant_id", other_id)
    slug, tenant_id = await new_tenant(database_url, "misfiled")
    with pytest.raises(DatabaseUnavailable) as caught:
        await migrate_snapshot(database_url, small_base, slug)
    message = str(caught.value)
    assert "copied into company_tags" in message and "rolled back" in message
    assert caught.value.exit_code == 4
    assert all(rows == [] for rows in (await dump(database_url, tenant_id)).values())
    assert digest(await dump(database_url, other_id)) == other_before


async def test_the_loader_role_may_only_insert(database_url: str) -> None:
    conn = await asyncpg.connect(database_url)
    try:
        role = await conn.fetchrow(
            "SELECT rolbypassrls, rolcanlogin, rolsuper FROM pg_roles WHERE rolname = $1",
            LOADER_ROLE)
        assert role is not None and role["rolbypassrls"]
        assert not role["rolcanlogin"] and not role["rolsuper"]
        for table in LOADED:
            privileges = {p: await conn.fetchval(
                "SELECT has_table_privilege($1, $2, $3)", LOADER_ROLE, table, p)
                for p in ("INSERT", "SELECT", "UPDATE", "DELETE", "TRUNCATE")}
            assert privileges == {"INSERT": True, "SELECT": False, "UPDATE": False,
                                  "DELETE": False, "TRUNCATE": False}, table
        # the API's role cannot become it
        assert not await conn.fetchval(
            "SELECT pg_has_role('leadgen_app', $1, 'MEMBER')", LOADER_ROLE)
        _, tenant_id = await new_tenant(database_url, "loader")
        async with tenant_transaction(conn, tenant_id, role="leadgen_owner"):
            assert await loader_tables(conn, LOADED) == set(LOADED)
            await conn.execute(f"SET LOCAL ROLE {LOADER_ROLE}")
            with pytest.raises(asyncpg.InsufficientPrivilegeError):
                await conn.fetch("SELECT * FROM companies LIMIT 1")
    finally:
        await conn.close()


async def test_a_session_that_may_not_become_the_loader_stages(database_url: str) -> None:
    """loader_tables asks for everything the COPY needs: a session user that is not a member
    of leadgen_loader (here the API's login role), or a table the loader holds no grant on,
    gets the stage."""
    _, tenant_id = await new_tenant(database_url, "norole")
    app = await asyncpg.connect(with_user(database_url, "leadgen_app"))
    try:
        async with tenant_transaction(app, tenant_id):
            assert await loader_tables(app, LOADED) == set()
    finally:
        await app.close()
    conn = await asyncpg.connect(database_url)
    try:
        async with tenant_transaction(conn, tenant_id, role="leadgen_owner"):
            assert await loader_tables(conn, ["tenants", "companies"]) == {"companies"}
    finally:
        await conn.close()
