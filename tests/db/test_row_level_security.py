"""Tenant isolation as the application role: every tenant table, every way in."""

from __future__ import annotations

import asyncpg
import pytest

from leadgen.db import tables
from leadgen.db.citus_cluster import has_citus
from leadgen.db.connect import APP_ROLE, tenant_transaction
from leadgen.db.distribute import REFERENCE_TABLES
from support.tenants import TENANT_TABLES, SeededTenant


@pytest.fixture
async def app_conn(app_url: str) -> asyncpg.Connection:
    conn = await asyncpg.connect(app_url)
    yield conn
    await conn.close()


async def _count_all(url: str, table: str, tenant: SeededTenant) -> int:
    conn = await asyncpg.connect(url)
    try:
        async with tenant_transaction(conn, tenant.id):
            return int(await conn.fetchval(f"SELECT count(*) FROM {table}"))
    finally:
        await conn.close()


async def test_app_role_cannot_bypass_rls(app_conn: asyncpg.Connection) -> None:
    row = await app_conn.fetchrow(
        "SELECT current_user AS who, rolsuper, rolbypassrls FROM pg_roles "
        "WHERE rolname = current_user"
    )
    assert row["who"] == APP_ROLE
    assert row["rolsuper"] is False and row["rolbypassrls"] is False
    owned = await app_conn.fetchval(
        "SELECT count(*) FROM pg_class WHERE relowner = (SELECT oid FROM pg_roles "
        "WHERE rolname = current_user)"
    )
    assert owned == 0


async def test_every_tenant_table_has_forced_rls(app_conn: asyncpg.Connection) -> None:
    rows = await app_conn.fetch(
        """SELECT c.relname, c.relrowsecurity, c.relforcerowsecurity, r.rolname AS owner
           FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
           JOIN pg_roles r ON r.oid = c.relowner
           WHERE n.nspname = 'public' AND c.relkind = 'r'
             AND EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid
                         AND a.attname = 'tenant_id' AND NOT a.attisdropped)"""
    )
    by_name = {r["relname"]: r for r in rows}
    assert set(by_name) == set(tables.TENANT_TABLES)  # every one, and no other
    assert set(TENANT_TABLES) <= set(by_name)
    for name, row in by_name.items():
        assert row["relrowsecurity"] and row["relforcerowsecurity"], name
        assert row["owner"] == "leadgen_owner", name
    tenants = await app_conn.fetchrow(
        "SELECT relrowsecurity, relforcerowsecurity FROM pg_class WHERE relname = 'tenants'"
    )
    assert tenants["relrowsecurity"] and tenants["relforcerowsecurity"]


async def test_every_tenant_column_is_not_null(app_conn: asyncpg.Connection) -> None:
    nullable = await app_conn.fetch(
        """SELECT table_name FROM information_schema.columns
           WHERE table_schema = 'public' AND column_name = 'tenant_id' AND is_nullable = 'YES'"""
    )
    assert nullable == []


