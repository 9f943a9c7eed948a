"""Batch statistics: every select may be empty (NULL) after a migration, and the stats say so."""

from __future__ import annotations

import uuid

import asyncpg
import httpx
import pytest
from fastapi import FastAPI

from leadgen.db.connect import admin_transaction
from support.api import login, make_user
from support.tenants import SeededTenant


@pytest.fixture(scope="module")
async def reviewer(api: FastAPI, database_url: str,
                   seeded: tuple[SeededTenant, SeededTenant]) -> httpx.AsyncClient:
    email = await make_user(database_url, seeded[0].id, "reviewer", seeded[0].ids["owners"])
    return await login(api, email)


async def _null_selects(url: str, tenant: SeededTenant) -> int:
    """A second message of the seeded batch and the seeded company with no status; the
    batch's message count."""
    conn = await asyncpg.connect(url)
    try:
        async with admin_transaction(conn):
            contact = await conn.fetchval(
                """INSERT INTO contacts (tenant_id, company_id, owner_id, batch_id, full_name)
                   VALUES ($1, $2, $3, $4, 'No Status') RETURNING id""",
                tenant.id, tenant.ids["companies"], tenant.ids["owners"], tenant.ids["batches"])
            await conn.execute(
                """INSERT INTO messages (tenant_id, contact_id, owner_id, channel, body,
                   batch_id, status) VALUES ($1, $2, $3, 'email', 'Hi', $4, NULL)""",
                tenant.id, contact, tenant.ids["owners"], tenant.ids["batches"])
            await conn.execute("UPDATE companies SET status = NULL, tier = NULL"
                               " WHERE tenant_id = $1 AND id = $2",
                               tenant.id, tenant.ids["companies"])
            total: int = await conn.fetchval(
                "SELECT count(*) FROM messages WHERE tenant_id = $1 AND batch_id = $2",
                tenant.id, tenant.ids["batches"])
    finally:
        await conn.close()
    return total


async def test_stats_count_messages_and_companies_without_a_status(
    api: FastAPI, database_url: str, seeded: tuple[SeededTenant, SeededTenant],
    reviewer: httpx.AsyncClient,
) -> None:
    """An empty Airtable Status loads as NULL (bug: json_object_agg refused the NULL key, 422)."""
    tenant = seeded[0]
    total = await _null_selects(database_url, tenant)
    response = await reviewer.get(f"/api/batches/{tenant.ids['batches']}/stats")
    assert response.status_code == 200, response.text
    stats = response.json()
    by_status = stats["messages_by_status"]
    assert by_status.get("none") == 1, by_status
    assert sum(by_status.values()) == total
    companies = stats["companies_by_status_tier"]
    assert {"status": None, "tier": None, "count": 1} in companies
    assert stats["funnel"]["with_messages"] >= 1


async def test_stats_of_another_tenants_batch_is_404(
    reviewer: httpx.AsyncClient, seeded: tuple[SeededTenant, SeededTenant],
) -> None:
    response = await reviewer.get(f"/api/batches/{seeded[1].ids['batches']}/stats")
    assert response.status_code == 404
    assert (await reviewer.get(f"/api/batches/{uuid.uuid4()}/stats")).status_code == 404
