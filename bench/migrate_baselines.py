"""The migrate bench's baselines: the rows one migration produced, COPYed without the loader.

`raw_copy` writes them into temp tables of the loaded columns (no indexes, constraints,
triggers or WAL); `floor_copy` into the real tables of a fresh database at the current schema,
in one of FLOOR_VARIANTS (every trigger and FK; no user triggers; no triggers; plain heap
tables), so each difference between two variants names one cost.
"""

from __future__ import annotations

import os
import resource
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import asyncpg

from leadgen.db import migrate
from leadgen.db.connect import with_database
from leadgen.migrate.ledger import REJECT_COLUMNS, reject_rows
from leadgen.migrate.load.stager import LOAD_ORDER, q
from leadgen.migrate.load.wire import ContactScores, as_records
from leadgen.migrate.transform.snapshot_rows import Transformed

FLOOR_VARIANTS = ("floor", "no_user_triggers", "no_triggers", "heap")  # strictest first


LOADER_SETTINGS = ("SET LOCAL app.audit = 'off'", "SET LOCAL app.bulk_load = 'on'",
                   "SET LOCAL default_toast_compression = 'lz4'")


@dataclass(frozen=True)
class Batch:
    """The rows of one target table, ready for COPY."""

    table: str
    columns: tuple[str, ...]
    rows: Sequence[Sequence[Any]]


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


def own_cpu() -> float:
    """CPU seconds of this process, every thread (in a migration: the transform and the
    encoding of the COPY data)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


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
