"""The API on a Citus cluster beside one node: same data, same run, as ratios; and a tenant move.

    LEADGEN_CITUS_BENCH=1 ./dev test-citus        (the tier's cluster, after its tests)
    .venv/bin/python bench/bench_citus.py --coordinator postgresql://postgres@HOST:PORT/postgres

1. On the single node (127.0.0.1:5432) and on the cluster (the coordinator's `postgres`
   database lists the workers, as `./dev test-citus` sets up) it creates `leadgen_bench_citus`,
   upgrades it (distributed on the cluster) and generates bench_api's rows for --tenants
   tenants (default 100, as bench_api; tenant 1: 11,000 companies, a batch of 10,000 of them;
   the others 1,000), as the superuser with triggers off.
2. Drives GET /api/messages (owner + status=draft, 50 rows) with bench_api's keep-alive
   clients for --seconds on each, then times the 10,000-company batch's stats.
3. On the cluster, moves tenant 1's shard group to the other worker (`db/citus_move.py`,
   online mode) and times it.
Prints the figures as JSON (docs/benchmarks.md, "Citus", holds a run's) and drops both
databases. Three PostgreSQL servers and the API share the machine's cores on the cluster run.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
import uuid
from pathlib import Path
from typing import Any

import asyncpg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

import bench_api  # noqa: E402
from bench_api import (  # noqa: E402
    GENERATE,
    batch_stats_timing,
    drive,
    free_port,
    requests_for_page,
    start_server,
    stop_server,
    tenant_uuid,
)
from leadgen.admin.passwords import hash_password  # noqa: E402
from leadgen.db import citus_cluster, migrate  # noqa: E402
from leadgen.db.citus_move import move_tenant  # noqa: E402
from leadgen.db.connect import quoted_identifier, with_database  # noqa: E402

SINGLE = "postgresql://postgres@127.0.0.1:5432/postgres"
GENERATED_TENANTS = bench_api.TENANTS  # what GENERATE was written for
DB = "leadgen_bench_citus"


def generate_script(tenants: int) -> list[str]:
    """bench_api's GENERATE for `tenants` tenants, its helper functions in schema public (Citus
    runs the INSERT … SELECTs on the workers, which cannot see a session's pg_temp)."""
    text = GENERATE.replace(f"generate_series(1, {GENERATED_TENANTS})",
                            f"generate_series(1, {tenants})")
    text = text.replace("pg_temp.oid_(", "public.bench_oid(").replace("pg_temp.", "public.bench_")
    return bench_api._split(text)


async def prepare(server: str, tenants: int) -> tuple[str, dict[str, int]]:
    workers = await citus_cluster.worker_nodes(server)
    url = with_database(server, DB)
    if workers:
        await citus_cluster.drop_cluster_database(url, workers)
        await citus_cluster.create_cluster_database(url, workers)
    else:
        admin = await asyncpg.connect(server)
        try:
            await admin.execute(f"DROP DATABASE IF EXISTS {quoted_identifier(DB)} WITH (FORCE)")
            await admin.execute(f"CREATE DATABASE {quoted_identifier(DB)} TEMPLATE template0")
        finally:
            await admin.close()
    await migrate.upgrade(url)
    conn = await asyncpg.connect(url)
    try:
        started = time.perf_counter()
        async with conn.transaction():
            for statement in generate_script(tenants):
                args = [hash_password("bench password 1")] if "$1" in statement else []
                await conn.execute(statement, *args)
        print(f"{server}: generated rows in {time.perf_counter() - started:.0f} s", flush=True)
        await conn.execute("ANALYZE")
        counts = {t: int(await conn.fetchval(f"SELECT count(*) FROM {t}"))
                  for t in ("tenants", "companies", "contacts", "messages")}
    finally:
        await conn.close()
    return url, counts


def measure(url: str, clients: int, seconds: int) -> dict[str, Any]:
    port = free_port()
    server = start_server(url, port, 1)
    try:
        page = asyncio.run(drive(port, requests_for_page(), clients, seconds, 3.0))
        stats = asyncio.run(batch_stats_timing(port))
    finally:
        stop_server(server)
    return {"page": page, "batch_stats": stats}


async def move(url: str) -> dict[str, Any]:
    tenant = uuid.UUID(tenant_uuid(1))
    conn = await asyncpg.connect(url)
    try:
        shard = await conn.fetchval(
            "SELECT get_shard_id_for_distribution_column('companies', $1::text)", str(tenant))
        rows = await conn.fetchrow(
            "SELECT count(DISTINCT tenant_id) AS tenants, count(*) AS companies "
            "FROM companies WHERE get_shard_id_for_distribution_column('companies', "
            "tenant_id::text) = $1", shard)
        size = await conn.fetchval(
            "SELECT sum(shard_size) FROM citus_shards WHERE colocation_id = "
            "(SELECT colocation_id FROM citus_shards WHERE shardid = $1) AND nodeport = "
            "(SELECT nodeport FROM citus_shards WHERE shardid = $1)", shard)
    finally:
        await conn.close()
    done = await move_tenant(url, tenant)
    return {"seconds": round(done.seconds, 2), "shard_group_tenants": rows["tenants"],
            "shard_group_companies": rows["companies"], "bytes": int(size or 0),
            "from": done.source, "to": done.target}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--coordinator", required=True,
                        help="the cluster's postgres database, which lists the workers")
    parser.add_argument("--tenants", type=int, default=GENERATED_TENANTS)
    parser.add_argument("--seconds", type=int, default=15)
    parser.add_argument("--clients", type=int, default=8)
    args = parser.parse_args()
    bench_api.TENANTS = args.tenants  # requests_for_page reads it
    result: dict[str, Any] = {}
    for name, server in (("single", SINGLE), ("citus", args.coordinator)):
        url, counts = asyncio.run(prepare(server, args.tenants))
        result[name] = {"counts": counts, **measure(url, args.clients, args.seconds)}
        print(name, json.dumps(result[name]), flush=True)
        if name == "citus":
            result["move"] = asyncio.run(move(url))
            print("move", json.dumps(result["move"]), flush=True)
    one, cluster = result["single"], result["citus"]
    result["ratios"] = {
        "page_rps": cluster["page"]["rps"] / one["page"]["rps"],
        "page_p50": cluster["page"]["server"]["p50"] / one["page"]["server"]["p50"],
        "page_p99": cluster["page"]["server"]["p99"] / one["page"]["server"]["p99"],
        "batch_stats_p50": cluster["batch_stats"]["p50"] / one["batch_stats"]["p50"],
    }
    print(json.dumps(result, indent=1, default=str))

    async def drop() -> None:
        for server in (SINGLE, args.coordinator):
            workers = await citus_cluster.worker_nodes(server)
            await citus_cluster.drop_cluster_database(with_database(server, DB), workers)

    asyncio.run(drop())


if __name__ == "__main__":
    main()
