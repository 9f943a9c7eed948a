"""Live progress on the cluster: pipeline_runs' NOTIFY fires on the worker that holds the
shard, and the API's event hub (which also listens on every worker) still hears it at once."""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from typing import Any

import asyncpg
import httpx
from citus_support import require_cluster, tenant_placement

from leadgen.admin.apikeys import create_api_key
from leadgen.api.events import RunEvents
from leadgen.db.connect import admin_transaction, tenant_transaction, with_user
from tenant_seed import SeededTenant

require_cluster()


async def _bump(url: str, tenant: SeededTenant, done: int, status: str = "running") -> None:
    conn = await asyncpg.connect(with_user(url, "leadgen_app"))
    try:
        async with tenant_transaction(conn, tenant.id, actor="n8n"):
            await conn.execute(
                "UPDATE pipeline_runs SET l1_total = 3, l1_done = $3, status = $4 "
                "WHERE tenant_id = $1 AND id = $2", tenant.id, tenant.ids["pipeline_runs"],
                done, status)
    finally:
        await conn.close()


async def test_a_notify_from_the_shards_worker_wakes_the_hub_at_once(
    database_url: str, app_url: str, two_tenants: tuple[SeededTenant, SeededTenant],
) -> None:
    tenant = two_tenants[1]
    conn = await asyncpg.connect(database_url)
    try:
        placement = await tenant_placement(conn, tenant.id)
        coordinator_port = await conn.fetchval(
            "SELECT nodeport FROM pg_dist_node WHERE groupid = 0")
    finally:
        await conn.close()
    assert placement["nodeport"] != coordinator_port  # the trigger fires elsewhere
    hub = RunEvents(app_url)
    await hub.start()
    try:
        async with hub.subscribe(tenant.id, tenant.ids["pipeline_runs"]) as wake:
            started = time.perf_counter()
            await _bump(database_url, tenant, 1)
            assert await asyncio.wait_for(wake.get(), timeout=5) == "running"
            assert time.perf_counter() - started < 5
    finally:
        await hub.close()


async def test_the_dashboards_stream_follows_a_run_on_the_cluster(
    database_url: str, served_api: str, two_tenants: tuple[SeededTenant, SeededTenant],
) -> None:
    tenant = two_tenants[0]
    conn = await asyncpg.connect(database_url)
    try:
        async with admin_transaction(conn):
            _, key = await create_api_key(conn, tenant_id=tenant.id, name=f"sse-{uuid.uuid4()}")
    finally:
        await conn.close()
    events: list[dict[str, Any]] = []
    run_id = tenant.ids["pipeline_runs"]
    headers = {"Authorization": f"Bearer {key.key}"}

    async def listen() -> None:
        async with (httpx.AsyncClient(base_url=served_api, headers=headers, timeout=30) as http,
                    http.stream("GET", f"/api/runs/{run_id}/events") as response):
            assert response.status_code == 200
            name = None
            async for line in response.aiter_lines():
                if line.startswith("event:"):
                    name = line.split(":", 1)[1].strip()
                elif line.startswith("data:") and name == "progress":
                    events.append(json.loads(line.split(":", 1)[1]))

    async def work() -> None:
        while not events:
            await asyncio.sleep(0.05)
        for done in (1, 2, 3):
            await _bump(database_url, tenant, done)
            await asyncio.sleep(0.1)
        await _bump(database_url, tenant, 3, "completed")

    started = time.perf_counter()
    # Without a worker's NOTIFY each step would wait for the 15 s re-read: 60 s in all.
    await asyncio.wait_for(asyncio.gather(listen(), work()), timeout=12)
    assert time.perf_counter() - started < 12
    assert [e["l1_done"] for e in events[1:4]] == [1, 2, 3]
    assert events[-1]["status"] == "completed"