@pytest.mark.parametrize("table", TENANT_TABLES)
async def test_tenant_cannot_see_update_or_delete_another(
    table: str, two_tenants: tuple[SeededTenant, SeededTenant], app_conn: asyncpg.Connection,
    database_url: str,
) -> None:
    a, b = two_tenants
    before = await _count_all(database_url, table, b)
    assert before >= 1
    async with tenant_transaction(app_conn, a.id):
        assert await app_conn.fetchval(f"SELECT count(*) FROM {table} WHERE tenant_id = $1",
                                       b.id) == 0
        others = await app_conn.fetchval(f"SELECT count(*) FROM {table} WHERE tenant_id <> $1",
                                         a.id)
        assert others == 0
    if table == "audit_log":
        # Append-only for the application: no UPDATE or DELETE at all.
        for stmt in (f"UPDATE {table} SET event = 'x'", f"DELETE FROM {table}"):
            with pytest.raises(asyncpg.InsufficientPrivilegeError):
                async with tenant_transaction(app_conn, a.id):
                    await app_conn.execute(stmt)
    elif await has_citus(app_conn) and table not in REFERENCE_TABLES:
        # Citus refuses any write to the distribution column ("modifying the partition value
        # of rows is not allowed"), before RLS is asked: nothing can be moved into B at all.
        async with tenant_transaction(app_conn, a.id):
            deleted = await app_conn.execute(f"DELETE FROM {table} WHERE tenant_id = $1", b.id)
            assert deleted.endswith(" 0")
            for target in (b.id, a.id):
                with pytest.raises(asyncpg.FeatureNotSupportedError, match="partition value"):
                    async with app_conn.transaction():
                        await app_conn.execute(f"UPDATE {table} SET tenant_id = $1", target)
    else:
        async with tenant_transaction(app_conn, a.id):
            updated = await app_conn.execute(
                f"UPDATE {table} SET tenant_id = tenant_id WHERE tenant_id = $1", b.id)
            deleted = await app_conn.execute(f"DELETE FROM {table} WHERE tenant_id = $1", b.id)
            assert updated.endswith(" 0") and deleted.endswith(" 0")
            # Moving an own row into B is refused by WITH CHECK.
            with pytest.raises(asyncpg.InsufficientPrivilegeError):
                async with app_conn.transaction():
                    await app_conn.execute(f"UPDATE {table} SET tenant_id = $1", b.id)
    assert await _count_all(database_url, table, b) == before


@pytest.mark.parametrize("table", tables.TENANT_TABLES)
async def test_no_tenant_set_fails_loudly(table: str, app_conn: asyncpg.Connection) -> None:
    with pytest.raises(asyncpg.PostgresError, match="no tenant set"):
        async with app_conn.transaction():
            await app_conn.fetch(f"SELECT * FROM {table} LIMIT 1")
    # And after an earlier SET LOCAL in the same session (the GUC is then '' rather than unset).
    async with app_conn.transaction():
        await app_conn.execute("SET LOCAL app.tenant_id = '00000000-0000-0000-0000-000000000000'")
    with pytest.raises(asyncpg.PostgresError, match="no tenant set"):
        await app_conn.fetch(f"SELECT * FROM {table} LIMIT 1")


async def test_inserting_into_another_tenant_is_refused(
    two_tenants: tuple[SeededTenant, SeededTenant], app_conn: asyncpg.Connection
) -> None:
    a, b = two_tenants
    with pytest.raises(asyncpg.InsufficientPrivilegeError):
        async with tenant_transaction(app_conn, a.id):
            await app_conn.execute(
                "INSERT INTO owners (tenant_id, name) VALUES ($1, 'intruder')", b.id)


