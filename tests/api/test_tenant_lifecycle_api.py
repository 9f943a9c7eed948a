"""The tenant-lifecycle API: platform admins only; a disabled tenant is refused at once."""

from __future__ import annotations

import io
import json
import tarfile
import uuid

import asyncpg
import httpx
import pytest
from fastapi import FastAPI

from support import run_async
from support.api import key_client, login, make_key, make_user
from support.tenants import SeededTenant, seed_tenant

LIFECYCLE = [  # (method, path under /api/admin/tenants/{slug}, body)
    ("POST", "disable", None), ("POST", "enable", None), ("GET", "export", None),
    ("POST", "open", None), ("POST", "erase", {"confirm": "x"}),
]


def _slug() -> str:
    return f"life-{uuid.uuid4().hex[:8]}"


async def _send(client: httpx.AsyncClient, method: str, path: str,
                body: dict[str, str] | None) -> httpx.Response:
    return await client.request(method, path, json=body)


async def test_a_disabled_tenants_session_and_key_get_403_on_their_next_request(
    api: FastAPI, database_url: str, seeded: tuple[SeededTenant, SeededTenant],
) -> None:
    platform = await login(api, await make_user(database_url, seeded[0].id, "platform_admin"))
    target = run_async(seed_tenant(database_url, _slug()))
    user = await login(api, await make_user(database_url, target.id, "reviewer"))
    machine = key_client(api, await make_key(database_url, target.id, "life"))
    for client in (user, machine):  # both now remembered by the principal cache
        assert (await client.get("/api/owners")).status_code == 200
    disabled = await platform.post(f"/api/admin/tenants/{target.slug}/disable")
    assert disabled.status_code == 200, disabled.text
    assert disabled.json()["is_active"] is False
    for client in (user, machine):
        for path in ("/api/owners", "/api/auth/me"):
            refused = await client.get(path)
            assert refused.status_code == 403, (path, refused.text)
            assert refused.json()["error"]["code"] == "tenant_disabled"
    enabled = await platform.post(f"/api/admin/tenants/{target.slug}/enable")
    assert enabled.status_code == 200 and enabled.json()["is_active"] is True
    for client in (user, machine):
        assert (await client.get("/api/owners")).status_code == 200


async def test_a_platform_admin_cannot_disable_their_own_tenant(
    api: FastAPI, database_url: str, seeded: tuple[SeededTenant, SeededTenant],
) -> None:
    platform = await login(api, await make_user(database_url, seeded[0].id, "platform_admin"))
    refused = await platform.post(f"/api/admin/tenants/{seeded[0].slug}/disable")
    assert refused.status_code == 409 and "your own tenant" in refused.json()["error"]["message"]


@pytest.mark.parametrize("role", ["reviewer", "tenant_admin", "machine"])
async def test_only_a_platform_admin_reaches_a_lifecycle_route(
    api: FastAPI, database_url: str, seeded: tuple[SeededTenant, SeededTenant], role: str,
) -> None:
    target = run_async(seed_tenant(database_url, _slug()))
    if role == "machine":
        client = key_client(api, await make_key(database_url, seeded[0].id, "life-role"))
    else:
        client = await login(api, await make_user(database_url, seeded[0].id, role))
    routes = [*LIFECYCLE, ("GET", "", None)]
    for method, tail, body in routes:
        path = f"/api/admin/tenants/{target.slug}/{tail}".rstrip("/") if tail else \
            "/api/admin/tenants/overview"
        response = await _send(client, method, path, body)
        assert response.status_code == 403, (role, method, path, response.text)
    platform = await login(api, await make_user(database_url, seeded[0].id, "platform_admin"))
    for method, tail, body in routes:
        path = f"/api/admin/tenants/{target.slug}/{tail}" if tail else \
            "/api/admin/tenants/overview"
        if tail == "erase":
            body = {"confirm": target.slug}
        response = await _send(platform, method, path, body)
        assert response.status_code == 200, (method, path, response.text)
        if tail == "open":  # back to its own tenant, which it can neither disable nor erase
            home = await platform.post(f"/api/admin/tenants/{seeded[0].slug}/open")
            assert home.status_code == 200


