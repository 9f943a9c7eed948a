"""Administration: tenants (platform admin, admin path) and a tenant's users (tenant admin)."""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter
from starlette.responses import Response

from leadgen.admin.tenants import create_tenant, create_user
from leadgen.api.deps import PlatformAdmin, State, TenantAdmin, TenantConn, pooled
from leadgen.api.errors import ApiError, forbidden, not_found
from leadgen.api.responses import json_response, rows
from leadgen.api.routes import errors
from leadgen.api.schemas_records import TenantIn, TenantRow, UserIn, UserPatch, UserRow
from leadgen.db.connect import admin_transaction
from leadgen.errors import ConfigError
from leadgen.sql import queries

router = APIRouter(prefix="/api", tags=["admin"], responses=errors())
sql = queries("api/admin")


@router.get("/admin/tenants", response_model=list[TenantRow])
async def list_tenants(who: PlatformAdmin, state: State) -> Response:
    async with state.admin_pool.acquire() as proxy:
        conn = pooled(proxy)
        async with admin_transaction(conn, actor=who.actor):
            return json_response(await rows(sql.list_tenants(conn)))


@router.post("/admin/tenants", response_model=TenantRow, status_code=201)
async def add_tenant(body: TenantIn, who: PlatformAdmin, state: State) -> Response:
    """Create a tenant (the platform path: leadgen_admin, audited by actor)."""
    async with state.admin_pool.acquire() as proxy:
        conn = pooled(proxy)
        async with admin_transaction(conn, actor=who.actor):
            try:
                tenant_id = await create_tenant(conn, slug=body.slug, name=body.name)
            except ConfigError as exc:
                status, code = ((409, "conflict") if "exists" in exc.message
                                else (422, "invalid_slug"))
                raise ApiError(status, code, exc.message, hint=exc.hint) from exc
            row = await sql.tenant_row(conn, tenant_id=tenant_id)
    return json_response(dict(row), status=201)


@router.get("/users", response_model=list[UserRow])
async def list_users(conn: TenantConn, who: TenantAdmin) -> Response:
    return json_response(await rows(sql.list_users(conn, tenant_id=who.tenant_id)))


@router.post("/users", response_model=UserRow, status_code=201)
async def add_user(body: UserIn, conn: TenantConn, who: TenantAdmin) -> Response:
    if body.role == "platform_admin" and who.role != "platform_admin":
        raise forbidden("only a platform admin can create platform admins")
    try:
        user_id = await create_user(conn, tenant_id=who.tenant_id, email=body.email,
                                    password=body.password, role=body.role,
                                    display_name=body.display_name)
    except ConfigError as exc:
        status, code = (409, "conflict") if "exists" in exc.message else (422, "invalid_user")
        raise ApiError(status, code, exc.message, hint=exc.hint) from exc
    if body.owner_id is not None:
        await sql.set_user_owner(conn, tenant_id=who.tenant_id, user_id=user_id,
                                 owner_id=body.owner_id)
    return json_response(dict(await sql.user_row(conn, tenant_id=who.tenant_id,
                                                 user_id=user_id)), status=201)


@router.patch("/users/{user_id}", response_model=UserRow)
async def edit_user(user_id: UUID, body: UserPatch, conn: TenantConn,
                    who: TenantAdmin) -> Response:
    """Change role, active flag, name or owner; deactivating ends the user's sessions."""
    current = await sql.user_row(conn, tenant_id=who.tenant_id, user_id=user_id)
    if current is None:
        raise not_found("user")
    promoting = body.role == "platform_admin" and current["role"] != "platform_admin"
    if (promoting or current["role"] == "platform_admin") and who.role != "platform_admin":
        raise forbidden("only a platform admin can change platform admins")
    if user_id == who.id and (body.is_active is False or
                              (body.role is not None and body.role != current["role"])):
        raise ApiError(409, "conflict", "you cannot deactivate or demote yourself",
                       hint="ask another admin")
    fields = body.model_fields_set
    row = await sql.update_user(
        conn, tenant_id=who.tenant_id, user_id=user_id, role=body.role,
        is_active=body.is_active, set_display_name="display_name" in fields,
        display_name=body.display_name, set_owner="owner_id" in fields, owner_id=body.owner_id,
    )
    if body.is_active is False or (body.role is not None and body.role != current["role"]):
        await sql.end_user_sessions(conn, tenant_id=who.tenant_id, user_id=user_id)
    return json_response(dict(row))
