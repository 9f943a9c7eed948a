"""`migrate_snapshot`: snapshot → one tenant, in one transaction, with a report.

    report = await migrate_snapshot(url, "snap/", "acme", mapping=None, max_rejects=0,
                                    report_path=Path("report.json"))
    report.exit_code(max_rejects)  /  report.raise_for_rejects(max_rejects)

Order of failure, each before anything is written: bad snapshot (ConfigError, exit 2), the
mapping does not cover the base (MappingError, 7), no database (4), unknown tenant (8), a
target column or enum label missing (7). The load itself runs as leadgen_owner with
app.tenant_id set and audit off, holds a per-tenant advisory lock, and either commits all of
it — rows, deletes, archive, migration_runs, migration_rejects — or nothing.
"""

from __future__ import annotations

import gc
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import aclosing, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import asyncpg

from leadgen.admin.tenants import tenant_id_for
from leadgen.airtable.snapshot import Snapshot
from leadgen.db.connect import (
    OWNER_ROLE,
    admin_transaction,
    connect,
    tenant_transaction,
    try_setting,
)
from leadgen.errors import DatabaseUnavailable, LeadgenError
from leadgen.migrate.coverage import Catalog, check_against_database, read_catalog
from leadgen.migrate.ledger import REJECT_COLUMNS, Reject, json_text, reject_rows
from leadgen.migrate.load.setup import LoadSetup
from leadgen.migrate.load.stager import LOAD_ORDER, Stager
from leadgen.migrate.mapping import Mapping, load_mapping
from leadgen.migrate.report import MigrationReport
from leadgen.migrate.transform import process as transform_process
from leadgen.migrate.transform.snapshot_rows import (
    COMPLETE,
    FINAL_BATCHES,
    FIXED_COLUMNS,
    Transformer,
)
from leadgen.sql import queries

Progress = Callable[[str, int, int], None]  # (phase, done, total)


async def migrate_snapshot(
    url: str, snapshot: Snapshot | Path | str, tenant_slug: str,
    mapping: Mapping | Path | str | None = None, max_rejects: int = 0,
    report_path: Path | None = None, progress: Progress | None = None,
) -> MigrationReport:
    """Load `snapshot` into the tenant; returns the report (also written to report_path)."""
    started = datetime.now(UTC)
    t0 = time.perf_counter()
    snap = snapshot if isinstance(snapshot, Snapshot) else Snapshot.open(snapshot)
    if not isinstance(mapping, Mapping):
        mapping = load_mapping(mapping, schema=snap.schema)
    conn = await connect(url)
    try:
        async with admin_transaction(conn, actor="migrate"):
            tenant_id = await tenant_id_for(conn, tenant_slug)
        catalog = await read_catalog(conn)
        check_against_database(mapping, catalog)
        try:
            report = await load_snapshot(conn, snap, mapping, catalog, tenant_id, tenant_slug,
                                        started, t0, max_rejects, progress)
        except asyncpg.PostgresError as exc:
            raise DatabaseUnavailable(
                f"the load failed in PostgreSQL and was rolled back, the tenant is unchanged: "
                f"{type(exc).__name__}: {exc}",
                hint="fix the cause named above (often data another tool wrote into the "
                     "tenant) and re-run; nothing of this run was kept",
            ) from exc
    finally:
        await conn.close()
    if report_path is not None:
        report.write(report_path)
    return report


async def load_snapshot(conn: asyncpg.Connection, snap: Snapshot, mapping: Mapping,
                        catalog: Catalog, tenant_id: uuid.UUID, slug: str, started: datetime,
                        t0: float, max_rejects: int = 0, progress: Progress | None = None,
                        ) -> MigrationReport:
    """The engine's one-transaction load of `snap` into the tenant, on `conn` (checked
    against `catalog` already): transform, stage, upsert, delete, the run's row and rejects.
    `migrate_snapshot` and each sync cycle (leadgen.sync.cycle) call it; `t0` is the
    caller's clock at its start (perf_counter) for the report's timings."""
    tr = Transformer(mapping, catalog, tenant_id, snap.base_id)
    await _prefer_lz4(conn)
    await _roomy_stages(conn)
    total = sum(int(t.get("records") or 0) for t in (snap.manifest.get("tables") or {}).values())
    timings: dict[str, float] = {}
    async with tenant_transaction(conn, tenant_id, actor="migrate", role=OWNER_ROLE):
        await conn.execute("SET LOCAL app.audit = 'off'")
        # Derived columns are set in bulk by the load (wire.ContactScores, fill_contact_scores);
        # a schema whose per-row copy triggers honour this skips them for the owner.
        await conn.execute("SET LOCAL app.bulk_load = 'on'")
        # The anti-joins of the deletes hash a whole stage (230k archive keys); 4 MB (the
        # default) makes them spill to disk in batches.
        await conn.execute("SET LOCAL work_mem = '64MB'")
        await conn.execute("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))",
                           f"leadgen-migrate:{tenant_id}")
        digests = queries("migration/runs").archive_digests
        tr.archived = {r["record_id"]: (r["table_id"], r["created_time"], r["fields_sha256"])
                       for r in await conn.fetch(digests.sql, tenant_id, snap.base_id)}
        columns = {**FIXED_COLUMNS, "migration_rejects": REJECT_COLUMNS}
        setup = await LoadSetup.of_transaction(
            conn, LOAD_ORDER, archive_empty=not tr.archived,
            appended={"migration_rejects"})  # every row has this run's new id
        stager = Stager(conn, columns, tenant_id, setup)
        rejects = _Rejects(tenant_id, uuid.uuid4())
        final_batches: list[Any] = []
        with _old_objects_skipped_by_gc():
            timings["transform_copy_upsert"] = await _transform_and_copy(
                tr, snap, stager, columns, rejects, final_batches, total, progress) - t0
        if tr.ledger.unaccounted:
            raise LeadgenError(
                f"{tr.ledger.unaccounted} cells are unaccounted for; nothing was loaded",
                hint="this is a bug in the migration; please report it with the snapshot")
        if progress is not None:
            progress("apply", 0, 1)
        t1 = time.perf_counter()
        changed = await stager.finish(tenant_id, snap.base_id, final_batches)
        timings["finish_and_delete"] = time.perf_counter() - t1
        report = MigrationReport.from_ledger(
            tr.ledger, tenant=slug, tenant_id=str(tenant_id), base_id=snap.base_id,
            snapshot=str(snap.root), run_id=str(rejects.run_id),
            started_at=started.isoformat(), seconds=0.0, changed_rows=changed, timings=timings)
        await _record_run(conn, report, tr, stager, rejects, snap, mapping, started)
        if progress is not None:
            progress("apply", 1, 1)
    report.seconds = time.perf_counter() - t0
    report.timings["total"] = report.seconds
    report.max_rejects = max_rejects
    return report


