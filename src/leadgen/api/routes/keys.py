"""API keys for machine clients (shown once) and the tenant's settings (n8n webhook)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit
from uuid import UUID

import orjson
from fastapi import APIRouter
from starlette.responses import Response

from leadgen.admin.apikeys import create_api_key
from leadgen.api.deps import TenantAdmin, TenantConn
from leadgen.api.errors import ApiError, not_found
from leadgen.api.responses import json_response, rows
from leadgen.api.routes import errors
from leadgen.api.schemas_records import KeyIn, KeyRow, NewKeyOut, SettingsIn, SettingsOut
from leadgen.sql import queries

router = APIRouter(prefix="/api", tags=["admin"], responses=errors())
sql = queries("api/admin")


@router.get("/keys", response_model=list[KeyRow])
async def list_keys(conn: TenantConn, who: TenantAdmin) -> Response:
    return json_response(await rows(sql.list_keys(conn, tenant_id=who.tenant_id)))


@router.post("/keys", response_model=NewKeyOut, status_code=201)
async def add_key(body: KeyIn, conn: TenantConn, who: TenantAdmin) -> Response:
    """Create a machine key; the response is the only time the key itself is shown."""
    key_id, new = await create_api_key(conn, tenant_id=who.tenant_id, name=body.name,
                                       role="machine", created_by=who.actor)
    row = dict(await sql.key_row(conn, tenant_id=who.tenant_id, key_id=key_id))
    return json_response(row | {"key": new.key}, status=201)


@router.delete("/keys/{key_id}", status_code=204, response_class=Response)
async def revoke_key(key_id: UUID, conn: TenantConn, who: TenantAdmin) -> Response:
    if await sql.revoke_key(conn, tenant_id=who.tenant_id, key_id=key_id) is None:
        raise not_found("API key")
    return Response(status_code=204)


def _n8n(settings_json: Any) -> dict[str, Any]:
    settings = orjson.loads(settings_json) if isinstance(settings_json, str) else {}
    n8n = settings.get("n8n") if isinstance(settings, dict) else None
    return n8n if isinstance(n8n, dict) else {}


def _public(n8n: dict[str, Any]) -> dict[str, Any]:
    return {"n8n_webhook_url": n8n.get("webhook_url") or None,
            "has_webhook_secret": bool(n8n.get("webhook_secret"))}


@router.get("/settings", response_model=SettingsOut)
async def get_settings(conn: TenantConn, who: TenantAdmin) -> Response:
    return json_response(_public(_n8n(await sql.tenant_settings(conn, tenant_id=who.tenant_id))))


@router.put("/settings", response_model=SettingsOut)
async def put_settings(body: SettingsIn, conn: TenantConn, who: TenantAdmin) -> Response:
    """Set the n8n webhook; the secret is write-only (omit to keep, "" to clear)."""
    url = (body.n8n_webhook_url or "").strip() or None
    if url is not None:
        try:
            parts = urlsplit(url)
            port_ok = parts.port is None or 0 < parts.port < 65536
        except ValueError:
            parts, port_ok = urlsplit(""), False
        if parts.scheme not in ("http", "https") or not parts.hostname or not port_ok:
            raise ApiError(422, "invalid_url", "the webhook URL must be an http(s) URL",
                           hint="copy the production URL of the n8n Webhook node")
    n8n = _n8n(await sql.tenant_settings(conn, tenant_id=who.tenant_id))
    n8n["webhook_url"] = url
    if "n8n_webhook_secret" in body.model_fields_set:
        n8n["webhook_secret"] = body.n8n_webhook_secret or None
    await sql.set_n8n_settings(conn, tenant_id=who.tenant_id, n8n=orjson.dumps(n8n).decode())
    return json_response(_public(n8n))