# Each row references B's rows from tenant A: the composite foreign keys refuse all of them.
# (An INSERT … SELECT takes its tenant's row from a table of the same tenant, so that on Citus
# it is one router statement, which reaches the foreign key check.)
CROSS_REFERENCES = [
    ("batches", "INSERT INTO batches (tenant_id, name, owner_id) VALUES ($1, 'x', $2)", "owners"),
    ("companies", "INSERT INTO companies (tenant_id, name, batch_id) VALUES ($1, 'x', $2)",
     "batches"),
    ("companies", "INSERT INTO companies (tenant_id, name, owner_id) VALUES ($1, 'x', $2)",
     "owners"),
    ("company_enrichment_l2",
     "INSERT INTO company_enrichment_l2 (tenant_id, company_id) VALUES ($1, $2)", "companies"),
    ("company_tags", "INSERT INTO company_tags (tenant_id, company_id, category, value) "
     "VALUES ($1, $2, 'pain_area', 'x')", "companies"),
    ("contacts", "INSERT INTO contacts (tenant_id, full_name, company_id) VALUES ($1, 'x', $2)",
     "companies"),
    ("contacts", "INSERT INTO contacts (tenant_id, full_name, owner_id) VALUES ($1, 'x', $2)",
     "owners"),
    ("contacts", "INSERT INTO contacts (tenant_id, full_name, batch_id) VALUES ($1, 'x', $2)",
     "batches"),
    ("contact_enrichment", "INSERT INTO contact_enrichment (tenant_id, contact_id) VALUES ($1, $2)",
     "contacts"),
    ("campaigns", "INSERT INTO campaigns (tenant_id, name, owner_id) VALUES ($1, 'x', $2)",
     "owners"),
    ("messages", "INSERT INTO messages (tenant_id, contact_id, channel, body) "
     "VALUES ($1, $2, 'email', 'x')", "contacts"),
    ("messages", "INSERT INTO messages (tenant_id, contact_id, channel, body, campaign_id) "
     "VALUES ($1, $3, 'email', 'x', $2)", "campaigns"),
    ("activities", "INSERT INTO activities (tenant_id, activity_name, contact_id) "
     "VALUES ($1, 'x', $2)", "contacts"),
    ("crm_events", "INSERT INTO crm_events (tenant_id, event_name, company_id) "
     "VALUES ($1, 'x', $2)", "companies"),
    ("crm_event_participants", "INSERT INTO crm_event_participants (tenant_id, crm_event_id, "
     "contact_id) SELECT e.tenant_id, e.id, $2 FROM crm_events e WHERE e.tenant_id = $1",
     "contacts"),
    ("tasks", "INSERT INTO tasks (tenant_id, task_name, owner_id) VALUES ($1, 'x', $2)", "owners"),
    ("task_contacts", "INSERT INTO task_contacts (tenant_id, task_id, contact_id) "
     "SELECT t.tenant_id, t.id, $2 FROM tasks t WHERE t.tenant_id = $1", "contacts"),
    ("task_activities", "INSERT INTO task_activities (tenant_id, task_id, activity_id) "
     "SELECT t.tenant_id, t.id, $2 FROM tasks t WHERE t.tenant_id = $1", "activities"),
    ("research_assets", "INSERT INTO research_assets (tenant_id, entity_type, entity_id, name) "
     "VALUES ($1, 'company', $2, 'x')", "companies"),
    ("research_assets", "INSERT INTO research_assets (tenant_id, entity_type, entity_id, name) "
     "VALUES ($1, 'contact', $2, 'x')", "contacts"),
    ("pipeline_runs", "INSERT INTO pipeline_runs (tenant_id, batch_id) VALUES ($1, $2)",
     "batches"),
    ("users", "INSERT INTO users (tenant_id, email, password_hash, role, owner_id) "
     "VALUES ($1, 'z@z.test', 'x', 'reviewer', $2)", "owners"),
]


@pytest.mark.parametrize(("table", "sql", "target"), CROSS_REFERENCES,
                         ids=[f"{t}->{g}" for t, _, g in CROSS_REFERENCES])
async def test_cannot_point_at_another_tenants_row(
    table: str, sql: str, target: str, two_tenants: tuple[SeededTenant, SeededTenant],
    app_conn: asyncpg.Connection,
) -> None:
    a, b = two_tenants
    with pytest.raises(asyncpg.ForeignKeyViolationError):
        async with tenant_transaction(app_conn, a.id):
            # $3, where used, is A's own contact (the row's other reference)
            extra = [a.ids["contacts"]] if "$3" in sql else []
            await app_conn.execute(sql, a.id, b.ids[target], *extra)


async def test_tenants_table_shows_only_own_tenant(
    two_tenants: tuple[SeededTenant, SeededTenant], app_conn: asyncpg.Connection
) -> None:
    a, b = two_tenants
    async with tenant_transaction(app_conn, a.id):
        rows = await app_conn.fetch("SELECT id FROM tenants")
        assert [r["id"] for r in rows] == [a.id]
        assert await app_conn.execute("UPDATE tenants SET name = 'x' WHERE id = $1",
                                      b.id) == "UPDATE 0"
    with pytest.raises(asyncpg.InsufficientPrivilegeError):
        async with tenant_transaction(app_conn, a.id):
            await app_conn.execute("INSERT INTO tenants (slug, name) VALUES ('evil', 'x')")
