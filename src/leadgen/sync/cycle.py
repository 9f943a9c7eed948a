"""`leadgen sync`: the parallel run — keep a tenant in step with its Airtable base.

Airtable stays the source of truth. One cycle:

1. schema: GET the base's schema (1 request) and stop on drift (sync_drift.py) — SchemaError,
   exit 5, naming each field — until a changed mapping covers the live schema;
2. changes: per mapped table the records created or modified since the last cycle's start
   minus an overlap, plus the records a change may have altered silently, plus an id-only
   scan for deletions (sync_changes.py, sync_reader.py). All requests share one paced client:
   never more than 5 req/s against the base, never a 429 provoked;
3. apply, in ONE transaction: the archive (airtable_records) with the changes applied is
   the base as it is now; it goes through the migration engine unchanged — the same mapping,
   transform, ledger, rejects and loader (`run.load_snapshot`: upsert what differs, delete what
   disappeared, record a migration run with its rejects) — and the cycle's figures and the new
   watermark are written to sync_state / sync_cycles in the same transaction. A cycle that
   finds nothing to change writes only its figures.
"""

from __future__ import annotations

import json
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from uuid import UUID

import asyncpg

from leadgen.admin.tenants import tenant_id_for
from leadgen.airtable.snapshot import JSON, Record, Snapshot, write_snapshot
from leadgen.db.connect import admin_transaction, connect, tenant_transaction
from leadgen.errors import MappingError, SchemaError
from leadgen.migrate import run as migration_run
from leadgen.migrate.coverage import Catalog, check_against_database, read_catalog
from leadgen.migrate.mapping import Mapping, load_mapping
from leadgen.sql import queries
from leadgen.sync.changes import ChangeSet, apply_changes, detect_changes, summary
from leadgen.sync.drift import drift_error, mapping_error_as_drift, schema_drift
from leadgen.sync.reader import AirtableReader, iso_z
from leadgen.verify.rows import all_rows

DEFAULT_OVERLAP = 300.0  # seconds re-read before the watermark (clock skew, slow commits)


@dataclass
class CycleResult:
    """What one cycle did (also a row of sync_cycles)."""

    base_id: str
    started_at: datetime
    status: str = "ok"
    window_start: datetime | None = None
    changed: int = 0
    deleted: int = 0
    rejected: int = 0
    requests: int = 0
    seconds: float = 0.0
    lag_seconds: float | None = None
    tables: dict[str, Any] = field(default_factory=dict)
    message: str | None = None

    def as_json(self) -> dict[str, Any]:
        return {"base_id": self.base_id, "started_at": self.started_at.isoformat(),
                "status": self.status, "changed": self.changed, "deleted": self.deleted,
                "rejected": self.rejected, "requests": self.requests,
                "seconds": round(self.seconds, 3), "lag_seconds": self.lag_seconds,
                "tables": self.tables, "message": self.message}


@dataclass
class SyncOptions:
    interval: float = 60.0
    overlap: float = DEFAULT_OVERLAP
    mapping_path: Path | None = None


def _archive_record(row: asyncpg.Record) -> Record:
    if row["raw"] is not None:  # the original line (a U+0000 the jsonb could not hold)
        rec: Record = json.loads(bytes(row["raw"]))
        return rec
    created = row["created_time"]
    return {"id": row["record_id"], "createdTime": iso_z(created) if created else None,
            "fields": json.loads(row["fields"])}


async def read_archive(conn: asyncpg.Connection, tenant_id: UUID,
                       base_id: str) -> dict[str, dict[str, Record]]:
    out: dict[str, dict[str, Record]] = {}
    rows = queries("sync/state").archive(conn, tenant_id=tenant_id, base_id=base_id)
    for row in await all_rows(rows):
        out.setdefault(row["table_id"], {})[row["record_id"]] = _archive_record(row)
    return out


def _baseline(state: asyncpg.Record | None, run: asyncpg.Record | None,
              live: JSON) -> tuple[JSON, str | None]:
    """The schema (and mapping checksum) the mapping was last accepted against."""
    if state is not None and state["baseline_schema"] is not None:
        raw = state["baseline_schema"]
        return (json.loads(raw) if isinstance(raw, str) else raw), state["mapping_sha256"]
    if run is not None and run["snapshot"]:
        path = Path(run["snapshot"]) / "schema.json"
        if path.is_file():
            return json.loads(path.read_text("utf-8")), run["mapping_sha256"]
    return live, run["mapping_sha256"] if run is not None else None


def _since(state: asyncpg.Record | None, run: asyncpg.Record | None,
           overlap: float) -> datetime | None:
    """Start of the change window: last cycle's start (else the export's time) - overlap."""
    mark: datetime | None = state["watermark"] if state is not None else None
    if mark is None and run is not None:
        try:
            mark = datetime.fromisoformat(str(run["exported_at"]).replace("Z", "+00:00"))
        except ValueError:
            mark = run["started_at"]
    return None if mark is None else mark - timedelta(seconds=overlap)


