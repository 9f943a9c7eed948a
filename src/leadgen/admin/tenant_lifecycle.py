"""Disable, enable and erase a tenant (the admin path; export and import have their modules)."""

from __future__ import annotations

import json
from typing import Any
from uuid import UUID

import asyncpg

from leadgen.db.connect import quoted_identifier
from leadgen.errors import ConfigError
from leadgen.sql import queries


async def set_active(conn: asyncpg.Connection, tenant_id: UUID, active: bool) -> asyncpg.Record:
    """Disable or enable a tenant. A disabled tenant's sessions and API keys are refused on
    their next request (migration 0023 re-checks `tenants.is_active` on every request, cached
    principal or not); its rows are untouched."""
    row: asyncpg.Record = await queries("tenant_lifecycle").set_tenant_active(
        conn, tenant_id=tenant_id, is_active=active)
    return row


def check_confirmation(slug: str, confirm: str | None) -> None:
    """Erasing needs the slug typed a second time; anything else refuses (exit 2, HTTP 400)."""
    if confirm is None:
        raise ConfigError(f"erasing {slug!r} needs --confirm {slug}",
                          hint="erasing cannot be undone: export the tenant first; "
                               "nothing was removed")
    if confirm != slug:
        raise ConfigError(f"--confirm {confirm!r} does not name the tenant {slug!r}",
                          hint=f"type the slug exactly: --confirm {slug}; nothing was removed")


async def erase(conn: asyncpg.Connection, tenant_id: UUID, actor: str) -> dict[str, Any]:
    """Remove every row of the tenant and the tenant itself (migration 0060, inside the
    caller's transaction) and return the receipt kept in `tenant_erasures`."""
    row = await queries("tenant_lifecycle").erase_tenant(conn, tenant_id=tenant_id, actor=actor)
    return receipt(row)


def receipt(row: asyncpg.Record) -> dict[str, Any]:
    counts = row["row_counts"]
    return {
        "id": str(row["id"]), "tenant_id": str(row["erased_tenant_id"]), "slug": row["slug"],
        "erased_at": row["erased_at"].isoformat(), "erased_by": row["erased_by"],
        "row_counts": json.loads(counts) if isinstance(counts, str) else counts,
    }


async def rows_per_tenant(conn: asyncpg.Connection) -> dict[UUID, int]:
    """Every tenant's rows over every table with tenant_id (the catalog's list): one scan of
    each table, so meant for a page of tenants, not for every request. Admin path."""
    tables = [r["table_name"] async for r in queries("tenant_lifecycle").tenant_tables(conn)]
    if not tables:
        return {}
    parts = " UNION ALL ".join(
        f"SELECT tenant_id, count(*) AS n FROM {quoted_identifier(t)} GROUP BY tenant_id"
        for t in tables)
    found = await conn.fetch(f"SELECT tenant_id, sum(n)::bigint FROM ({parts}) x GROUP BY 1")
    return {r[0]: r[1] for r in found}
