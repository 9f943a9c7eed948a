"""API speed: the review-queue page and batch stats at 100 tenants / 1M+ messages, RLS on.

    .venv/bin/python bench/bench_api.py [--seconds 20] [--clients 16] [--workers 1]
                                        [--keep] [--reuse]

1. Creates the database `leadgen_bench` on 127.0.0.1:5432 (user postgres, trust), upgrades it
   to the current schema and generates synthetic rows with generate_series: 100 tenants ×
   5 owners, 111,000 companies, 555,000 contacts, 1,110,000 messages; tenant 1 has a batch of
   10,000 companies (the batch-stats case). Triggers are off during the load
   (session_replication_role = replica), the copied contact_score is written directly.
2. Prints EXPLAIN (ANALYZE) of the page query as leadgen_app inside a tenant transaction, and
   measures what one page request costs alone: the app called in-process (ASGI, no HTTP),
   sequentially, CPU time of this process and of the database's backends per request.
3. Serves the API with uvicorn (uvloop, httptools) and drives GET /api/messages?owner_id&
   status=draft&limit=50 from 16 keep-alive connections (cookie sessions of random tenants)
   for --seconds; p50/p95/p99 at the server come from the Server-Timing header.
4. Runs pgbench (same clients, same seconds, as leadgen_app) on the same SQL in the same
   transaction shape: BEGIN; SET LOCAL app.tenant_id; set_config(app.actor); page; COMMIT.
5. Times GET /api/batches/{id}/stats for the 10,000-company batch.
6. Writes the "## API" section of docs/benchmarks.md and drops the database (unless --keep).

Modules: api_data.py (the synthetic rows), api_load.py (in-process cost, HTTP load, batch
stats), api_report.py (the docs section); the database-side figures (EXPLAIN, pgbench,
the CPU reference) are here.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import asyncpg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from api_data import DB, SERVER, existing_counts, owner_uuid, prepare, tenant_uuid  # noqa: E402
from api_load import (  # noqa: E402
    batch_stats_timing,
    drive,
    free_port,
    request_cost,
    requests_for_page,
    start_server,
    stop_server,
)
from api_report import machine, report, write_section  # noqa: E402
from leadgen.db.connect import with_database, with_user  # noqa: E402
from leadgen.sql import sql_text  # noqa: E402


def page_sql(tenant: str, owner: str) -> tuple[str, list[Any]]:
    """The API's page query with the values the API binds for owner + status=draft."""
    text = sql_text("api/messages")
    body = text.split("-- name: list_messages\n", 1)[1].split("-- name:", 1)[0]
    values = {"by_owner": "true", "by_status": "true", "tenant_id": f"'{tenant}'::uuid",
              "owner_id": f"'{owner}'::uuid", "status_code": "1",
              "after_rank": "-2147483648",
              "after_id": "'00000000-0000-0000-0000-000000000000'::uuid",
              "channel": "NULL", "batch_id": "NULL", "campaign_id": "NULL", "q": "NULL",
              "fetch": "51"}
    sql = re.sub(r"(?<!:):([a-z_]+)", lambda m: values[m.group(1)], body.strip())
    return sql, []


async def explain(url: str) -> str:
    sql, _ = page_sql(tenant_uuid(1), owner_uuid(1, 1))
    conn = await asyncpg.connect(with_user(url, "leadgen_app"))
    try:
        async with conn.transaction():
            await conn.execute(f"SET LOCAL app.tenant_id = '{tenant_uuid(1)}'")
            await conn.fetch(sql)  # warm: the figure is the plan, not the first disk read
            rows = await conn.fetch("EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) " + sql)
        return "\n".join(r[0] for r in rows)
    finally:
        await conn.close()


