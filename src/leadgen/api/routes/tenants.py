"""The tenant lifecycle for platform admins: overview, disable/enable, export, erase, open.

Everything runs on the admin path (leadgen_admin, BYPASSRLS) with the platform admin as the
audit actor; reviewers, tenant admins and API keys get 403 before anything is read. The same
operations are `leadgen tenant disable|enable|export|erase` on the command line.
"""

from __future__ import annotations

import io
import tarfile
import tempfile
from pathlib import Path
from typing import Any
from uuid import UUID

import asyncpg
from fastapi import APIRouter
from starlette.responses import Response

from leadgen.admin.tenant_export import export_tenant, export_transaction
from leadgen.admin.tenant_lifecycle import check_confirmation, erase, rows_per_tenant, set_active
from leadgen.api.auth import Principal
from leadgen.api.deps import PlatformAdmin, State, pooled
from leadgen.api.errors import ApiError, not_found
from leadgen.api.responses import json_response
from leadgen.api.routes import errors
from leadgen.api.schemas_records import EraseIn, ErasureReceipt, TenantOverviewRow, TenantRow
from leadgen.db.connect import admin_transaction
from leadgen.errors import ConfigError
from leadgen.sql import queries

router = APIRouter(prefix="/api/admin/tenants", tags=["admin"], responses=errors())


async def _tenant(conn: asyncpg.Connection, slug: str) -> asyncpg.Record:
    found: asyncpg.Record | None = await queries("tenant_lifecycle").tenant_by_slug(
        conn, slug=slug)
    if found is None:
        raise not_found("tenant")
    return found


def _not_own(who: Principal, tenant_id: UUID, doing: str) -> None:
    if tenant_id == who.tenant_id:
        raise ApiError(409, "conflict", f"you cannot {doing} your own tenant",
                       hint="sign in as a platform admin of another tenant")


@router.get("/overview", response_model=list[TenantOverviewRow])
async def overview(who: PlatformAdmin, state: State) -> Response:
    """Every tenant with its users, its rows over all tenant tables and its last activity."""
    async with state.admin_pool.acquire() as proxy:
        conn = pooled(proxy)
        async with admin_transaction(conn, actor=who.actor):
            sizes = await rows_per_tenant(conn)
            found = [dict(r) async for r in queries("api/tenants").tenant_overview(conn)]
    return json_response([{**r, "rows": sizes.get(r["id"], 0)} for r in found])


async def _toggle(slug: str, active: bool, who: Principal, state: State) -> Response:
    async with state.admin_pool.acquire() as proxy:
        conn = pooled(proxy)
        async with admin_transaction(conn, actor=who.actor):
            tenant = await _tenant(conn, slug)
            if not active:
                _not_own(who, tenant["id"], "disable")
            row = await set_active(conn, tenant["id"], active)
    return json_response(dict(row))


@router.post("/{slug}/disable", response_model=TenantRow)
async def disable(slug: str, who: PlatformAdmin, state: State) -> Response:
    """Disable a tenant: its sessions and API keys get 403 from their next request."""
    return await _toggle(slug, False, who, state)


@router.post("/{slug}/enable", response_model=TenantRow)
async def enable(slug: str, who: PlatformAdmin, state: State) -> Response:
    return await _toggle(slug, True, who, state)


TAR_GZ = {"application/gzip": {"schema": {"type": "string", "format": "binary"}}}


@router.get("/{slug}/export", response_class=Response, responses={
    200: {"content": TAR_GZ, "description": "the export directory as a .tar.gz"}})
async def export(slug: str, who: PlatformAdmin, state: State) -> Response:
    """The tenant's export (`leadgen tenant export`) as `<slug>.tar.gz`: unpack it and pass
    the directory to `leadgen tenant import --in`."""
    del who
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch) / slug
        async with state.admin_pool.acquire() as proxy:
            conn = pooled(proxy)
            async with export_transaction(conn):
                tenant = await _tenant(conn, slug)
                await export_tenant(conn, tenant["id"], folder)
        buffer = io.BytesIO()
        with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
            archive.add(folder, arcname=tenant["slug"])
    return Response(buffer.getvalue(), media_type="application/gzip", headers={
        "Content-Disposition": f'attachment; filename="{tenant["slug"]}.tar.gz"'})


@router.post("/{slug}/erase", response_model=ErasureReceipt)
async def erase_route(slug: str, body: EraseIn, who: PlatformAdmin, state: State) -> Response:
    """Erase the tenant (every table with tenant_id, then the tenant) once `confirm` repeats
    the slug; 400 otherwise, and nothing is removed. Returns the kept receipt."""
    try:
        check_confirmation(slug, body.confirm)
    except ConfigError as exc:
        raise ApiError(400, "confirmation_required", exc.message.replace("--confirm", "confirm"),
                       hint=exc.hint) from exc
    async with state.admin_pool.acquire() as proxy:
        conn = pooled(proxy)
        async with admin_transaction(conn, actor=who.actor):
            tenant = await _tenant(conn, slug)
            _not_own(who, tenant["id"], "erase")
            found: dict[str, Any] = await erase(conn, tenant["id"], who.actor)
    return json_response(found)


@router.post("/{slug}/open", response_model=TenantRow)
async def open_tenant(slug: str, who: PlatformAdmin, state: State) -> Response:
    """Work in this tenant's dashboard with the current session (the session's own tenant:
    back home). Recorded in the opened tenant's audit trail; a platform admin's signed-in
    session only, not an API key."""
    if who.session_hash is None:
        raise ApiError(409, "conflict", "only a signed-in session can open a tenant",
                       hint="sign in to the dashboard as a platform admin")
    async with state.admin_pool.acquire() as proxy:
        conn = pooled(proxy)
        async with admin_transaction(conn, actor=who.actor):
            tenant = await _tenant(conn, slug)
            if tenant["is_active"] is False:
                raise ApiError(409, "conflict", f"the tenant {slug!r} is disabled",
                               hint="enable it first")
            sql = queries("api/tenants")
            await sql.open_tenant(conn, token_hash=who.session_hash, tenant_id=tenant["id"])
            await sql.record_open(conn, tenant_id=tenant["id"], actor=who.actor)
    state.principals.drop(who.session_hash)
    return json_response(dict(tenant))
