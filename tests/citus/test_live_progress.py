"""Live progress on the cluster: a run's row lives on a worker, where a NOTIFY would not reach
the API on the coordinator; the API's event hub polls the subscribed runs there instead."""

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
from leadgen.api.events import POLL_SECONDS, RunEvents
from leadgen.db.connect import admin_transaction, tenant_transaction, with_user
from support.tenants import SeededTenant

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


async def test_a_change_on_the_shards_worker_wakes_the_hub_within_a_second(
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
        assert hub.polling
        async with hub.subscribe(tenant.id, tenant.ids["pipeline_runs"]) as wake:
            await asyncio.wait_for(wake.get(), timeout=5)  # first sight
            started = time.perf_counter()
            await _bump(database_url, tenant, 1)
            assert await asyncio.wait_for(wake.get(), timeout=5) == "changed"
            assert time.perf_counter() - started < 1.5
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
        for done in (1, 2, 3):  # steps further apart than the poll, as a pipeline's are
            await _bump(database_url, tenant, done)
            await asyncio.sleep(POLL_SECONDS * 4)
        await _bump(database_url, tenant, 3, "completed")

    started = time.perf_counter()
    # Without the hub's poll each step would wait for the route's 15 s re-read: 60 s in all.
    await asyncio.wait_for(asyncio.gather(listen(), work()), timeout=20)
    assert time.perf_counter() - started < 20
    done = [e["l1_done"] for e in events]
    # A poll may fold two steps into one event (the stream shows the latest state), but the
    # steps arrive live, in order, and the stream ends with the run.
    assert done == sorted(done) and done[0] == 0, done
    assert [d for d in done if 0 < d < 3], done  # an intermediate step was streamed live
    assert events[-1]["status"] == "completed" and done[-1] == 3