def pgbench_script(prepared: bool) -> str:
    """The page request as pgbench runs it: variables choose the tenant and owner."""
    sql, _ = page_sql("00000000-0000-4000-8000-:tnum", "00000000-0000-4000-9000-:onum")
    lines = ["\\set tn random(1, 100)", "\\set tnum 100000000000 + :tn",
             "\\set onum 100000000000 + :tn * 10 + random(1, 5)", "BEGIN;"]
    if prepared:  # extended protocol cannot bind SET; set_config(…, true) is its SET LOCAL
        sql = sql.replace("'00000000-0000-4000-8000-:tnum'::uuid",
                          "('00000000-0000-4000-8000-' || :tnum)::uuid").replace(
            "'00000000-0000-4000-9000-:onum'::uuid", "('00000000-0000-4000-9000-' || :onum)::uuid")
        lines.append("SELECT set_config('app.tenant_id', '00000000-0000-4000-8000-' || :tnum, "
                     "true);")
    else:
        lines.append("SET LOCAL app.tenant_id = '00000000-0000-4000-8000-:tnum';")
    lines += ["SELECT set_config('app.actor', 'reviewer@bench', true);", sql + ";", "COMMIT;"]
    return "\n".join(lines) + "\n"


def run_pgbench(url: str, clients: int, seconds: int, prepared: bool) -> dict[str, Any]:
    binary = shutil.which("pgbench") or "/usr/lib/postgresql/15/bin/pgbench"
    with tempfile.NamedTemporaryFile("w", suffix=".sql", delete=False) as script:
        script.write(pgbench_script(prepared))
    app_url = with_user(url, "leadgen_app")
    command = [binary, "-n", "-M", "prepared" if prepared else "simple", "-c", str(clients),
               "-j", "2", "-T", str(seconds), "-f", script.name, app_url]
    out = subprocess.run(command, capture_output=True, text=True, check=False)
    os.unlink(script.name)
    if out.returncode != 0:
        raise SystemExit(f"pgbench failed: {out.stderr[-2000:]}")
    found = re.search(r"tps = ([\d.]+)", out.stdout)
    if found is None:
        raise SystemExit(f"pgbench printed no tps: {out.stdout[-2000:]}")
    tps = float(found.group(1))
    latency = re.search(r"latency average = ([\d.]+) ms", out.stdout)
    return {"tps": tps, "latency_avg_ms": float(latency.group(1)) if latency else None,
            "mode": "prepared" if prepared else "simple"}


async def cpu_reference(url: str) -> float:
    """ms for `SELECT count(*) FROM generate_series(1, 1e6)`: how fast a core is right now."""
    conn = await asyncpg.connect(url)
    try:
        best = float("inf")
        for _ in range(3):
            started = time.perf_counter()
            await conn.fetchval("SELECT count(*) FROM generate_series(1, 1000000)")
            best = min(best, (time.perf_counter() - started) * 1000)
        return round(best, 1)
    finally:
        await conn.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--clients", type=int, default=16)
    # One worker: on 2 cores PostgreSQL and the load generator need the other core.
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--keep", action="store_true", help="keep the leadgen_bench database")
    parser.add_argument("--reuse", action="store_true",
                        help="use the kept leadgen_bench database instead of generating it")
    parser.add_argument("--no-write", action="store_true", help="do not edit docs/benchmarks.md")
    args = parser.parse_args()
    host = machine()
    url = with_database(SERVER, DB)
    counts = asyncio.run(existing_counts(url) if args.reuse else prepare(url))
    print(json.dumps(counts), flush=True)
    plan = asyncio.run(explain(url))
    print(plan, flush=True)
    cpu_ms = [asyncio.run(cpu_reference(url))]
    import uvloop

    cost = uvloop.run(request_cost(url))
    print("request cost", json.dumps(cost), flush=True)
    port = free_port()
    server = start_server(url, port, args.workers)
    try:
        api = uvloop.run(drive(port, requests_for_page(), args.clients, args.seconds, 3.0))
        print("api", json.dumps(api), flush=True)
        stats = asyncio.run(batch_stats_timing(port))
        print("batch stats", json.dumps(stats), flush=True)
    finally:
        stop_server(server)
    pgb = [run_pgbench(url, args.clients, args.seconds, prepared) for prepared in (False, True)]
    print("pgbench", json.dumps(pgb), flush=True)
    cpu_ms.append(asyncio.run(cpu_reference(url)))
    text = report(args, counts, plan, api, pgb, stats, host, cpu_ms, cost)
    if not args.no_write:
        write_section(text)
    print(text)
    if not args.keep:
        async def drop() -> None:
            conn = await asyncpg.connect(SERVER)
            try:
                await conn.execute(f"DROP DATABASE IF EXISTS {DB} WITH (FORCE)")
            finally:
                await conn.close()

        asyncio.run(drop())



if __name__ == "__main__":
    main()
