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
              WAL. The "raw COPY" of issue #5: what the mapping, ledger, staging, upsert and
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
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import platform
import re
import resource
import subprocess
import sys
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import asyncpg

from leadgen.admin.tenants import create_tenant
from leadgen.airtable.snapshot import Snapshot
from leadgen.db import embedded, migrate
from leadgen.db.connect import admin_transaction, with_database
from leadgen.migration import load_mapping, migrate_snapshot, transform_process, transform_snapshot
from leadgen.migration.coverage import read_catalog
from leadgen.migration.ledger import REJECT_COLUMNS, reject_rows
from leadgen.migration.load import LOAD_ORDER, q
from leadgen.migration.transform import Transformed
from leadgen.migration.wire import ContactScores, as_records

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results" / "bench_migrate.json"
DOCS = ROOT / "docs" / "benchmarks.md"
BEGIN, END = "<!-- bench_migrate: begin -->", "<!-- bench_migrate: end -->"
SERVER_SETTINGS = ("shared_buffers", "max_wal_size", "synchronous_commit", "autovacuum",
                   "wal_level")
FLOOR_VARIANTS = ("floor", "no_user_triggers", "no_triggers", "heap")  # strictest first
LOADER_SETTINGS = ("SET LOCAL app.audit = 'off'", "SET LOCAL app.bulk_load = 'on'",
                   "SET LOCAL default_toast_compression = 'lz4'")


@dataclass(frozen=True)
class Batch:
    """The rows of one target table, ready for COPY."""

    table: str
    columns: tuple[str, ...]
    rows: Sequence[Sequence[Any]]


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


def cpu_model() -> str:
    """The CPU's model name: runs on different machines differ by far more than code changes
    (the same code: 14.9 s on one 2-vCPU machine, 9.7 s on another), so every run says which."""
    info: dict[str, str] = {}
    with contextlib.suppress(OSError), open("/proc/cpuinfo", encoding="utf-8") as fh:
        for line in fh:
            key, _, value = line.partition(":")
            info.setdefault(key.strip(), value.strip())
    model = info.get("model name") or platform.processor() or "unknown CPU"
    mhz = info.get("cpu MHz")
    return f"{model} at {float(mhz):.0f} MHz" if mhz else model


async def server_facts(server: str) -> dict[str, Any]:
    """Which PostgreSQL the figures come from, and the settings a bulk load feels."""
    conn = await asyncpg.connect(server)
    try:
        rows = await conn.fetch("SELECT name, current_setting(name) AS value "
                                "FROM unnest($1::text[]) AS name", list(SERVER_SETTINGS))
        version = await conn.fetchval("SHOW server_version")
    finally:
        await conn.close()
    settings = {r["name"]: r["value"] for r in rows}
    named = bool(os.environ.get("LEADGEN_BENCH_DATABASE_URL") or os.environ.get("DATABASE_URL"))
    where = ("the server of LEADGEN_BENCH_DATABASE_URL / DATABASE_URL" if named
             else "the embedded server (.leadgen/bench-pg)")
    return {"server": where, "version": version, "settings": settings}


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


async def transform(url: str, snap: Snapshot, tenant_id: uuid.UUID) -> Transformed:
    """The transform's whole output in memory, against the catalog of the migrated schema."""
    conn = await asyncpg.connect(url)
    try:
        catalog = await read_catalog(conn)
    finally:
        await conn.close()
    return transform_snapshot(snap, load_mapping(schema=snap.schema), catalog, tenant_id)


def batches_of(done: Transformed, tenant_id: uuid.UUID, run_id: uuid.UUID) -> list[Batch]:
    """Everything a migration commits, parents first: target rows in the loader's order
    (LOAD_ORDER; the archive is last), then the run's rejects. messages gets the contact's
    score as the loader gives it (wire.ContactScores)."""
    unknown = set(done.rows) - set(LOAD_ORDER)
    if unknown:
        raise SystemExit(f"the transform produced tables the bench does not order: {unknown}")
    scores = ContactScores()  # contacts come before messages in LOAD_ORDER
    out = []
    for t in LOAD_ORDER:
        if done.rows.get(t):
            columns, rows = scores.apply(t, done.columns[t], done.rows[t])
            out.append(Batch(t, columns, as_records(t, columns, rows)))
    rejects = reject_rows(tenant_id, run_id, done.ledger.rejects)
    out.append(Batch("migration_rejects", REJECT_COLUMNS, rejects))
    return out


async def raw_copy(url: str, batches: Sequence[Batch]) -> dict[str, Any]:
    """COPY the rows into temp tables of the loaded columns (no indexes, no WAL)."""
    conn = await asyncpg.connect(url)
    try:
        async with conn.transaction():
            await conn.execute(LOADER_SETTINGS[-1])
            for b in batches:
                cols = ", ".join(q(c) for c in b.columns)
                await conn.execute(f"CREATE TEMP TABLE {q('raw_' + b.table)} ON COMMIT DROP "
                                   f"AS SELECT {cols} FROM {q(b.table)} WITH NO DATA")
            return await timed_copies(conn, batches, prefix="raw_")
    finally:
        await conn.close()


