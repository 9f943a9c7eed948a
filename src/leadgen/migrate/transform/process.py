"""The transform in a forked process, its chunks streamed back through a pipe.

A migration is two CPU-bound halves: the transform (Python) and the load (PostgreSQL, fed by
asyncpg's COPY encoding, also Python). On a thread they share one GIL, and the load's many
short wake-ups wait behind the transform: measured on the 231k-record bench base, the loading
side was busy 22 s of a 25 s run with only 3.4 s of its own CPU and 12 s of the backend's
(docs/benchmarks.md, Migrate). In a child process the transform runs on the other core.

    source = TransformProcess(tr, snapshot)
    async for table, rows in source.chunks():      # as Transformer.run(milestones=True)
        … source.records …                         # records transformed so far (progress)
    tr.ledger                                      # the child's final ledger, copied back

The child is a fork of the caller (it inherits the Transformer, its mapping, catalog and the
archive digests; nothing is re-imported or sent). It sends each chunk of a target table as
its binary COPY stream (wire.py: pickling the rows, unpickling them here and encoding them
again in asyncpg cost more than writing the stream once), milestones pickled; a reader thread
keeps up to QUEUE of them ready, so the transform stays ahead while the database works. An
exception in the child is re-raised here; if the caller stops early (an error in the load,
a cancelled task) the child is killed. If the caller is killed, the child's next write fails
on the closed pipe and it exits. Where there is no fork (Windows), `in_thread(tr.run(…))`
runs the transform on a thread instead.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import os
import pickle
import queue
import signal
import threading
from collections.abc import AsyncGenerator, Iterator
from multiprocessing.connection import Connection
from typing import Any

from leadgen.airtable.snapshot import Snapshot
from leadgen.errors import LeadgenError
from leadgen.migrate.load.wire import ChunkEncoder
from leadgen.migrate.transform.snapshot_rows import COMPLETE, FIXED_COLUMNS, Transformer

QUEUE = 64  # chunks ready on the caller's side (≈ 10 flushes of 5,000 records)
_Chunk = tuple[str, list[Any]]
_CHUNK, _DONE, _FAILED = "chunk", "done", "failed"


def available() -> bool:
    return hasattr(os, "fork")


class TransformProcess:
    def __init__(self, tr: Transformer, snapshot: Snapshot) -> None:
        self.tr, self.snapshot = tr, snapshot
        self.records = 0
        self.pid: int | None = None  # the child's, once started
        self.peak_rss_mb: float | None = None  # the child's peak memory, once it ended
        self.cpu_seconds: float | None = None  # and its CPU time

    async def chunks(self) -> AsyncGenerator[tuple[str, list[Any]], None]:
        read_fd, write_fd = os.pipe()
        pid = self.pid = os.fork()
        if pid == 0:  # the child: never returns
            os.close(read_fd)
            _transform(self.tr, self.snapshot, write_fd)
        os.close(write_fd)
        inbox = Connection(read_fd, writable=False)
        ready: queue.Queue[tuple[Any, ...]] = queue.Queue(maxsize=QUEUE)
        reader = threading.Thread(target=_read, args=(inbox, ready), name="migrate-transform",
                                  daemon=True)
        reader.start()
        loop = asyncio.get_running_loop()
        finished = False
        rejects: list[Any] = []  # those that came with the milestones (not sent again)
        try:
            while True:
                kind, *rest = await loop.run_in_executor(None, ready.get)
                if kind == _CHUNK:
                    chunk, self.records, columns = rest
                    self.tr.plans_columns.update(columns)
                    if chunk[0] == COMPLETE:
                        rejects.extend(r for done in chunk[1] for r in done.rejects)
                    yield chunk
                elif kind == _DONE:
                    self.tr.ledger, columns = rest
                    self.tr.ledger.rejects[:0] = rejects
                    self.tr.plans_columns.update(columns)
                    finished = True
                    return
                else:
                    raise rest[0]
        finally:
            if not finished:
                _kill(pid)
            await _drain(reader, ready)
            inbox.close()
            _, _, usage = await loop.run_in_executor(None, os.wait4, pid, 0)
            self.peak_rss_mb = usage.ru_maxrss / 1024
            self.cpu_seconds = usage.ru_utime + usage.ru_stime


async def in_thread(chunks: Iterator[_Chunk]) -> AsyncGenerator[_Chunk, None]:
    """Run the (CPU-bound) transform on a thread so it works while PostgreSQL ingests the
    previous chunk: the GIL is free while asyncpg waits on the socket. (Where os.fork
    exists the transform runs in its own process instead, which measured 15–19 % faster.)"""
    # Deep enough (≈10 flushes of 5,000 records) for the transform to keep working through a
    # long upsert (Messages: ~15 s at 100k rows) without holding the whole base in memory.
    # (A queue of 8 halves the peak memory, 820 → 420 MB, but costs 10–15 % of the time:
    # the transform then waits for the database.)
    handoff: queue.Queue[_Chunk | BaseException | None] = queue.Queue(maxsize=QUEUE)
    stop = threading.Event()  # the consumer failed: stop transforming

    def produce() -> None:
        try:
            for chunk in chunks:
                if stop.is_set():
                    return
                handoff.put(chunk)
        except BaseException as exc:  # re-raised on the event loop's side
            handoff.put(exc)
        else:
            handoff.put(None)

    worker = threading.Thread(target=produce, name="migrate-transform", daemon=True)
    worker.start()
    loop = asyncio.get_running_loop()
    try:
        while True:
            item = await loop.run_in_executor(None, handoff.get)
            if item is None:
                return
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()
        await _drain(worker, handoff)


async def _drain(thread: threading.Thread, handoff: queue.Queue[Any]) -> None:
    """Unblock `thread` if it waits on the full `handoff`, and join it; then unblock a getter
    that a cancelled `await run_in_executor(None, handoff.get)` may have left behind."""
    while thread.is_alive():
        try:
            handoff.get_nowait()
        except queue.Empty:
            await asyncio.sleep(0.01)
    thread.join()
    handoff.put_nowait(None)


def _transform(tr: Transformer, snapshot: Snapshot, write_fd: int) -> None:
    """The child's whole life: run the transform, send every chunk, then the ledger."""
    out = Connection(write_fd, readable=False)
    try:
        gc.freeze()  # the parent's objects: never garbage here
        encoder = ChunkEncoder(tr.catalog)
        sent = 0  # rejects that went with the milestones (Completed.rejects)
        for table, rows in tr.run(snapshot, milestones=True):
            records = sum(t.records for t in tr.ledger.tables.values())
            chunk: tuple[str, Any] = (table, rows)
            columns = FIXED_COLUMNS.get(table) or tr.plans_columns.get(table)
            if columns is not None and rows:  # a target table's rows, not a milestone
                chunk = (table, encoder.encode(table, columns, rows) or rows)
            elif table == COMPLETE:
                sent += sum(len(done.rejects) for done in rows)
            out.send_bytes(pickle.dumps((_CHUNK, chunk, records, tr.plans_columns),
                                        protocol=pickle.HIGHEST_PROTOCOL))
            gc.freeze()  # what the run keeps: see run._old_objects_skipped_by_gc
        del tr.ledger.rejects[:sent]  # the parent has them (this process ends here)
        out.send_bytes(pickle.dumps((_DONE, tr.ledger, tr.plans_columns),
                                    protocol=pickle.HIGHEST_PROTOCOL))
    except BaseException as exc:  # every failure goes to the parent
        try:
            blob = pickle.dumps((_FAILED, exc))
        except Exception:  # an exception that does not pickle
            blob = pickle.dumps((_FAILED, RuntimeError(f"{type(exc).__name__}: {exc}")))
        with contextlib.suppress(OSError):  # the parent is gone
            out.send_bytes(blob)
    finally:
        os._exit(0)  # no atexit handlers, finalizers or buffered output of the parent's


def _read(inbox: Connection, ready: queue.Queue[tuple[Any, ...]]) -> None:
    """The reader thread: unpickle what the child sends until it is done or gone."""
    while True:
        try:
            message = pickle.loads(inbox.recv_bytes())
        except (EOFError, OSError):
            ready.put((_FAILED, LeadgenError(
                "the transform process ended without finishing (killed, or out of memory?)",
                hint="nothing was loaded; re-run the migration, and check the system log")))
            return
        except BaseException as exc:  # re-raised on the event loop's side
            ready.put((_FAILED, exc))
            return
        ready.put(message)
        if message[0] != _CHUNK:
            return


def _kill(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)