async def test_export_download_and_erase_with_typed_confirmation(
    api: FastAPI, database_url: str, seeded: tuple[SeededTenant, SeededTenant],
) -> None:
    platform = await login(api, await make_user(database_url, seeded[0].id, "platform_admin"))
    target = run_async(seed_tenant(database_url, _slug()))
    overview = (await platform.get("/api/admin/tenants/overview")).json()
    row = next(t for t in overview if t["slug"] == target.slug)
    assert row["users"] == 1 and row["rows"] > 20 and row["is_active"] is True

    download = await platform.get(f"/api/admin/tenants/{target.slug}/export")
    assert download.status_code == 200
    assert f'filename="{target.slug}.tar.gz"' in download.headers["content-disposition"]
    with tarfile.open(fileobj=io.BytesIO(download.content), mode="r:gz") as archive:
        manifest_file = archive.extractfile(f"{target.slug}/manifest.json")
        assert manifest_file is not None
        manifest = json.load(manifest_file)
        names = archive.getnames()
    assert manifest["tenant"]["id"] == str(target.id)
    assert all(f"{target.slug}/{t['file']}" in names for t in manifest["tables"])

    for confirm in (None, "not-the-slug"):
        refused = await platform.post(f"/api/admin/tenants/{target.slug}/erase",
                                      json={"confirm": confirm})
        assert refused.status_code == 400, refused.text
    assert (await platform.get(f"/api/admin/tenants/{target.slug}/export")).status_code == 200
    visitor = await login(api, await make_user(database_url, seeded[1].id, "platform_admin"))
    assert (await visitor.post(f"/api/admin/tenants/{target.slug}/open")).status_code == 200
    erased = await platform.post(f"/api/admin/tenants/{target.slug}/erase",
                                 json={"confirm": target.slug})
    assert erased.status_code == 200, erased.text
    receipt = erased.json()
    assert receipt["slug"] == target.slug and receipt["row_counts"]["companies"] == 1
    assert (await platform.post(f"/api/admin/tenants/{target.slug}/disable")).status_code == 404
    # a session that had opened the erased tenant is back in its own
    assert (await visitor.get("/api/auth/me")).json()["tenant"]["slug"] == seeded[1].slug


async def test_a_platform_admin_opens_a_tenant_recorded_in_its_audit_trail(
    api: FastAPI, database_url: str, seeded: tuple[SeededTenant, SeededTenant],
) -> None:
    home = seeded[0]
    email = await make_user(database_url, home.id, "platform_admin")
    platform = await login(api, email)
    target = run_async(seed_tenant(database_url, _slug()))
    company = f"/api/companies/{target.ids['companies']}"
    assert (await platform.get(company)).status_code == 404  # remembered, in its own tenant
    opened = await platform.post(f"/api/admin/tenants/{target.slug}/open")
    assert opened.status_code == 200, opened.text
    me = (await platform.get("/api/auth/me")).json()
    assert me["tenant"]["slug"] == target.slug and me["user"]["email"] == email
    assert (await platform.get(company)).status_code == 200
    assert (await platform.get(f"/api/companies/{home.ids['companies']}")).status_code == 404
    conn = await asyncpg.connect(database_url)
    try:
        audit = await conn.fetch("SELECT event, changed_by FROM audit_log WHERE tenant_id = $1 "
                                 "AND table_name = 'tenants'", target.id)
    finally:
        await conn.close()
    assert [(a["event"], a["changed_by"]) for a in audit] == [("open", email)]

    back = await platform.post(f"/api/admin/tenants/{home.slug}/open")
    assert back.status_code == 200
    assert (await platform.get("/api/auth/me")).json()["tenant"]["slug"] == home.slug
    assert (await platform.get(company)).status_code == 404
    machine = key_client(api, await make_key(database_url, home.id, "open-key"))
    assert (await machine.post(f"/api/admin/tenants/{target.slug}/open")).status_code == 403