async def timed_copies(conn: asyncpg.Connection, batches: Sequence[Batch],
                       prefix: str = "") -> dict[str, Any]:
    """COPY every batch in order, each timed (a COPY's FK checks run at its end): wall
    seconds, and the server backend's CPU seconds when the server runs on this machine (the
    box is shared: CPU time is what the database computed, whatever else was running)."""
    pid = conn.get_server_pid()
    per_table: dict[str, float] = {}
    cpu: dict[str, float] = {}
    started, client_cpu = time.perf_counter(), own_cpu()
    for b in batches:
        t0, c0 = time.perf_counter(), backend_cpu(pid)
        await conn.copy_records_to_table(prefix + b.table, records=b.rows,
                                         columns=list(b.columns))
        per_table[b.table] = round(time.perf_counter() - t0, 2)
        c1 = backend_cpu(pid)
        if c0 is not None and c1 is not None:
            cpu[b.table] = round(c1 - c0, 2)
    return {"seconds": round(time.perf_counter() - started, 2),
            "client_cpu_seconds": round(own_cpu() - client_cpu, 2),
            "rows": sum(len(b.rows) for b in batches),
            "rows_per_table": {b.table: len(b.rows) for b in batches}, "per_table": per_table,
            "cpu_seconds": round(sum(cpu.values()), 2) if cpu else None, "cpu_per_table": cpu}


def backend_cpu(pid: int) -> float | None:
    """utime + stime of a local PostgreSQL process, None when it is not on this machine."""
    proc = Path(f"/proc/{pid}")
    try:
        if proc.joinpath("comm").read_text().strip() != "postgres":
            return None
        fields = proc.joinpath("stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def floor_copy(server: str, batches: Sequence[Batch], tenant_id: uuid.UUID,
                     run_id: uuid.UUID, variant: str) -> dict[str, Any]:
    """One transaction of COPYs into a fresh database at the current schema, committed."""
    name, url = await fresh_database(server)
    try:
        conn = await asyncpg.connect(url)
        try:
            await seed_parents(conn, tenant_id, run_id)
            await conn.execute("CHECKPOINT")  # start each variant from a clean buffer cache
            tr = conn.transaction()
            await tr.start()
            await conn.execute("; ".join((f"SET LOCAL app.tenant_id = '{tenant_id}'",
                                          *LOADER_SETTINGS)))
            prefix = await prepare(conn, batches, variant)
            result = await timed_copies(conn, batches, prefix)
            t0 = time.perf_counter()
            await tr.commit()
            result["commit_seconds"] = round(time.perf_counter() - t0, 2)
            result["seconds"] = round(result["seconds"] + result["commit_seconds"], 2)
            return result
        finally:
            await conn.close()
    finally:
        await drop_database(server, name)


async def seed_parents(conn: asyncpg.Connection, tenant_id: uuid.UUID,
                       run_id: uuid.UUID) -> None:
    """The tenant the rows name and the migration_runs row the rejects point to."""
    await conn.execute("INSERT INTO tenants (id, slug, name) VALUES ($1, 'bench', 'bench')",
                       tenant_id)
    await conn.execute(
        "INSERT INTO migration_runs (id, tenant_id, base_id, mapping_sha256, started_at, "
        "records, cells, tables, findings, rejected, changed_rows) VALUES "
        "($1, $2, 'bench', '', now(), 0, '{}', '{}', '[]', 0, '{}')", run_id, tenant_id)


async def prepare(conn: asyncpg.Connection, batches: Sequence[Batch], variant: str) -> str:
    """Shape the targets for `variant`; returns the prefix of the tables to COPY into."""
    if variant in ("no_user_triggers", "no_triggers"):
        which = "USER" if variant == "no_user_triggers" else "ALL"
        for b in batches:
            await conn.execute(f"ALTER TABLE {q(b.table)} DISABLE TRIGGER {which}")
    elif variant == "heap":
        for b in batches:
            await conn.execute(
                f"CREATE TABLE {q('heap_' + b.table)} (LIKE {q(b.table)} INCLUDING DEFAULTS "
                f"INCLUDING GENERATED INCLUDING CONSTRAINTS)")
        return "heap_"
    return ""


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


def own_cpu() -> float:
    """CPU seconds of this process, every thread (in a migration: the transform and the
    encoding of the COPY data)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


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


def best_of(runs: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """The fastest of the repeats (a shared box only ever adds time), and per table the
    least wall and CPU seconds of any repeat; every repeat's total is kept."""
    best = dict(min(runs, key=lambda r: float(r["seconds"])))
    del best["rows_per_table"]  # the same in every variant: once, at the top level
    best["repeats_seconds"] = [r["seconds"] for r in runs]
    best["repeats_cpu_seconds"] = [r["cpu_seconds"] for r in runs]
    for key in ("per_table", "cpu_per_table"):
        best[f"min_{key}"] = {t: min(r[key][t] for r in runs) for t in runs[0][key]}
    return best


