"""Benchmark: `migrate_snapshot` (snapshot → committed rows) against raw COPYs of its rows.

    .venv/bin/python bench/bench_migrate.py [--companies 11000] [--seed 7] [--keep]

Generates the snapshot in a child process (cached under .leadgen/bench/, so its memory is not
ours), migrates it into a fresh database and tenant, and reports records/s and peak memory
(ru_maxrss of this process, which only ran the migration up to then). A second migration of
the same snapshot times the no-change re-run. Then the snapshot is transformed once more
(`transform_snapshot`, in memory) and the very rows the transform produced — target rows,
the JSONB archive (airtable_records) and the rejects — are COPYed (`copy_records_to_table`,
binary) without the loader, as baselines:

  raw_copy    into temp tables of the loaded columns: no indexes, constraints, triggers or
              WAL. The "raw COPY": what the mapping, ledger, staging, upsert and
              archive cost on top of moving the bytes.
  floor       into the REAL tables of a fresh database at the current schema (every index,
              foreign key, check constraint, generated column and trigger in place), parents
              first, one transaction, committed. The floor the schema imposes on any loader.
  no_user_triggers  the same with `ALTER TABLE … DISABLE TRIGGER USER`: floor −
              no_user_triggers = our row triggers (audit, score copy, …), even when they step
              aside under app.audit / app.bulk_load.
  no_triggers `DISABLE TRIGGER ALL` (the FK checks are system triggers):
              no_user_triggers − no_triggers = the foreign-key checks.
  heap        into plain logged tables `LIKE` the targets (defaults, generated columns and
              checks, no indexes, FKs or triggers): no_triggers − heap = index maintenance.

Each floor runs --floor-repeats times (default 2), the variants interleaved; the fastest
repeat is reported, with per table the least wall seconds and the least CPU seconds of the
server backend (read from /proc when the server is local: on a shared box, CPU time is what
the database computed, whatever else ran). The migration's own CPU time (this process, all
threads: the transform) is reported too.

The floors connect as the superuser of the server URL: COPY cannot write a table under RLS
(leadgen_owner is under FORCEd RLS), and the bulk-load guards of the triggers (app.audit,
app.bulk_load) need a member of leadgen_owner (a superuser is one), which leadgen_admin
(BYPASSRLS) is not: as that role the audit triggers would write a row per inserted row.
The transaction sets what the loader sets (migration/run.py): app.tenant_id,
app.audit = 'off', app.bulk_load = 'on', lz4 TOAST compression. messages.contact_score,
which the loader takes from this run's contacts (wire.py), is filled in from the contacts
rows beforehand (the per-row copy trigger steps aside).

Figures are printed and written to bench/results/bench_migrate.json; the block between the
`bench_migrate` markers in docs/benchmarks.md ("Latest run") is rewritten from them (the
analysis around it is written by hand). PostgreSQL:
LEADGEN_BENCH_DATABASE_URL or DATABASE_URL (a superuser server URL; scratch databases are
created and dropped), else the embedded server.

Modules: migrate_baselines.py (the raw COPY and the floors), migrate_report.py (the summary,
the machine and the docs block); the migration runs themselves are here.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any

import asyncpg

from leadgen.admin.tenants import create_tenant
from leadgen.airtable.snapshot import Snapshot
from leadgen.db import embedded
from leadgen.db.connect import admin_transaction
from leadgen.migrate import load_mapping, migrate_snapshot, transform_snapshot
from leadgen.migrate.coverage import read_catalog
from leadgen.migrate.transform import process as transform_process
from leadgen.migrate.transform.snapshot_rows import Transformed
from migrate_baselines import (
    FLOOR_VARIANTS,
    batches_of,
    best_of,
    drop_database,
    floor_copy,
    fresh_database,
    own_cpu,
    raw_copy,
)
from migrate_report import docs_block, server_facts, summary, update_docs

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


async def transform(url: str, snap: Snapshot, tenant_id: uuid.UUID) -> Transformed:
    """The transform's whole output in memory, against the catalog of the migrated schema."""
    conn = await asyncpg.connect(url)
    try:
        catalog = await read_catalog(conn)
    finally:
        await conn.close()
    return transform_snapshot(snap, load_mapping(schema=snap.schema), catalog, tenant_id)


