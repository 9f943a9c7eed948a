"""A tenant's shards move to the other worker while the API serves it: no failed request,
nothing lost.

`leadgen.db.citus_move.move_tenant` runs citus_move_shard_placement in its online mode
(logical replication: reads and writes go on during the copy and wait only for the switch-over)
with the owner's FORCE lifted for the move; afterwards every shard is forced again."""

from __future__ import annotations

import asyncio
import uuid

import asyncpg
import httpx
from citus_support import require_cluster, tenant_placement

from leadgen.admin.apikeys import create_api_key
from leadgen.db.citus_move import move_tenant
from leadgen.db.connect import admin_transaction, tenant_transaction
from support.tenants import TENANT_TABLES, seed_tenant

require_cluster()


async def _counts(url: str, tenant_id: uuid.UUID) -> dict[str, int]:
    conn = await asyncpg.connect(url)
    try:
        async with tenant_transaction(conn, tenant_id):
            return {t: int(await conn.fetchval(
                f"SELECT count(*) FROM {t} WHERE tenant_id = $1", tenant_id))
                for t in TENANT_TABLES}
    finally:
        await conn.close()


async def test_moving_a_tenant_loses_no_request_and_no_row(
    database_url: str, served_api: str,
) -> None:
    tenant = await seed_tenant(database_url, f"move-{uuid.uuid4().hex[:6]}")
    conn = await asyncpg.connect(database_url)
    try:
        async with admin_transaction(conn):
            _, key = await create_api_key(conn, tenant_id=tenant.id, name="mover")
        async with tenant_transaction(conn, tenant.id):  # something to copy
            await conn.execute(
                "INSERT INTO messages (tenant_id, contact_id, owner_id, channel, body) "
                "SELECT $1, $2, $3, 'email', 'bulk ' || g FROM generate_series(1, 2000) g",
                tenant.id, tenant.ids["contacts"], tenant.ids["owners"])
        source = await tenant_placement(conn, tenant.id)
        target = await conn.fetchrow(
            "SELECT nodename, nodeport FROM pg_dist_node WHERE groupid <> 0 "
            "AND noderole = 'primary' AND nodeport <> $1 ORDER BY nodeid LIMIT 1",
            source["nodeport"])
    finally:
        await conn.close()
    before = await _counts(database_url, tenant.id)

    statuses: list[int] = []
    created: list[str] = []
    moving = True
    headers = {"Authorization": f"Bearer {key.key}"}

    async def client(n: int) -> None:
        async with httpx.AsyncClient(base_url=served_api, headers=headers, timeout=60) as http:
            i = 0
            while moving:
                i += 1
                if i % 2:
                    response = await http.get("/api/messages?limit=20")
                else:
                    response = await http.post("/api/messages", json={
                        "contact_id": str(tenant.ids["contacts"]), "channel": "email",
                        "body": f"written during the move {n}-{i}"})
                    if response.status_code == 201:
                        created.append(response.json()["id"])
                statuses.append(response.status_code)

    async def move() -> float:
        nonlocal moving
        await asyncio.sleep(0.5)  # requests are flowing
        try:
            done = await move_tenant(database_url, tenant.id,
                                     (target["nodename"], target["nodeport"]))
        finally:
            await asyncio.sleep(0.5)  # and keep flowing on the new placement
            moving = False
        return done.seconds

    results = await asyncio.wait_for(
        asyncio.gather(move(), *(client(n) for n in range(4))), timeout=300)
    took = results[0]

    conn = await asyncpg.connect(database_url)
    try:
        after_placement = await tenant_placement(conn, tenant.id)
        forced = await conn.fetch(
            "SELECT success, result FROM run_command_on_shards('companies', "
            "$$SELECT relforcerowsecurity FROM pg_class WHERE oid = '%s'::regclass$$)")
    finally:
        await conn.close()
    assert forced and all(r["result"] == "t" for r in forced), forced
    after = await _counts(database_url, tenant.id)
    failed = [s for s in statuses if s >= 300]
    assert after_placement["nodeport"] == target["nodeport"], (source, after_placement)
    assert len(statuses) > 20 and failed == [], (len(statuses), failed[:5])
    assert created, "no write went through during the move"
    expected = dict(before, messages=before["messages"] + len(created),
                    audit_log=before["audit_log"] + len(created))
    assert after == expected
    print(f"moved in {took:.2f} s with {len(statuses)} requests, {len(created)} writes")
