"""Tenant isolation through every endpoint: A's principals using B's ids never see or change B.

The cases are keyed by (method, route path); the test enumerates the app's routes, so an
endpoint added without a case here fails `test_every_route_has_a_case`.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import asyncpg
import pytest
from fastapi import FastAPI

from support.api import Actor, as_actor, make_key, make_user
from support.tenants import TENANT_TABLES, SeededTenant

DENIED = {403, 404}


@dataclass
class Case:
    path: Callable[[dict[str, uuid.UUID]], str]
    body: Callable[[dict[str, uuid.UUID]], Any] | None = None
    denied: bool = True  # else: a 2xx whose body holds none of B's ids
    headers: dict[str, str] = field(default_factory=dict)
    machine: bool = True  # also try with A's API key
    own_session: bool = False  # ends the session it uses


def ids(key: str) -> Callable[[dict[str, uuid.UUID]], str]:
    return lambda b: str(b[key])


CASES: dict[tuple[str, str], Case] = {
    ("POST", "/api/auth/login"): Case(lambda b: "/api/auth/login",
                                      lambda b: {"email": b["user_email"], "password": "wrong"},
                                      machine=False),
    ("POST", "/api/auth/logout"): Case(lambda b: "/api/auth/logout", denied=False,
                                       own_session=True),
    ("GET", "/api/auth/me"): Case(lambda b: "/api/auth/me", denied=False),
    ("GET", "/api/messages"): Case(
        lambda b: f"/api/messages?owner_id={b['owners']}&batch_id={b['batches']}", denied=False),
    ("POST", "/api/messages"): Case(lambda b: "/api/messages", lambda b: {
        "contact_id": str(b["contacts"]), "channel": "email", "body": "x"}),
    ("GET", "/api/messages/counts"): Case(
        lambda b: f"/api/messages/counts?owner_id={b['owners']}", denied=False),
    ("GET", "/api/messages/{message_id}"): Case(lambda b: f"/api/messages/{b['messages']}"),
    ("PATCH", "/api/messages/{message_id}"): Case(
        lambda b: f"/api/messages/{b['messages']}", lambda b: {"body": "pwned"},
        headers={"If-Match": '"1"'}, machine=False),
    ("DELETE", "/api/messages/{message_id}"): Case(lambda b: f"/api/messages/{b['messages']}"),
    ("POST", "/api/messages/{message_id}/approve"): Case(
        lambda b: f"/api/messages/{b['messages']}/approve", lambda b: {}),
    ("POST", "/api/messages/{message_id}/reject"): Case(
        lambda b: f"/api/messages/{b['messages']}/reject", lambda b: {"notes": "no"}),
    ("POST", "/api/messages/{message_id}/undo"): Case(
        lambda b: f"/api/messages/{b['messages']}/undo"),
    ("POST", "/api/messages/bulk-approve"): Case(
        lambda b: "/api/messages/bulk-approve", lambda b: {"ids": [str(b["messages"])]},
        denied=False),
    ("GET", "/api/batches"): Case(lambda b: "/api/batches", denied=False),
    ("GET", "/api/batches/{batch_id}/stats"): Case(
        lambda b: f"/api/batches/{b['batches']}/stats"),
    ("POST", "/api/runs"): Case(lambda b: "/api/runs", lambda b: {
        "batch_id": str(b["batches"]), "owner_id": str(b["owners"])}),
    ("GET", "/api/runs"): Case(lambda b: "/api/runs", denied=False),
    ("GET", "/api/runs/{run_id}"): Case(lambda b: f"/api/runs/{b['pipeline_runs']}"),
    ("GET", "/api/runs/{run_id}/events"): Case(
        lambda b: f"/api/runs/{b['pipeline_runs']}/events"),
    ("GET", "/api/owners"): Case(lambda b: "/api/owners", denied=False),
    ("GET", "/api/campaigns"): Case(lambda b: "/api/campaigns", denied=False),
    ("GET", "/api/companies"): Case(lambda b: f"/api/companies?batch_id={b['batches']}",
                                    denied=False),
    ("GET", "/api/companies/{company_id}"): Case(lambda b: f"/api/companies/{b['companies']}"),
    ("GET", "/api/contacts"): Case(lambda b: f"/api/contacts?company_id={b['companies']}",
                                   denied=False),
    ("GET", "/api/contacts/{contact_id}"): Case(lambda b: f"/api/contacts/{b['contacts']}"),
    ("GET", "/api/audit/{table}/{entity_id}"): Case(
        lambda b: f"/api/audit/companies/{b['companies']}"),
    ("GET", "/api/admin/tenants"): Case(lambda b: "/api/admin/tenants"),
    ("POST", "/api/admin/tenants"): Case(lambda b: "/api/admin/tenants",
                                         lambda b: {"slug": f"x-{uuid.uuid4().hex[:6]}",
                                                    "name": "x"}),
    ("GET", "/api/admin/tenants/overview"): Case(lambda b: "/api/admin/tenants/overview"),
    ("POST", "/api/admin/tenants/{slug}/disable"): Case(
        lambda b: f"/api/admin/tenants/{b['slug']}/disable"),
    ("POST", "/api/admin/tenants/{slug}/enable"): Case(
        lambda b: f"/api/admin/tenants/{b['slug']}/enable"),
    ("GET", "/api/admin/tenants/{slug}/export"): Case(
        lambda b: f"/api/admin/tenants/{b['slug']}/export"),
    ("POST", "/api/admin/tenants/{slug}/erase"): Case(
        lambda b: f"/api/admin/tenants/{b['slug']}/erase", lambda b: {"confirm": b["slug"]}),
    ("POST", "/api/admin/tenants/{slug}/open"): Case(
        lambda b: f"/api/admin/tenants/{b['slug']}/open"),
    ("GET", "/api/users"): Case(lambda b: "/api/users", denied=False),
    ("POST", "/api/users"): Case(lambda b: "/api/users", lambda b: {
        "email": f"new-{uuid.uuid4().hex[:6]}@example.test", "password": "long enough pw",
        "owner_id": str(b["owners"])}),
    ("PATCH", "/api/users/{user_id}"): Case(lambda b: f"/api/users/{b['users']}",
                                            lambda b: {"is_active": False}),
    ("GET", "/api/keys"): Case(lambda b: "/api/keys", denied=False),
    ("POST", "/api/keys"): Case(lambda b: "/api/keys", lambda b: {"name": "probe"},
                                denied=False, machine=False),
    ("DELETE", "/api/keys/{key_id}"): Case(lambda b: f"/api/keys/{b['api_keys']}"),
    ("GET", "/api/settings"): Case(lambda b: "/api/settings", denied=False),
    ("PUT", "/api/settings"): Case(lambda b: "/api/settings",
                                   lambda b: {"n8n_webhook_url": "http://127.0.0.1:9/x"},
                                   denied=False, machine=False),
    ("GET", "/healthz"): Case(lambda b: "/healthz", denied=False),
    ("GET", "/readyz"): Case(lambda b: "/readyz", denied=False),
    **{(method, "/api/{path:path}"): Case(lambda b: f"/api/{b['companies']}")
       for method in ("GET", "POST", "PUT", "PATCH", "DELETE")},
}
# Admin-only reads are 403 for the machine key and filtered (2xx, no B ids) for A's admin.
ADMIN_READS = {("GET", "/api/users"), ("GET", "/api/keys"), ("GET", "/api/settings")}


def app_routes(app: FastAPI) -> set[tuple[str, str]]:
    """Every documented operation, plus the undocumented /api catch-all (JSON 404s)."""
    found = {(method.upper(), path) for path, operations in app.openapi()["paths"].items()
             for method in operations}
    return found | {(m, "/api/{path:path}") for m in ("GET", "POST", "PUT", "PATCH", "DELETE")}


async def tenant_digest(url: str, tenant: SeededTenant) -> dict[str, str]:
    """A hash of every row of the tenant in every tenant table (read as superuser)."""
    conn = await asyncpg.connect(url)
    try:
        out = {}
        for table in [*TENANT_TABLES, "tenants"]:
            column = "id" if table == "tenants" else "tenant_id"
            out[table] = await conn.fetchval(
                f"SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) "
                f"FROM {table} t WHERE {column} = $1", tenant.id)
        return out
    finally:
        await conn.close()


def test_every_route_has_a_case(api: FastAPI) -> None:
    routes = app_routes(api)
    assert len(routes) >= 40
    missing = routes - set(CASES)
    assert not missing, f"add isolation cases for {sorted(missing)}"
    assert not set(CASES) - routes, "cases for routes that no longer exist"


@pytest.fixture(scope="module")
async def a_principals(api: FastAPI, database_url: str,
                       seeded: tuple[SeededTenant, SeededTenant]) -> dict[str, Actor]:
    a = seeded[0]
    return {
        "tenant_admin": Actor(a, "tenant_admin",
                              email=await make_user(database_url, a.id, "tenant_admin")),
        "machine": Actor(a, "machine", key=await make_key(database_url, a.id)),
    }


def b_ids(b: SeededTenant) -> dict[str, Any]:
    return {**b.ids, "user_email": f"user@{b.slug}.test", "slug": b.slug}


def leaks(text: str, b: SeededTenant) -> list[str]:
    return [name for name, value in b.ids.items() if str(value) in text] + (
        [b.slug] if b.slug in text else [])


async def test_tenant_a_cannot_reach_tenant_b(
    api: FastAPI, database_url: str, seeded: tuple[SeededTenant, SeededTenant],
    a_principals: dict[str, Actor],
) -> None:
    b = seeded[1]
    before = await tenant_digest(database_url, b)
    refs = b_ids(b)
    problems = []
    clients = {who: await as_actor(api, actor) for who, actor in a_principals.items()}
    for (method, route), case in sorted(CASES.items()):
        for who in ("tenant_admin", "machine"):
            if who == "machine" and not case.machine:
                continue
            client = clients[who]
            if case.own_session and who != "machine":
                client = await as_actor(api, a_principals[who])
            response = await client.request(
                method, case.path(refs), headers=case.headers,
                json=case.body(refs) if case.body else None)
            denied = case.denied or (who == "machine" and (method, route) in ADMIN_READS)
            status = response.status_code
            if route == "/api/auth/login":
                ok = status == 401
            elif denied:
                ok = status in DENIED
            else:
                ok = status < 300 or (who == "machine" and status == 403)
            leaked = leaks(response.text, b)
            if route == "/api/messages/bulk-approve" and status == 200:  # echoes its input
                ok = ok and response.json()["skipped"] == [
                    {"id": str(b.ids["messages"]), "reason": "not_found"}]
                leaked = [x for x in leaked if x != "messages"]
            if not ok or leaked:
                problems.append(f"{who} {method} {route}: {status} leaked={leaked} "
                                f"{response.text[:200]}")
    assert not problems, "\n".join(problems)
    assert await tenant_digest(database_url, b) == before
