"""No secret ever leaves the server: a full walk of the API, every response grepped.

Secrets planted: an Airtable token (settings and tenant settings), the n8n webhook secret,
Argon2 password hashes, API-key secret hashes and session token hashes.
"""

from __future__ import annotations

import base64
import uuid

import asyncpg
import orjson

from leadgen.api import create_app
from leadgen.db.connect import admin_transaction
from leadgen.settings import Settings
from support.api import CSRF, PASSWORD, make_user
from support.tenants import seed_tenant

AIRTABLE_TOKEN = "patSECRETairtable0123456789.abcdef"
WEBHOOK_SECRET = "whsec-n8n-do-not-leak-42"


async def planted_secrets(url: str, tenant_id: uuid.UUID) -> list[str]:
    conn = await asyncpg.connect(url)
    try:
        async with admin_transaction(conn):
            hashes = [r["password_hash"] for r in await conn.fetch(
                "SELECT password_hash FROM users WHERE tenant_id = $1", tenant_id)]
            binary = [bytes(r["h"]) for r in await conn.fetch(
                "SELECT secret_hash AS h FROM api_keys WHERE tenant_id = $1 UNION ALL "
                "SELECT token_hash FROM sessions WHERE tenant_id = $1", tenant_id)]
    finally:
        await conn.close()
    found = [AIRTABLE_TOKEN, WEBHOOK_SECRET, *hashes]
    for raw in binary:
        found += [raw.hex(), base64.b64encode(raw).decode(), base64.urlsafe_b64encode(raw)
                  .decode().rstrip("=")]
    return [s for s in found if len(s) >= 8]


async def test_a_full_walk_shows_no_secret(database_url: str) -> None:
    tenant = await seed_tenant(database_url, f"secrets-{uuid.uuid4().hex[:6]}")
    conn = await asyncpg.connect(database_url)
    try:
        async with admin_transaction(conn):
            await conn.execute(
                "UPDATE tenants SET settings = $2::jsonb WHERE id = $1", tenant.id,
                orjson.dumps({"airtable": {"token": AIRTABLE_TOKEN}}).decode())
    finally:
        await conn.close()
    app = create_app(Settings(database_url=database_url, cookie_secure=False,
                              airtable_token=AIRTABLE_TOKEN))
    email = await make_user(database_url, tenant.id, "tenant_admin")
    bodies: list[str] = []
    async with app.router.lifespan_context(app):
        import httpx

        client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                                   base_url="http://testserver", headers=CSRF)

        async def record(response: httpx.Response) -> httpx.Response:
            bodies.append(f"{response.status_code} {dict(response.headers)} {response.text}")
            return response

        await record(await client.post("/api/auth/login", json={"email": email,
                                                                "password": PASSWORD}))
        await record(await client.put("/api/settings", json={
            "n8n_webhook_url": "http://127.0.0.1:9/hook", "n8n_webhook_secret": WEBHOOK_SECRET}))
        key = (await record(await client.post("/api/keys", json={"name": "walk"}))).json()
        await record(await client.post("/api/users", json={
            "email": f"walk-{uuid.uuid4().hex[:6]}@example.test", "password": PASSWORD}))
        message = str(tenant.ids["messages"])
        await record(await client.patch(f"/api/messages/{message}", json={"body": "edited"},
                                        headers={"If-Match": '"1"'}))
        await record(await client.post(f"/api/messages/{message}/approve", json={}))
        await record(await client.post("/api/runs", json={
            "batch_id": str(tenant.ids["batches"]), "owner_id": str(tenant.ids["owners"])}))
        fill = {"message_id": message, "batch_id": tenant.ids["batches"],
                "run_id": tenant.ids["pipeline_runs"], "company_id": tenant.ids["companies"],
                "contact_id": tenant.ids["contacts"], "user_id": tenant.ids["users"],
                "key_id": key["id"], "table": "messages", "entity_id": message,
                "slug": tenant.slug}
        walked = 0
        for path, operations in app.openapi()["paths"].items():
            if "get" not in operations or path.endswith("/events"):
                continue  # the stream's events are the run JSON of GET /api/runs/{id}
            await record(await client.get(path.format(**fill)))
            walked += 1
        for extra in ("/openapi.json", "/docs", "/api/messages/counts",
                      f"/api/audit/companies/{tenant.ids['companies']}"):
            await record(await client.get(extra))
        await record(await client.post("/api/auth/logout"))
    assert walked >= 20
    everything = "\n".join(bodies)
    assert "edited" in everything and "walk" in everything  # the walk really saw data
    secrets = await planted_secrets(database_url, tenant.id)
    assert len(secrets) >= 8
    leaked = [s for s in secrets if s in everything]
    assert not leaked
    assert "password_hash" not in everything and "secret_hash" not in everything
