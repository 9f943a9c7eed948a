"""Sign-in, sessions, API keys, roles, CSRF and login throttling."""

from __future__ import annotations

import httpx
import pytest
from fastapi import FastAPI

from leadgen.api import create_app
from leadgen.settings import Settings
from support.api import CSRF, PASSWORD, client_for, key_client, login, make_key, make_user
from support.tenants import SeededTenant


async def test_login_sets_a_session_cookie_and_me_names_the_tenant(
    api: FastAPI, database_url: str, seeded: tuple[SeededTenant, SeededTenant],
) -> None:
    tenant = seeded[0]
    email = await make_user(database_url, tenant.id, "reviewer", tenant.ids["owners"])
    client = client_for(api)
    response = await client.post("/api/auth/login", json={"email": email.upper(),
                                                         "password": PASSWORD})
    assert response.status_code == 200
    cookie = response.headers["set-cookie"].lower()
    assert "leadgen_session=" in cookie and "httponly" in cookie and "samesite=lax" in cookie
    me = (await client.get("/api/auth/me")).json()
    assert me["user"]["email"] == email and me["user"]["role"] == "reviewer"
    assert me["user"]["owner_id"] == str(tenant.ids["owners"])
    assert me["tenant"] == {"id": str(tenant.id), "slug": tenant.slug, "name": tenant.slug}
    out = await client.post("/api/auth/logout", headers=CSRF)
    assert out.status_code == 204
    assert (await client.get("/api/auth/me")).status_code == 401


async def test_secure_cookie_uses_the_host_prefix(database_url: str) -> None:
    app = create_app(Settings(database_url=database_url, cookie_secure=True))
    async with app.router.lifespan_context(app):
        # a fresh app shares the database; any user will do
        import uuid

        from support.tenants import seed_tenant
        tenant = await seed_tenant(database_url, f"sec-{uuid.uuid4().hex[:6]}")
        email = await make_user(database_url, tenant.id, "reviewer")
        client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                                   base_url="https://testserver")
        response = await client.post("/api/auth/login", json={"email": email,
                                                             "password": PASSWORD})
        cookie = response.headers["set-cookie"]
        assert cookie.startswith("__Host-leadgen_session=") and "Secure" in cookie
        assert "Path=/" in cookie and "Domain" not in cookie
        assert (await client.get("/api/auth/me")).status_code == 200


async def test_bad_credentials_are_one_answer_and_throttle(
    api: FastAPI, database_url: str, seeded: tuple[SeededTenant, SeededTenant],
) -> None:
    email = await make_user(database_url, seeded[0].id, "reviewer")
    client = client_for(api)
    wrong = await client.post("/api/auth/login", json={"email": email, "password": "nope"})
    unknown = await client.post("/api/auth/login", json={"email": "nobody@example.test",
                                                        "password": "nope"})
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json() == unknown.json()
    for _ in range(4):
        await client.post("/api/auth/login", json={"email": email, "password": "nope"})
    throttled = await client.post("/api/auth/login", json={"email": email, "password": PASSWORD})
    assert throttled.status_code == 429
    assert throttled.json()["error"]["code"] == "too_many_attempts"
    assert int(throttled.headers["retry-after"]) > 0


async def test_unauthenticated_and_wrong_role(
    api: FastAPI, database_url: str, seeded: tuple[SeededTenant, SeededTenant],
) -> None:
    anonymous = client_for(api)
    for path in ("/api/messages", "/api/batches", "/api/auth/me"):
        response = await anonymous.get(path)
        assert response.status_code == 401
        assert response.json()["error"]["code"] == "unauthenticated"
    reviewer = await login(api, await make_user(database_url, seeded[0].id, "reviewer"))
    for path in ("/api/users", "/api/keys", "/api/settings", "/api/admin/tenants"):
        response = await reviewer.get(path)
        assert response.status_code == 403, path
        assert response.json()["error"]["code"] == "forbidden"
    admin = await login(api, await make_user(database_url, seeded[0].id, "tenant_admin"))
    assert (await admin.get("/api/users")).status_code == 200
    assert (await admin.get("/api/admin/tenants")).status_code == 403
    garbage = key_client(api, "lg_nothing_here")
    assert (await garbage.get("/api/messages")).status_code == 401
    basic = client_for(api)
    assert (await basic.get("/api/messages",
                            headers={"Authorization": "Basic Zm9vOmJhcg=="})).status_code == 401


