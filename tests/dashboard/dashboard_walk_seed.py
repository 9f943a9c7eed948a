"""The walk's two tenants, each migrated from a generated Airtable base by `migrate_snapshot`:

- the demo's: the base `leadgen demo` generates (its default size and seed), the customer's
  mapping (empty selects with a DDL default load as that default);
- a messy one: a generated base with more mess planted — companies without Status, a Tier
  that is not a choice of the field (a reject) — migrated with a mapping that keeps an empty
  Messages.Status as NULL (a mapping without `empty = "default"` there, as every mapping
  was before the rule), so the dashboard meets NULL selects.

Each gets a tenant admin (reviewing as the first owner) and three pipeline runs (running,
completed, failed) of its first batch, as the n8n workers leave them.
"""

from __future__ import annotations

import inspect
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import asyncpg

from leadgen.admin.tenants import create_tenant, create_user
from leadgen.airtable.generate import GeneratedBase, generate_base, write_generated
from leadgen.db.connect import admin_transaction
from leadgen.demo import demo
from leadgen.migrate.mapping import DEFAULT_PATH
from leadgen.migrate.run import migrate_snapshot

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "walk-the-whole-dashboard"
UNKNOWN_TIER = "Tier 0 - Diamond"  # not a choice of Companies.Tier: the cell is a reject


@dataclass
class WalkTenant:
    id: uuid.UUID
    slug: str
    email: str
    owner_id: uuid.UUID
    batches: list[uuid.UUID]
    runs: list[uuid.UUID]
    null_status_messages: list[uuid.UUID]
    report: dict[str, Any]
    password: str = PASSWORD


def demo_base() -> GeneratedBase:
    """The base `leadgen demo` generates, at its default size and seed."""
    params = inspect.signature(demo).parameters
    return generate_base(params["companies"].default, seed=params["seed"].default)


def _fields(base: GeneratedBase, table: str) -> tuple[list[dict[str, Any]], dict[str, str]]:
    t = next(t for t in base.schema["tables"] if t["name"] == table)
    return base.records[t["id"]], {f["name"]: f["id"] for f in t["fields"]}


def messy_base() -> GeneratedBase:
    """A generated base (its own mess: empty Message Status, broken JSON, formula errors…)
    with companies whose Status is empty and one Tier that is no choice of the field."""
    base = generate_base(30, seed=16)
    companies, ids = _fields(base, "Companies")
    for rec in companies[:4]:
        rec["fields"].pop(ids["Status"], None)
    companies[4]["fields"][ids["Tier"]] = UNKNOWN_TIER
    return base


def null_status_mapping(root: Path) -> Path:
    """The customer's mapping, but an empty Messages.Status loads as NULL."""
    text = (ROOT / "src/leadgen/migrate/mappings" / DEFAULT_PATH).read_text("utf-8")
    old = '"Status" = { kind = "enum", column = "status", empty = "default" }'
    assert text.count(old) == 1, "the Messages.Status entry changed; update the walk"
    path = root / "null-status.toml"
    path.write_text(text.replace(old, '"Status" = { kind = "enum", column = "status" }'),
                    "utf-8")
    return path


async def seed_walk_tenant(url: str, slug: str, root: Path, base: GeneratedBase,
                           mapping: Path | None = None) -> WalkTenant:
    snapshot = root / "snapshot"
    write_generated(snapshot, base)
    conn = await asyncpg.connect(url)
    try:
        async with admin_transaction(conn, actor="test-seed"):
            tenant_id = await create_tenant(conn, slug=slug, name=f"Walk {slug}")
        report = (await migrate_snapshot(url, snapshot, slug, mapping=mapping,
                                         max_rejects=10**6)).as_json()
        assert report["unaccounted"] == 0
        email = f"admin@{slug}.test"
        async with admin_transaction(conn, actor="test-seed"):
            owner_id = await conn.fetchval(
                "SELECT id FROM owners WHERE tenant_id = $1 ORDER BY name, id LIMIT 1",
                tenant_id)
            user_id = await create_user(conn, tenant_id=tenant_id, email=email,
                                        password=PASSWORD, role="tenant_admin",
                                        display_name="Walk admin")
            await conn.execute("UPDATE users SET owner_id = $1 WHERE tenant_id = $2 AND id = $3",
                               owner_id, tenant_id, user_id)
            batches = [r["id"] for r in await conn.fetch(
                "SELECT id FROM batches WHERE tenant_id = $1 ORDER BY name", tenant_id)]
            runs = [r["id"] for r in await conn.fetch(
                """INSERT INTO pipeline_runs (tenant_id, batch_id, owner_id, execution_id, status,
                     l1_total, l1_done, l2_total, l2_done, person_total, person_done, cost_usd,
                     completed_at, config)
                   SELECT $1, $2, $3, 'exec-' || s, s, 10, 10, 6, 3, 20, 7, 1.25,
                          CASE WHEN s = 'running' THEN NULL ELSE now() END,
                          CASE WHEN s = 'failed' THEN '{"error": "L2 timed out"}'::jsonb
                               ELSE '{}'::jsonb END
                     FROM unnest(ARRAY['running', 'completed', 'failed']) AS s
                   RETURNING id""", tenant_id, batches[0], owner_id)]
            nulls = [r["id"] for r in await conn.fetch(
                "SELECT id FROM messages WHERE tenant_id = $1 AND status IS NULL ORDER BY id",
                tenant_id)]
    finally:
        await conn.close()
    return WalkTenant(id=tenant_id, slug=slug, email=email, owner_id=owner_id, batches=batches,
                      runs=runs, null_status_messages=nulls, report=report)
