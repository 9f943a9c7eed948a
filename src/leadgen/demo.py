"""`leadgen demo`: the whole story on one machine.

Today: the embedded PostgreSQL (unless DATABASE_URL is set), the schema, a demo tenant.
Each stage adds its step here as it lands.
"""

from __future__ import annotations

import asyncio

from rich.console import Console

from leadgen.admin.tenants import ensure_tenant
from leadgen.db import migrate
from leadgen.db.connect import admin_transaction, connect, database_url
from leadgen.settings import get_settings

DEMO_SLUG = "demo"
DEMO_NAME = "VisionVolve (demo)"


async def _prepare_database(url: str) -> tuple[list[str], str]:
    applied = [f"{m.version}_{m.name}" for m in await migrate.upgrade(url)]
    conn = await connect(url)
    try:
        async with admin_transaction(conn, actor="demo"):
            tenant_id = await ensure_tenant(conn, slug=DEMO_SLUG, name=DEMO_NAME)
    finally:
        await conn.close()
    return applied, str(tenant_id)


def demo() -> None:
    """Run the whole story locally: database, schema, demo tenant (and each later stage)."""
    out = Console()
    settings = get_settings()
    where = "DATABASE_URL" if settings.database_url else "the embedded PostgreSQL"
    out.rule("[bold]leadgen demo")
    url = database_url(settings)
    out.print(f"database: {where} → {url}")
    applied, tenant_id = asyncio.run(_prepare_database(url))
    out.print(f"schema: {len(applied)} migration(s) applied" if applied else "schema: up to date")
    out.print(f"tenant: {DEMO_SLUG} ({tenant_id})")