async def migrate_runs(url: str, snap: Snapshot) -> dict[str, Any]:
    """The first load (timed, with peak memory) and the no-change re-run."""
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children: list[transform_process.TransformProcess] = []

    class Recorded(transform_process.TransformProcess):  # to read the child's peak memory
        def __init__(self, *args: Any) -> None:
            super().__init__(*args)
            children.append(self)

    transform_process.TransformProcess = Recorded  # type: ignore[misc,assignment]
    cpu_before = own_cpu()
    started = time.perf_counter()
    report = await migrate_snapshot(url, snap, "bench")
    seconds = time.perf_counter() - started
    cpu = own_cpu() - cpu_before
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    child_mb = children[0].peak_rss_mb if children else None
    rerun_started = time.perf_counter()
    rerun = await migrate_snapshot(url, snap, "bench")
    return {
        "cells": report.cells,
        "unaccounted": report.unaccounted,
        "rejects": len(report.rejects),
        "migrate_seconds": round(seconds, 2),
        "migrate_python_cpu_seconds": round(cpu, 2),
        "transform_process_cpu_seconds": round(children[0].cpu_seconds or 0, 2)
        if children else None,
        "timings": {k: round(v, 2) for k, v in report.timings.items()},
        "peak_rss_mb": round(peak_mb),
        "transform_process_peak_rss_mb": round(child_mb) if child_mb else None,
        "peak_rss_both_processes_mb": round(peak_mb + (child_mb or 0)),
        "rss_before_mb": round(rss_before / 1024),
        "rerun_seconds": round(time.perf_counter() - rerun_started, 2),
        "rerun_changed_rows": sum(n for c in rerun.changed_rows.values() for n in c.values()),
    }


async def new_tenant(url: str) -> uuid.UUID:
    conn = await asyncpg.connect(url)
    try:
        async with admin_transaction(conn):
            return await create_tenant(conn, slug="bench", name="bench")
    finally:
        await conn.close()


async def main(companies: int, seed: int, keep: bool, repeats: int) -> dict[str, Any]:
    load_before = os.getloadavg()
    snap = Snapshot.open(snapshot_for(companies, seed))
    records = sum(int(t["records"]) for t in snap.manifest["tables"].values())
    server = server_url()
    facts = await server_facts(server)
    name, url = await fresh_database(server)
    try:
        tenant_id = await new_tenant(url)
        migrated = await migrate_runs(url, snap)
        cpu0, t0 = own_cpu(), time.perf_counter()
        done = await transform(url, snap, tenant_id)
        migrated["transform_alone_seconds"] = round(time.perf_counter() - t0, 2)
        migrated["transform_alone_cpu_seconds"] = round(own_cpu() - cpu0, 2)
        run_id = uuid.uuid4()
        batches = batches_of(done, tenant_id, run_id)
        raw = await raw_copy(url, batches)
    finally:
        if not keep:
            await drop_database(server, name)
    runs: dict[str, list[dict[str, Any]]] = {v: [] for v in FLOOR_VARIANTS}
    for _ in range(repeats):  # interleaved, so a change in the box's load hits every variant
        for v in FLOOR_VARIANTS:
            runs[v].append(await floor_copy(server, batches, tenant_id, run_id, v))
    floors = {v: best_of(r) for v, r in runs.items()}
    return {**summary(companies, seed, records, migrated, raw, floors, load_before),
            "postgresql": facts}


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--companies", type=int, default=11000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--keep", action="store_true", help="keep the migrated database")
    parser.add_argument("--floor-repeats", type=int, default=2,
                        help="runs of each COPY floor (the best is reported)")
    parser.add_argument("--no-docs", action="store_true", help="do not update docs/benchmarks.md")
    args = parser.parse_args()
    result = asyncio.run(main(args.companies, args.seed, args.keep, args.floor_repeats))
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n", "utf-8")
    if not args.no_docs:
        update_docs(docs_block(result))
    print(json.dumps(result, indent=2))
