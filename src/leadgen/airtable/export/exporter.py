"""`export_base`: read a whole Airtable base into a snapshot directory, resumably.

The steps, each safe to interrupt at any point (kill -9 included):

1. take an exclusive lock on DIR (two exporters must not interleave manifest writes) and drop
   temp files a killed run left behind;
2. GET the schema; tables that a previous run finished (see `Checkpoint.is_finished`) are kept,
   unless `fresh`;
3. write schema.json and a manifest with `"complete": false`;
4. read the remaining tables concurrently — all threads share one pacer for the base, so the
   limit holds — each into its own temp file, renamed into place and recorded in the manifest
   as soon as the table is whole;
5. mark the manifest complete when every table is.

The first table that fails stops the others (they finish their current page), and the error
says which table and that a re-run resumes.
"""

from __future__ import annotations

import fcntl
import os
import threading
import time
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor, wait
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from pyairtable import Api
from rich.console import Console
from rich.progress import TaskID

from leadgen import terminal
from leadgen.airtable.export.checkpoint import Checkpoint, TableWriter, remove_stale_temp_files
from leadgen.airtable.export.client import (
    ExportCancelled,
    build_api,
    explain,
    fetch_base_name,
    fetch_schema,
    scan_table,
)
from leadgen.airtable.export.pacing import AIRTABLE_RATE_LIMIT, DEFAULT_MARGIN, PacerRegistry
from leadgen.airtable.export.progress import ExportProgress, ExportSummary, TableResult
from leadgen.airtable.export.retrying import RequestStats, RetryPolicy
from leadgen.airtable.snapshot import JSON, Record
from leadgen.errors import AirtableError, ConfigError


@dataclass(frozen=True)
class ExportOptions:
    """Knobs with Airtable's real limits as defaults; tests shrink the times, not the logic."""

    rate_limit: float = AIRTABLE_RATE_LIMIT
    margin: float = DEFAULT_MARGIN
    concurrency: int = 4
    timeout: tuple[float, float] = (10.0, 60.0)
    fresh: bool = False
    max_restarts: int = 5  # expired iterators per table before giving up (each = a full re-read)
    policy: RetryPolicy = field(default_factory=RetryPolicy)


def utc_now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


@contextmanager
def export_lock(root: Path) -> Iterator[None]:
    """Hold DIR/.export.lock (released by the OS even on kill -9)."""
    root.mkdir(parents=True, exist_ok=True)
    fd = os.open(root / ".export.lock", os.O_CREAT | os.O_RDWR, 0o600)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise ConfigError(
                f"another export is writing to {root}",
                hint="wait for it to finish, or pass another --out",
            ) from None
        yield
    finally:
        os.close(fd)


@dataclass
class _Run:
    """Everything the table workers share."""

    api: Api
    base_id: str
    out: Path
    checkpoint: Checkpoint
    progress: ExportProgress
    stats: RequestStats
    max_restarts: int
    stop: threading.Event = field(default_factory=threading.Event)

    def read_table(self, table: JSON, result: TableResult, task_id: TaskID) -> None:
        result.status = "reading"
        self.progress.start_table(task_id)
        started = time.monotonic()
        try:
            with TableWriter(self.out, table["id"]) as writer:

                def add_page(page: list[Record]) -> int:
                    new = writer.add(page)
                    self.progress.advance(task_id, new)
                    return new

                result.restarts = scan_table(
                    self.api,
                    self.base_id,
                    table["id"],
                    add_page,
                    stats=self.stats,
                    stop=self.stop,
                    max_restarts=self.max_restarts,
                )
                count, sha = writer.commit()
            self.checkpoint.finish_table(table["id"], count=count, sha256=sha)
            result.records, result.status = count, "read"
        except ExportCancelled:
            result.status = "cancelled"
            raise
        except BaseException:
            result.status = "failed"
            self.stop.set()  # one broken table stops the rest; a re-run resumes
            raise
        finally:
            result.seconds = time.monotonic() - started
        note = f"(restarted {result.restarts}×)" if result.restarts else ""
        self.progress.finish_table(task_id, count, note)


