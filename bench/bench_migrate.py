"""Benchmark: `migrate_snapshot` (snapshot → committed rows) against a raw COPY of its rows.

    .venv/bin/python bench/bench_migrate.py [--companies 11000] [--seed 7]

Generates the snapshot in a child process (cached under .leadgen/bench/, so its memory is not
ours), migrates it into a fresh database and tenant, and reports records/s and peak memory
(ru_maxrss of this process, which only ran the migration up to then). The baseline then
COPYs the very rows the transform produced into temp tables of the same shape — the floor
for any loader — and the ratio says what the mapping, ledger, staging, upsert and archive
cost on top. A second migration of the same snapshot times the no-change re-run.
Figures are printed and written to bench/results/bench_migrate.json.

PostgreSQL: LEADGEN_BENCH_DATABASE_URL or DATABASE_URL (a server URL; a scratch database is
created and dropped), else the embedded server.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import resource
import subprocess
import sys
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import asyncpg

from leadgen.admin.tenants import create_tenant
from leadgen.airtable.snapshot import Snapshot
from leadgen.db import embedded, migrate
from leadgen.db.connect import admin_transaction, with_database
from leadgen.migration import load_mapping, migrate_snapshot, transform_snapshot
from leadgen.migration.coverage import read_catalog

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results" / "bench_migrate.json"


def snapshot_for(companies: int, seed: int) -> Path:
    out = ROOT / ".leadgen" / "bench" / f"migrate-{companies}-{seed}"
    if not (out / "manifest.json").exists():
        subprocess.run([sys.executable, "-m", "leadgen", "airtable", "generate", "--out",
                        str(out), "--companies", str(companies), "--seed", str(seed)],
                       check=True, stdout=subprocess.DEVNULL)
    return out


def server_url() -> str:
    url = os.environ.get("LEADGEN_BENCH_DATABASE_URL") or os.environ.get("DATABASE_URL")
    return url or embedded.start(ROOT / ".leadgen" / "bench-pg").url


async def fresh_database(server: str) -> tuple[str, str]:
    name = f"leadgen_bench_{uuid.uuid4().hex[:8]}"
    conn = await asyncpg.connect(server)
    try:
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()
    url = with_database(server, name)
    await migrate.upgrade(url)
    return name, url


async def drop_database(server: str, name: str) -> None:
    conn = await asyncpg.connect(server)
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await conn.close()


async def raw_copy(url: str, snap: Snapshot, tenant_id: uuid.UUID) -> tuple[float, int]:
    """COPY the transform's rows into temp tables shaped like the targets: the floor."""
    conn = await asyncpg.connect(url)
    try:
        catalog = await read_catalog(conn)
        done = transform_snapshot(snap, load_mapping(schema=snap.schema), catalog, tenant_id)
        rows = 0
        started = time.perf_counter()
        async with conn.transaction():
            for table, records in done.rows.items():
                cols = ", ".join(f'"{c}"' for c in done.columns[table])
                await conn.execute(f'CREATE TEMP TABLE "raw_{table}" ON COMMIT DROP AS '
                                   f'SELECT {cols} FROM "{table}" WITH NO DATA')
                await conn.copy_records_to_table(f"raw_{table}", records=records,
                                                 columns=list(done.columns[table]))
                rows += len(records)
        return time.perf_counter() - started, rows
    finally:
        await conn.close()


async def main(companies: int, seed: int, keep: bool) -> dict[str, Any]:
    snap_dir = snapshot_for(companies, seed)
    snap = Snapshot.open(snap_dir)
    records = sum(int(t["records"]) for t in snap.manifest["tables"].values())
    server = server_url()
    name, url = await fresh_database(server)
    try:
        conn = await asyncpg.connect(url)
        try:
            async with admin_transaction(conn):
                tenant_id = await create_tenant(conn, slug="bench", name="bench")
        finally:
            await conn.close()
        rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        started = time.perf_counter()
        report = await migrate_snapshot(url, snap, "bench")
        seconds = time.perf_counter() - started
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        rerun_started = time.perf_counter()
        rerun = await migrate_snapshot(url, snap, "bench")
        rerun_seconds = time.perf_counter() - rerun_started
        copy_seconds, copy_rows = await raw_copy(url, snap, tenant_id)
    finally:
        if not keep:
            await drop_database(server, name)
    return {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": f"{platform.system()} {platform.release()} {platform.machine()}, "
                   f"{os.cpu_count()} CPU, Python {platform.python_version()}",
        "load_average": os.getloadavg(),
        "command": f"bench/bench_migrate.py --companies {companies} --seed {seed}",
        "records": records,
        "rows_loaded": copy_rows,
        "cells": report.cells,
        "unaccounted": report.unaccounted,
        "rejects": len(report.rejects),
        "migrate_seconds": round(seconds, 2),
        "records_per_second": round(records / seconds),
        "timings": {k: round(v, 2) for k, v in report.timings.items()},
        "peak_rss_mb": round(peak_mb),
        "rss_before_mb": round(rss_before / 1024),
        "rerun_seconds": round(rerun_seconds, 2),
        "rerun_changed_rows": sum(n for c in rerun.changed_rows.values() for n in c.values()),
        "raw_copy_seconds": round(copy_seconds, 2),
        "ratio_migrate_to_raw_copy": round(seconds / copy_seconds, 2),
    }


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--companies", type=int, default=11000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--keep", action="store_true", help="keep the scratch database")
    args = parser.parse_args()
    result = asyncio.run(main(args.companies, args.seed, args.keep))
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n", "utf-8")
    print(json.dumps(result, indent=2))
