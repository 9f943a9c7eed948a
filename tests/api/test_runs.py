"""Pipeline runs: the signed n8n webhook call, its failures, and live progress over SSE."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import asyncpg
import httpx
import pytest
from fastapi import FastAPI

from leadgen.db.connect import tenant_transaction, with_user
from leadgen.n8n.run_contract import CONTRACT_FIELDS
from support.api import CSRF, PASSWORD, login, make_user
from support.tenants import SeededTenant

SECRET = "n8n-shared-secret-123"


class FakeN8n:
    """A webhook that records what it receives and answers with `status`."""

    def __init__(self) -> None:
        self.calls: list[tuple[dict[str, str], bytes]] = []
        self.status = 200
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                fake.calls.append(({k.lower(): v for k, v in self.headers.items()}, body))
                self.send_response(fake.status)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"{}")

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/webhook/start"


@pytest.fixture(scope="module")
def n8n() -> Iterator[FakeN8n]:
    fake = FakeN8n()
    thread = threading.Thread(target=fake.server.serve_forever, daemon=True)
    thread.start()
    yield fake
    fake.server.shutdown()


async def test_start_run_calls_the_signed_webhook(
    api: FastAPI, database_url: str, seeded: tuple[SeededTenant, SeededTenant], n8n: FakeN8n,
) -> None:
    tenant = seeded[0]
    admin = await login(api, await make_user(database_url, tenant.id, "tenant_admin"))
    body = {"batch_id": str(tenant.ids["batches"]), "owner_id": str(tenant.ids["owners"])}
    unset = await admin.post("/api/runs", json=body)
    assert unset.status_code == 409
    assert unset.json()["error"]["code"] == "webhook_not_configured"
    assert unset.json()["error"]["hint"]
    saved = await admin.put("/api/settings", json={"n8n_webhook_url": n8n.url,
                                                   "n8n_webhook_secret": SECRET})
    assert saved.json() == {"n8n_webhook_url": n8n.url, "has_webhook_secret": True}

    started = await admin.post("/api/runs", json=body)
    assert started.status_code == 201, started.text
    run = started.json()
    assert run["status"] == "running" and run["batch_name"] == "batch-1"
    headers, raw = n8n.calls[-1]
    expected = hmac.new(SECRET.encode(), raw, hashlib.sha256).hexdigest()
    assert hmac.compare_digest(headers["x-leadgen-signature"], expected)
    payload = json.loads(raw)
    assert payload == {"run_id": run["id"], "batch_id": body["batch_id"],
                       "batch_name": "batch-1", "owner_id": body["owner_id"],
                       "owner_name": "Michal", "tenant": tenant.slug}
    assert tuple(payload) == CONTRACT_FIELDS  # what a wired orchestrator reads

    n8n.status = 500
    failed = await admin.post("/api/runs", json=body)
    n8n.status = 200
    assert failed.status_code == 502
    assert failed.json()["error"]["code"] == "webhook_failed"
    assert "HTTP 500" in failed.json()["error"]["message"]
    failed_id = failed.json()["run"]["id"]
    assert (await admin.get(f"/api/runs/{failed_id}")).json()["status"] == "failed"
    listed = (await admin.get("/api/runs")).json()
    assert {run["id"], failed_id} <= {r["id"] for r in listed}


async def test_progress_streams_until_the_run_completes(
    live_url: str, database_url: str, seeded: tuple[SeededTenant, SeededTenant],
) -> None:
    tenant = seeded[1]
    email = await make_user(database_url, tenant.id, "reviewer")
    run_id = tenant.ids["pipeline_runs"]
    async with httpx.AsyncClient(base_url=live_url, timeout=30) as client:
        assert (await client.post("/api/auth/login", json={
            "email": email, "password": PASSWORD})).status_code == 200
        events: list[dict[str, Any]] = []

        async def listen() -> None:
            async with client.stream("GET", f"/api/runs/{run_id}/events") as response:
                assert response.status_code == 200
                assert response.headers["content-type"].startswith("text/event-stream")
                name = None
                async for line in response.aiter_lines():
                    if line.startswith("event:"):
                        name = line.split(":", 1)[1].strip()
                    elif line.startswith("data:") and name == "progress":
                        events.append(json.loads(line.split(":", 1)[1]))

        async def work() -> None:
            conn = await asyncpg.connect(with_user(database_url, "leadgen_app"))
            try:
                while not events:
                    await asyncio.sleep(0.05)
                for done in (1, 2, 3):
                    async with tenant_transaction(conn, tenant.id, actor="n8n"):
                        await conn.execute(
                            "UPDATE pipeline_runs SET l1_total = 3, l1_done = $2 "
                            "WHERE tenant_id = $3 AND id = $1", run_id, done, tenant.id)
                    await asyncio.sleep(0.1)
                async with tenant_transaction(conn, tenant.id, actor="n8n"):
                    await conn.execute(
                        "UPDATE pipeline_runs SET status = 'completed', completed_at = now() "
                        "WHERE tenant_id = $2 AND id = $1", run_id, tenant.id)
            finally:
                await conn.close()

        await asyncio.wait_for(asyncio.gather(listen(), work()), timeout=30)
    assert events[0]["id"] == str(run_id) and events[0]["status"] == "running"
    assert [e["l1_done"] for e in events[1:4]] == [1, 2, 3]
    assert events[-1]["status"] == "completed"  # and then the stream ended by itself


async def test_other_tenants_run_events_are_not_found(
    api: FastAPI, database_url: str, seeded: tuple[SeededTenant, SeededTenant],
) -> None:
    reviewer = await login(api, await make_user(database_url, seeded[0].id, "reviewer"))
    response = await reviewer.get(f"/api/runs/{seeded[1].ids['pipeline_runs']}/events")
    assert response.status_code == 404
    assert CSRF  # the header the login helper sends on writes