def summary(companies: int, seed: int, records: int, migrated: dict[str, Any],
            raw: dict[str, Any], floors: dict[str, dict[str, Any]],
            load_before: tuple[float, ...]) -> dict[str, Any]:
    seconds = migrated["migrate_seconds"]
    floor = floors["floor"]
    return {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": f"{platform.system()} {platform.release()} {platform.machine()}, "
                   f"{os.cpu_count()} CPU, Python {platform.python_version()}",
        "cpu": cpu_model(),
        "load_average_before": [round(x, 2) for x in load_before],
        "load_average_after": [round(x, 2) for x in os.getloadavg()],
        "command": f"bench/bench_migrate.py --companies {companies} --seed {seed}",
        "records": records,
        "rows_loaded": raw["rows"],
        **migrated,
        "records_per_second": round(records / seconds),
        "raw_copy_seconds": raw["seconds"],
        "raw_copy_client_cpu_seconds": raw["client_cpu_seconds"],
        "rows_per_table": raw["rows_per_table"],
        "raw_copy_per_table": raw["per_table"],
        "raw_copy_cpu_per_table": raw["cpu_per_table"],
        "ratio_migrate_to_raw_copy": round(seconds / raw["seconds"], 2),
        "floor_copy_seconds": floor["seconds"],
        "floor_records_per_second": round(records / floor["seconds"]),
        "ratio_migrate_to_floor": round(seconds / floor["seconds"], 2),
        "seconds_for_20k_per_second": round(records / 20000, 2),
        "floors": floors,
    }


def docs_block(r: dict[str, Any]) -> str:
    """The "Latest run" block of docs/benchmarks.md's Migrate section, from one run."""
    pg = r["postgresql"]
    settings = ", ".join(f"{k} {v}" for k, v in pg["settings"].items())
    floors = r["floors"]
    t = r.get("transform_process_cpu_seconds")
    lines = [
        BEGIN,
        f"### Latest run ({r['date']}; written by `bench/bench_migrate.py`)",
        "",
        f"- command: `./dev bench migrate` (= `{r['command']}`)",
        f"- machine: {r['machine']}; CPU: {r['cpu']}; load average (1/5/15 min) "
        f"{' / '.join(map(str, r['load_average_before']))} before, "
        f"{' / '.join(map(str, r['load_average_after']))} after",
        f"- PostgreSQL {pg['version']}, {pg['server']}: {settings}",
        "",
        "| measure | figure |",
        "|---|---:|",
        f"| records (Airtable) → rows committed | {r['records']:,} → {r['rows_loaded']:,} |",
        f"| **migrate, snapshot → committed** | **{r['migrate_seconds']} s = "
        f"{r['records_per_second']:,} records/s** (20,000/s = "
        f"{r['seconds_for_20k_per_second']} s) |",
        f"| unaccounted cells (of {r['cells']['non_empty']:,} non-empty) | {r['unaccounted']} |",
        f"| CPU: loading process / transform process | {r['migrate_python_cpu_seconds']} s / "
        f"{t if t is not None else '–'} s |",
        f"| peak memory: loading + transform process | {r['peak_rss_mb']} + "
        f"{r.get('transform_process_peak_rss_mb') or 0} = "
        f"{r['peak_rss_both_processes_mb']} MB |",
        f"| re-run of the same snapshot (rows changed) | {r['rerun_seconds']} s "
        f"({r['rerun_changed_rows']}) |",
        f"| **raw COPY** of the produced rows into temp tables; ratio migrate / raw | "
        f"{r['raw_copy_seconds']} s; **{r['ratio_migrate_to_raw_copy']}** |",
        f"| floor: COPY into the real tables (every trigger and FK); ratio | "
        f"{r['floor_copy_seconds']} s; {r['ratio_migrate_to_floor']} |",
        f"| the same without triggers or FK checks (`no_triggers`) | "
        f"{floors['no_triggers']['seconds']} s |",
        f"| the transform alone (in memory, one thread) | {r['transform_alone_seconds']} s |",
        END,
    ]
    return "\n".join(lines)


def update_docs(block: str, path: Path = DOCS) -> None:
    """Replace the block between the markers (inside "## Migrate"); nothing else changes."""
    doc = path.read_text("utf-8")
    pattern = re.compile(re.escape(BEGIN) + ".*?" + re.escape(END), re.S)
    if not pattern.search(doc):
        raise SystemExit(f"{path} has no {BEGIN} … {END} block: add one under '## Migrate'")
    path.write_text(pattern.sub(lambda _: block, doc), "utf-8")


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