async def test_revoked_key_is_refused(
    api: FastAPI, database_url: str, seeded: tuple[SeededTenant, SeededTenant],
) -> None:
    admin = await login(api, await make_user(database_url, seeded[0].id, "tenant_admin"))
    created = await admin.post("/api/keys", json={"name": "n8n-prod"})
    assert created.status_code == 201
    key = created.json()["key"]
    assert key.startswith("lg_")
    listed = (await admin.get("/api/keys")).json()
    assert all("key" not in k for k in listed)  # shown once, never listed
    machine = key_client(api, key)
    assert (await machine.get("/api/owners")).status_code == 200
    me = (await machine.get("/api/auth/me")).json()
    assert me["user"]["role"] == "machine" and me["user"]["email"] == "apikey:n8n-prod"
    assert (await admin.delete(f"/api/keys/{created.json()['id']}")).status_code == 204
    refused = await machine.get("/api/owners")
    assert refused.status_code == 401 and "revoked" in refused.json()["error"]["message"]


@pytest.mark.parametrize(("headers", "allowed"), [
    ({}, False),
    ({"X-Requested-With": "leadgen", "Origin": "https://evil.example"}, False),
    ({"X-Requested-With": "leadgen", "Sec-Fetch-Site": "cross-site"}, False),
    ({"X-Requested-With": "leadgen", "Origin": "http://testserver",
      "Sec-Fetch-Site": "same-origin"}, True),
    ({"X-Requested-With": "leadgen"}, True),
])
async def test_csrf_refuses_cross_site_writes_with_the_cookie(
    api: FastAPI, database_url: str, seeded: tuple[SeededTenant, SeededTenant],
    headers: dict[str, str], allowed: bool,
) -> None:
    client = await login(api, await make_user(database_url, seeded[0].id, "reviewer"))
    client.headers.pop("X-Requested-With")
    response = await client.post("/api/messages/bulk-approve",
                                 json={"ids": [str(seeded[0].ids["users"])]}, headers=headers)
    if allowed:
        assert response.status_code == 200
    else:
        assert response.status_code == 403 and response.json()["error"]["code"] == "csrf"
    # reads need no header; Bearer keys are exempt
    assert (await client.get("/api/owners")).status_code == 200
    machine = key_client(api, await make_key(database_url, seeded[0].id))
    created = await machine.post("/api/messages", json={
        "contact_id": str(seeded[0].ids["contacts"]), "channel": "email", "body": "hi"},
        headers={"Origin": "https://elsewhere.example"})
    assert created.status_code == 201


async def test_login_refuses_a_cross_site_form(api: FastAPI) -> None:
    client = client_for(api)
    response = await client.post("/api/auth/login", json={"email": "a@b.c", "password": "x"},
                                 headers={"Origin": "https://evil.example"})
    assert response.status_code == 403


async def test_deactivated_user_loses_their_session(
    api: FastAPI, database_url: str, seeded: tuple[SeededTenant, SeededTenant],
) -> None:
    admin = await login(api, await make_user(database_url, seeded[0].id, "tenant_admin"))
    created = await admin.post("/api/users", json={"email": "temp-reviewer@example.test",
                                                   "password": PASSWORD, "role": "reviewer"})
    assert created.status_code == 201, created.text
    reviewer = await login(api, "temp-reviewer@example.test")
    assert (await reviewer.get("/api/owners")).status_code == 200
    patched = await admin.patch(f"/api/users/{created.json()['id']}", json={"is_active": False})
    assert patched.status_code == 200 and patched.json()["is_active"] is False
    assert (await reviewer.get("/api/owners")).status_code == 401
    escalate = await admin.post("/api/users", json={"email": "boss@example.test",
                                                    "password": PASSWORD,
                                                    "role": "platform_admin"})
    assert escalate.status_code == 403
