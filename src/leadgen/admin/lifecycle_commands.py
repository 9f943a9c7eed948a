"""`leadgen tenant disable|enable|export|import|erase`: a tenant's life after onboarding.

Exit codes as everywhere (leadgen.errors): 2 for refused input (an erase without the right
`--confirm`, an import of a tenant that exists or of a changed file), 8 for an unknown slug.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Annotated, Any, TypeVar

import asyncpg
import typer

from leadgen.admin.tenant_export import export_tenant, export_transaction
from leadgen.admin.tenant_import import import_tenant
from leadgen.admin.tenant_lifecycle import check_confirmation, erase, set_active
from leadgen.admin.tenants import tenant_id_for
from leadgen.db.connect import admin_transaction, connect, database_url
from leadgen.terminal import console

T = TypeVar("T")
Tenant = Annotated[str, typer.Option("--tenant", help="tenant slug")]
out = console()


def _run(work: Callable[[asyncpg.Connection], Awaitable[T]]) -> T:
    async def run() -> T:
        conn = await connect(database_url())
        try:
            return await work(conn)
        finally:
            await conn.close()

    return asyncio.run(run())


def _toggle(slug: str, active: bool) -> None:
    async def work(conn: asyncpg.Connection) -> None:
        async with admin_transaction(conn, actor="cli"):
            await set_active(conn, await tenant_id_for(conn, slug), active)

    _run(work)
    out.print(f"{'enabled' if active else 'disabled'} tenant {slug}")


def tenant_disable(tenant: Tenant) -> None:
    """Disable a tenant: its sessions and API keys get 403 from their next request on; its
    data stays. `leadgen tenant enable` undoes it."""
    _toggle(tenant, False)


def tenant_enable(tenant: Tenant) -> None:
    """Enable a disabled tenant again."""
    _toggle(tenant, True)


def tenant_export(
    tenant: Tenant,
    out_dir: Annotated[Path, typer.Option("--out", help="new or empty directory to write")],
) -> None:
    """Write every row the tenant owns (every table with tenant_id) with a manifest of row
    counts and sha256 digests; no password hashes, sessions or API keys (docs/tenancy.md)."""

    async def work(conn: asyncpg.Connection) -> dict[str, Any]:
        async with export_transaction(conn):
            return await export_tenant(conn, await tenant_id_for(conn, tenant), out_dir)

    manifest = _run(work)
    rows = sum(t["rows"] for t in manifest["tables"])
    out.print(f"exported {tenant}: {rows} rows in {len(manifest['tables'])} tables to {out_dir}")


def tenant_import(
    in_dir: Annotated[Path, typer.Option("--in", help="a directory `tenant export` wrote")],
) -> None:
    """Recreate an exported tenant here (same id, slug and row ids); refuses a tenant that
    exists and a file whose digest differs from the manifest. Users must set a new password."""
    manifest = _run(lambda conn: import_tenant(conn, in_dir))
    rows = sum(t["rows"] for t in manifest["tables"])
    out.print(f"imported {manifest['tenant']['slug']} ({manifest['tenant']['id']}): {rows} rows, "
              "every table's digest equal to the export's")


def tenant_erase(
    tenant: Tenant,
    confirm: Annotated[str | None, typer.Option(help="the tenant's slug again")] = None,
) -> None:
    """Remove every row of the tenant in every table with tenant_id, and the tenant, in one
    transaction; prints the receipt kept in `tenant_erasures` (counts, no personal data)."""
    check_confirmation(tenant, confirm)

    async def work(conn: asyncpg.Connection) -> dict[str, Any]:
        async with admin_transaction(conn, actor="cli"):
            return await erase(conn, await tenant_id_for(conn, tenant), "cli")

    print(json.dumps(_run(work), indent=2))


def register(tenant_app: typer.Typer) -> None:
    """Add the commands to `leadgen tenant` (after create and list)."""
    tenant_app.command("disable")(tenant_disable)
    tenant_app.command("enable")(tenant_enable)
    tenant_app.command("export")(tenant_export)
    tenant_app.command("import")(tenant_import)
    tenant_app.command("erase")(tenant_erase)
