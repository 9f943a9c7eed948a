"""A remembered principal is never trusted alone: what ends elsewhere ends here at once.

Two app instances stand for two `leadgen serve` workers: each keeps its own principal cache.
What one worker (or an admin, or the database) changes must show on the other worker's next
request, although that worker still remembers the principal.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import asyncpg
import pytest
from fastapi import FastAPI

from leadgen.api import create_app
from leadgen.api.auth import token_hash
from leadgen.api.deps import AppState
from support.api import CSRF, client_for, key_client, login, make_key, make_user, settings_for
from support.tenants import SeededTenant


@pytest.fixture(scope="module")
async def other_worker(database_url: str) -> AsyncIterator[FastAPI]:
    app = create_app(settings_for(database_url))
    async with app.router.lifespan_context(app):
        yield app


def cached(app: FastAPI, secret: str) -> bool:
    state: AppState = app.state.leadgen
    return state.principals.get(token_hash(secret)) is not None


async def test_logout_on_one_worker_ends_the_session_on_the_other(
    api: FastAPI, other_worker: FastAPI, database_url: str,
    seeded: tuple[SeededTenant, SeededTenant],
) -> None:
    email = await make_user(database_url, seeded[0].id, "reviewer", seeded[0].ids["owners"])
    here = await login(api, email)
    token = here.cookies["leadgen_session"]
    there = client_for(other_worker)
    there.cookies.set("leadgen_session", token)
    assert (await there.get("/api/messages")).status_code == 200
    assert cached(other_worker, token)
    assert (await here.post("/api/auth/logout", headers=CSRF)).status_code == 204
    refused = await there.get("/api/messages")
    assert refused.status_code == 401, refused.text
    assert "session has ended" in refused.json()["error"]["message"]
    assert not cached(other_worker, token)
    assert (await there.get("/api/auth/me")).status_code == 401


async def test_a_changed_user_is_read_afresh_not_refused(
    api: FastAPI, database_url: str, seeded: tuple[SeededTenant, SeededTenant],
) -> None:
    """Role and owner changed in the database: the next request runs as the user is now."""
    email = await make_user(database_url, seeded[0].id, "reviewer")
    client = await login(api, email)
    assert (await client.get("/api/users")).status_code == 403  # reviewers manage no users
    assert (await client.get("/api/messages")).status_code == 200  # now remembered
    conn = await asyncpg.connect(database_url)
    try:
        await conn.execute("UPDATE users SET role = 'tenant_admin', owner_id = $2 "
                           "WHERE email = $1", email, seeded[0].ids["owners"])
    finally:
        await conn.close()
    assert (await client.get("/api/messages")).status_code == 200
    me = (await client.get("/api/auth/me")).json()["user"]
    assert me["role"] == "tenant_admin" and me["owner_id"] == str(seeded[0].ids["owners"])
    assert (await client.get("/api/users")).status_code == 200


async def test_expired_session_and_disabled_tenant_are_refused_while_remembered(
    api: FastAPI, database_url: str, seeded: tuple[SeededTenant, SeededTenant],
) -> None:
    email = await make_user(database_url, seeded[1].id, "reviewer")
    client = await login(api, email)
    token = client.cookies["leadgen_session"]
    assert (await client.get("/api/owners")).status_code == 200
    assert cached(api, token)
    conn = await asyncpg.connect(database_url)
    try:
        await conn.execute("UPDATE sessions SET expires_at = now() - interval '1 second' "
                           "WHERE token_hash = $1", token_hash(token))
        assert (await client.get("/api/owners")).status_code == 401
        key = await make_key(database_url, seeded[1].id, "cache-test")
        machine = key_client(api, key)
        assert (await machine.get("/api/owners")).status_code == 200
        assert cached(api, key)
        await conn.execute("UPDATE tenants SET is_active = false WHERE id = $1", seeded[1].id)
        try:
            assert (await machine.get("/api/owners")).status_code == 403
        finally:
            await conn.execute("UPDATE tenants SET is_active = true WHERE id = $1",
                               seeded[1].id)
    finally:
        await conn.close()


async def test_a_remembered_key_stays_in_its_tenant(
    api: FastAPI, database_url: str, seeded: tuple[SeededTenant, SeededTenant],
) -> None:
    """The re-check runs under RLS with the remembered tenant: another tenant's rows stay
    invisible even on the cached path (second request onwards)."""
    key = await make_key(database_url, seeded[0].id, "cache-isolation")
    machine = key_client(api, key)
    for _ in range(2):
        response = await machine.get(f"/api/companies/{seeded[1].ids['companies']}")
        assert response.status_code == 404
        own = await machine.get(f"/api/companies/{seeded[0].ids['companies']}")
        assert own.status_code == 200
    assert cached(api, key)