def export_base(
    base_id: str,
    out: Path,
    *,
    token: str,
    endpoint: str,
    options: ExportOptions | None = None,
    console: Console | None = None,
    show_progress: bool = True,
) -> ExportSummary:
    """Export `base_id` into the snapshot directory `out`; resumes what a previous run left."""
    options = options or ExportOptions()
    console = console or terminal.console(stderr=True)
    started = time.monotonic()
    summary = ExportSummary(base_id=base_id, out=str(out), rate_limit=options.rate_limit)
    stats = RequestStats()
    pacers = PacerRegistry(options.rate_limit, margin=options.margin)
    api = build_api(
        token,
        endpoint=endpoint,
        pacers=pacers,
        policy=options.policy,
        stats=stats,
        timeout=options.timeout,
        pool_size=max(4, options.concurrency * 2),
    )
    with export_lock(out):
        remove_stale_temp_files(out)
        checkpoint = Checkpoint(out, base_id)  # refuses a folder holding another base
        try:
            schema = fetch_schema(api, base_id)
            base_name = fetch_base_name(api, base_id)
        except AirtableError:
            raise
        except Exception as exc:
            raise explain(exc, endpoint=endpoint, base_id=base_id) from None
        tables: list[JSON] = schema["tables"]
        finished = (
            set() if options.fresh else {t["id"] for t in tables if checkpoint.is_finished(t)}
        )
        checkpoint.start(
            base_name=base_name, schema=schema, finished=finished, started_at=utc_now()
        )
        results = {t["id"]: TableResult(table_id=t["id"], name=t["name"]) for t in tables}
        summary.tables = list(results.values())
        for tid in finished:
            results[tid].status = "kept"
            results[tid].records = checkpoint.previous_count(tid) or 0

        failure: Exception | None = None
        failed_table = ""
        with ExportProgress(console, enabled=show_progress) as progress:
            run = _Run(api, base_id, out, checkpoint, progress, stats, options.max_restarts)
            todo = [t for t in tables if t["id"] not in finished]
            tasks = {
                t["id"]: progress.add_table(t["name"], checkpoint.previous_count(t["id"]))
                for t in todo
            }
            pool = ThreadPoolExecutor(
                max_workers=max(1, options.concurrency), thread_name_prefix="export"
            )
            futures: dict[Future[None], JSON] = {
                pool.submit(run.read_table, t, results[t["id"]], tasks[t["id"]]): t for t in todo
            }
            try:
                pending = set(futures)
                while pending:
                    done, pending = wait(pending, timeout=0.5, return_when="FIRST_EXCEPTION")
                    for fut in done:
                        error = fut.exception()
                        if (
                            isinstance(error, Exception)
                            and not isinstance(error, ExportCancelled)
                            and not failure
                        ):
                            failure, failed_table = error, futures[fut]["name"]
                            run.stop.set()
            except KeyboardInterrupt:
                run.stop.set()
                pool.shutdown(wait=True, cancel_futures=True)
                raise
            pool.shutdown(wait=True, cancel_futures=True)

        summary.seconds = time.monotonic() - started
        summary.stats = stats.as_dict()
        pacer = pacers.for_base(base_id)
        summary.pacing = {
            "budget_idle_seconds": round(pacer.idle, 2),
            "waited_seconds": round(pacer.waited, 2),
            "final_margin": round(pacer.margin, 3),
        }
        summary.complete = checkpoint.finish(exported_at=utc_now())
    if failure is not None:
        if isinstance(failure, AirtableError | ConfigError):
            raise failure
        error = explain(failure, endpoint=endpoint, base_id=base_id, table=failed_table)
        done_count = sum(r.status in ("read", "kept") for r in summary.tables)
        error.hint = f"{error.hint or ''} ({done_count} of {len(tables)} tables are finished)"
        raise error from None
    return summary
