"""Tenants for tests (any package): an empty one (`new_tenant`), or one with a row in every
tenant table (`seed_tenant`) for isolation tests."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

import asyncpg

from leadgen.admin.tenants import create_tenant
from leadgen.db import tables
from leadgen.db.connect import admin_transaction

# The tenant tables `seed_tenant` puts a row in, in the schema's order (leadgen.db.tables):
# all but those only a migration or a sync cycle writes.
TENANT_TABLES = [t for t in tables.TENANT_TABLES if t not in {
    "airtable_records", "migration_runs", "migration_rejects", "sync_state", "sync_cycles"}]


async def new_tenant(url: str, prefix: str = "t") -> tuple[str, uuid.UUID]:
    """An empty tenant with a unique slug `<prefix>-<hex>`; returns (slug, id)."""
    slug = f"{prefix}-{uuid.uuid4().hex[:8]}"
    conn = await asyncpg.connect(url)
    try:
        async with admin_transaction(conn):
            tenant_id = await create_tenant(conn, slug=slug, name=slug)
    finally:
        await conn.close()
    return slug, tenant_id


@dataclass
class SeededTenant:
    id: uuid.UUID
    slug: str
    ids: dict[str, uuid.UUID]


SEED_SQL = """
WITH t AS (SELECT $1::uuid AS tid),
o AS (INSERT INTO owners (id, tenant_id, name, email) SELECT $2, tid, 'Michal', $3 FROM t),
b AS (INSERT INTO batches (id, tenant_id, name, owner_id) SELECT $4, tid, 'batch-1', $2 FROM t),
co AS (INSERT INTO companies (id, tenant_id, name, batch_id, owner_id, tier)
       SELECT $5, tid, 'Acme', $4, $2, 'tier_1_platinum' FROM t),
l2 AS (INSERT INTO company_enrichment_l2 (tenant_id, company_id, company_intel)
       SELECT tid, $5, 'intel' FROM t),
tg AS (INSERT INTO company_tags (id, tenant_id, company_id, category, value)
       SELECT $6, tid, $5, 'pain_area', 'ops' FROM t),
ct AS (INSERT INTO contacts (id, tenant_id, company_id, owner_id, batch_id, full_name)
       SELECT $7, tid, $5, $2, $4, 'Jana Nováková' FROM t),
ce AS (INSERT INTO contact_enrichment (tenant_id, contact_id, person_summary)
       SELECT tid, $7, 'summary' FROM t),
ca AS (INSERT INTO campaigns (id, tenant_id, owner_id, name, batch_id)
       SELECT $8, tid, $2, 'Q1', $4 FROM t),
m AS (INSERT INTO messages (id, tenant_id, contact_id, owner_id, campaign_id, channel, body)
      SELECT $9, tid, $7, $2, $8, 'email', 'Hello' FROM t),
a AS (INSERT INTO activities (id, tenant_id, contact_id, owner_id, activity_name)
      SELECT $10, tid, $7, $2, 'visit' FROM t),
e AS (INSERT INTO crm_events (id, tenant_id, event_name, company_id, created_by)
      SELECT $11, tid, 'Demo', $5, $2 FROM t),
ep AS (INSERT INTO crm_event_participants (tenant_id, crm_event_id, contact_id)
       SELECT tid, $11, $7 FROM t),
tk AS (INSERT INTO tasks (id, tenant_id, task_name, owner_id) SELECT $12, tid, 'Call', $2 FROM t),
tc AS (INSERT INTO task_contacts (tenant_id, task_id, contact_id) SELECT tid, $12, $7 FROM t),
ta AS (INSERT INTO task_activities (tenant_id, task_id, activity_id) SELECT tid, $12, $10 FROM t),
r AS (INSERT INTO research_assets (id, tenant_id, entity_type, entity_id, name)
      SELECT $13, tid, 'company', $5, 'Research' FROM t),
p AS (INSERT INTO pipeline_runs (id, tenant_id, batch_id, owner_id) SELECT $14, tid, $4, $2 FROM t),
al AS (INSERT INTO audit_log (id, tenant_id, table_name, entity_id, event)
       SELECT $15, tid, 'companies', $5, 'seed' FROM t),
u AS (INSERT INTO users (id, tenant_id, email, password_hash, role)
      SELECT $16, tid, $17, 'x', 'reviewer' FROM t),
ak AS (INSERT INTO api_keys (id, tenant_id, name, prefix, secret_hash)
       SELECT $18, tid, 'n8n', $19, '\\x00'::bytea FROM t)
SELECT 1
"""


async def seed_tenant(url: str, slug: str) -> SeededTenant:
    conn = await asyncpg.connect(url)
    try:
        async with admin_transaction(conn):
            tid = await conn.fetchval(
                "INSERT INTO tenants (slug, name) VALUES ($1, $1) RETURNING id", slug
            )
            ids = {name: uuid.uuid4() for name in (
                "owners", "batches", "companies", "company_tags", "contacts", "campaigns",
                "messages", "activities", "crm_events", "tasks", "research_assets",
                "pipeline_runs", "audit_log", "users", "api_keys")}
            await conn.execute(
                SEED_SQL, tid, ids["owners"], f"michal@{slug}.test", ids["batches"],
                ids["companies"], ids["company_tags"], ids["contacts"], ids["campaigns"],
                ids["messages"], ids["activities"], ids["crm_events"], ids["tasks"],
                ids["research_assets"], ids["pipeline_runs"], ids["audit_log"], ids["users"],
                f"user@{slug}.test", ids["api_keys"], uuid.uuid4().hex[:12],
            )
            await conn.execute(
                """INSERT INTO sessions (token_hash, tenant_id, user_id, expires_at)
                   VALUES ($1, $2, $3, now() + interval '1 day')""",
                uuid.uuid4().bytes, tid, ids["users"],
            )
        return SeededTenant(tid, slug, ids)
    finally:
        await conn.close()


async def add_messages(url: str, tenant: SeededTenant, scores: list[int | None]) -> list[str]:
    """One contact per score (under the seeded company/owner), one draft message each."""
    conn = await asyncpg.connect(url)
    ids = []
    try:
        async with admin_transaction(conn):
            for score in scores:
                contact = await conn.fetchval(
                    """INSERT INTO contacts (tenant_id, company_id, owner_id, batch_id, full_name,
                       contact_score) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id""",
                    tenant.id, tenant.ids["companies"], tenant.ids["owners"],
                    tenant.ids["batches"], f"Person {score}", score)
                ids.append(str(await conn.fetchval(
                    """INSERT INTO messages (tenant_id, contact_id, owner_id, channel, body,
                       batch_id) VALUES ($1, $2, $3, 'email', 'Hi', $4) RETURNING id""",
                    tenant.id, contact, tenant.ids["owners"], tenant.ids["batches"])))
    finally:
        await conn.close()
    return ids