@dataclass
class _Rejects:
    """The run's rejects, into migration_rejects as each Airtable table completes (the
    database has time for them then, not at the end)."""

    tenant_id: uuid.UUID
    run_id: uuid.UUID
    sent: int = 0

    async def send(self, stager: Stager, rejects: Sequence[Reject]) -> None:
        rows = reject_rows(self.tenant_id, self.run_id, rejects, start=self.sent)
        self.sent += len(rows)
        if rows:
            await stager.copy("migration_rejects", rows)


async def _transform_and_copy(tr: Transformer, snap: Snapshot, stager: Stager,
                              columns: dict[str, tuple[str, ...]], rejects: _Rejects,
                              final_batches: list[Any], total: int,
                              progress: Progress | None) -> float:
    """Stream the transform's chunks into the stages (and upserts); returns the clock at
    the end. `final_batches` receives the batches' final rows. The transform runs in a
    forked process (transform_process.py), or on a thread where there is no fork."""
    tenant_id = rejects.tenant_id
    if transform_process.available():
        source = transform_process.TransformProcess(tr, snap)
        chunks = source.chunks()
        records: Callable[[], int] = lambda: source.records  # noqa: E731
    else:
        chunks = transform_process.in_thread(tr.run(snap, milestones=True))
        records = lambda: sum(t.records for t in tr.ledger.tables.values())  # noqa: E731
    # aclosing: when the load fails, stop the transform now, not when the generator is
    # garbage-collected
    async with aclosing(chunks):
        async for table, rows in chunks:
            columns.update(tr.plans_columns)
            if table == COMPLETE:
                for done in rows:
                    await stager.complete(done.tables, done.table_id, tenant_id)
                    await rejects.send(stager, done.rejects)
            elif table == FINAL_BATCHES:
                final_batches.extend(rows)
            else:
                await stager.copy(table, rows)
            gc.freeze()  # see _old_objects_skipped_by_gc
            if progress is not None:
                progress("records", records(), total)
    return time.perf_counter()


@contextmanager
def _old_objects_skipped_by_gc() -> Iterator[None]:
    """Keep the cyclic garbage collector to the objects of the current chunk.

    What the transform keeps for the whole run (the ledger and its rejects, every record's
    id and uuid, the message keys of the legacy check, rows waiting for COPY) grows to
    millions of tracked objects, and each full collection walks all of them again: measured
    on the 231k-record bench base, 4.4–6.5 s of the migration's 20.5 s of Python CPU.
    `gc.freeze()` after each chunk moves what is alive into the permanent generation, which
    no collection walks; young objects are still collected as usual, and what the run froze
    is handed back to the collector at the end.
    """
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


async def _prefer_lz4(conn: asyncpg.Connection) -> None:
    """lz4 compresses the archive's JSONB several times faster than the default pglz; a
    server built without lz4 (the pgserver wheel's) simply keeps pglz."""
    await try_setting(conn, "SET default_toast_compression = 'lz4'")


async def _roomy_stages(conn: asyncpg.Connection) -> None:
    """The stages are temp tables, cached in the connection's temp_buffers (8 MB by default):
    the archive's stage alone is ≈ 250 MB, so with the default every stage page is written
    out and read back. The setting is only accepted before the session's first temp table;
    a caller that already used one keeps its value."""
    await try_setting(conn, "SET temp_buffers = '512MB'")


async def _record_run(conn: asyncpg.Connection, report: MigrationReport, tr: Transformer,
                      stager: Stager, rejects: _Rejects, snap: Snapshot, mapping: Mapping,
                      started: datetime) -> None:
    """The run's row, the rejects not sent yet, and then the keys of migration_rejects
    (they point at the run's row)."""
    await queries("migration/runs").record_run(
        conn, id=rejects.run_id, tenant_id=rejects.tenant_id, base_id=snap.base_id,
        snapshot=str(snap.root), exported_at=str(snap.manifest.get("exported_at") or ""),
        mapping_sha256=mapping.sha256, started_at=started, records=report.records,
        cells=json_text(report.cells), tables=json_text(report.tables),
        findings=json_text(report.findings), rejected=len(report.rejects),
        changed_rows=json_text(report.changed_rows))
    await rejects.send(stager, tr.ledger.rejects[rejects.sent:])
    if rejects.sent and "migration_rejects" not in stager.direct:  # staged (RLS): insert
        await stager.upsert("migration_rejects", plain=True)  # a new run_id: no conflict
    await stager.check_keys(rejects.tenant_id)