async def sync_once(url: str, base_id: str, tenant_slug: str, reader: AirtableReader,
                    options: SyncOptions | None = None) -> CycleResult:
    """Run one cycle; SchemaError on drift (after recording the stopped cycle)."""
    options = options or SyncOptions()
    t0 = time.perf_counter()
    started = datetime.now(UTC)
    requests_before = reader.requests
    reader.per_table.clear()
    result = CycleResult(base_id=base_id, started_at=started)
    conn = await connect(url)
    try:
        async with admin_transaction(conn, actor="sync"):
            tenant_id = await tenant_id_for(conn, tenant_slug)
        q = queries("sync/state")
        async with tenant_transaction(conn, tenant_id, role="leadgen_owner"):
            state = await q.get_state(conn, tenant_id=tenant_id, base_id=base_id)
            run = await q.base_migration(conn, tenant_id=tenant_id, base_id=base_id)
            archive = await read_archive(conn, tenant_id, base_id)
        live = reader.schema()
        baseline, accepted_sha = _baseline(state, run, live)
        catalog = await read_catalog(conn)
        try:
            mapping = _accept(base_id, baseline, live, accepted_sha, options, catalog)
        except SchemaError as exc:
            result.status, result.message = "drift", exc.message
            await _finish(conn, tenant_id, result, state, baseline, accepted_sha, options,
                          watermark=state["watermark"] if state is not None else None,
                          reader=reader, requests_before=requests_before, t0=t0)
            raise
        since = _since(state, run, options.overlap)
        result.window_start = since
        changes = detect_changes(reader, live, mapping, archive,
                                 iso_z(since) if since is not None else None)
        result.changed, result.deleted = changes.changed, changes.deletions
        result.tables = summary(changes, live, reader.per_table)
        async with tenant_transaction(conn, tenant_id, actor="sync", role="leadgen_owner"):
            if not changes.empty:
                result.rejected = await _apply(conn, tenant_id, tenant_slug, base_id, live,
                                               archive, changes, mapping, catalog, started)
            await _finish(conn, tenant_id, result, state, live, mapping.sha256, options,
                          watermark=started, reader=reader, requests_before=requests_before,
                          t0=t0)
    finally:
        await conn.close()
    return result


def _accept(base_id: str, baseline: JSON, live: JSON, accepted_sha: str | None,
            options: SyncOptions, catalog: Catalog) -> Mapping:
    """The mapping for this cycle, or SchemaError when the base drifted from it."""
    where = str(options.mapping_path or "the bundled mapping")
    try:
        mapping = load_mapping(options.mapping_path, schema=live)
    except MappingError as exc:
        raise mapping_error_as_drift(base_id, exc) from None
    drifts = schema_drift(baseline, live)
    if drifts and (accepted_sha is None or mapping.sha256 == accepted_sha):
        raise drift_error(base_id, drifts, where)
    try:
        check_against_database(mapping, catalog)
    except MappingError as exc:
        raise SchemaError(exc.message, hint=exc.hint) from None
    return mapping


async def _apply(conn: asyncpg.Connection, tenant_id: UUID, slug: str, base_id: str,
                 live: JSON, archive: dict[str, dict[str, Record]], changes: ChangeSet,
                 mapping: Mapping, catalog: Catalog, started: datetime) -> int:
    """The current base through the migration engine; returns the reject count."""
    records = apply_changes(archive, changes, live)
    stamp = started.strftime("%Y%m%dT%H%M%S")
    with tempfile.TemporaryDirectory(prefix=f"leadgen-sync-{base_id}-{stamp}-") as tmp:
        root = Path(tmp)
        write_snapshot(root, base_id=base_id, base_name=base_id, schema=live, records=records,
                       exported_at=iso_z(started))
        report = await migration_run.load_snapshot(  # the engine's one-transaction load
            conn, Snapshot.open(root), mapping, catalog, tenant_id, slug, started,
            time.perf_counter(), 0, None)
    return len(report.rejects)


async def _finish(conn: asyncpg.Connection, tenant_id: UUID, result: CycleResult,
                  state: asyncpg.Record | None, baseline: JSON, sha: str | None,
                  options: SyncOptions, *, watermark: datetime | None, reader: AirtableReader,
                  requests_before: int, t0: float) -> None:
    """Write the cycle's figures and the state (inside the caller's transaction)."""
    result.requests = reader.requests - requests_before
    result.seconds = time.perf_counter() - t0
    now = datetime.now(UTC)
    previous = state["last_cycle_at"] if state is not None else None
    # Lag: how stale PostgreSQL could be at the end of this cycle (changes made in Airtable
    # just after the previous cycle started are applied only now).
    ref = state["watermark"] if state is not None and state["watermark"] else previous
    result.lag_seconds = round((now - ref).total_seconds(), 3) if ref else None
    q = queries("sync/state")
    args = dict(tenant_id=tenant_id, base_id=result.base_id)

    async def write() -> None:
        await q.record_cycle(
            conn, **args, started_at=result.started_at, status=result.status,
            window_start=result.window_start, changed=result.changed, deleted=result.deleted,
            rejected=result.rejected, requests=result.requests, lag_seconds=result.lag_seconds,
            tables=json.dumps(result.tables), message=result.message)
        await q.save_state(
            conn, **args, interval_seconds=options.interval, watermark=watermark,
            last_cycle_at=now, last_status=result.status, last_message=result.message,
            baseline_schema=json.dumps(baseline), mapping_sha256=sha)

    if conn.is_in_transaction():
        await write()
    else:
        async with tenant_transaction(conn, tenant_id, actor="sync", role="leadgen_owner"):
            await write()
