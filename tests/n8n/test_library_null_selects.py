"""The n8n queries on a company migrated from an empty Airtable Status (status NULL)."""

from __future__ import annotations

import uuid

import asyncpg
from n8n_expressions import evaluate_parameter
from n8n_runner import run_in_transaction

from leadgen.db.connect import admin_transaction
from leadgen.n8n.library import library_query
from support.tenants import seed_tenant


async def test_a_company_without_status_needs_no_stage(
    app_conn: asyncpg.Connection, database_url: str,
) -> None:
    """needs_l1/needs_l2 are booleans for every company (bug: NULL for a NULL status)."""
    tenant = await seed_tenant(database_url, f"n8n-null-{uuid.uuid4().hex[:6]}")
    conn = await asyncpg.connect(database_url)
    try:
        async with admin_transaction(conn):
            await conn.execute("UPDATE companies SET status = NULL, tier = NULL"
                               " WHERE tenant_id = $1", tenant.id)
    finally:
        await conn.close()
    item = {"tenant_id": str(tenant.id), "batch_name": "batch-1", "owner_name": "Michal"}

    async def step(name: str) -> list[dict[str, object]]:
        query = library_query(name)
        values = evaluate_parameter(query.query_replacement(), item)
        return await run_in_transaction(app_conn, query.n8n_query(), values)

    companies = await step("load_batch_companies")
    assert [(c["status"], c["needs_l1"], c["needs_l2"]) for c in companies] == [
        (None, False, False)]
    assert await step("batch_stats") == [{"status": None, "tier": None, "contacts": 1}]
