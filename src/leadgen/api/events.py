"""Live pipeline-run progress: ONE LISTEN connection for the whole app, fanned out in memory.

Migration 0006 makes every insert/update of pipeline_runs `pg_notify('pipeline_runs',
{tenant_id, run_id, status})`. This hub keeps a single connection listening on that channel
and wakes only the subscribers of that (tenant, run); each subscriber then re-reads the row
in its own tenant transaction, under RLS, so the payload is a doorbell and never the data.
If the listening connection drops it is re-opened; subscribers also re-read on a timer so a
missed notification delays an update, never loses it.

On a Citus coordinator there is no NOTIFY to hear: the trigger would fire on the worker that
holds the run's shard, whose notifications reach only that node's listeners
(https://www.postgresql.org/docs/15/sql-notify.html), and PostgreSQL refuses to PREPARE a
transaction that notified, which is how Citus commits a write to several nodes
(https://www.postgresql.org/docs/15/sql-prepare-transaction.html); `leadgen db distribute`
drops that trigger. The hub then polls instead: every POLL_SECONDS it reads the runs that
someone is subscribed to, one router query per tenant under RLS, and rings the bell of each
run whose row changed.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections import defaultdict
from collections.abc import AsyncIterator
from uuid import UUID

import asyncpg

from leadgen.db.citus_cluster import has_citus
from leadgen.db.connect import tenant_transaction

CHANNEL = "pipeline_runs"
POLL_SECONDS = 0.5  # on Citus: how often the subscribed runs are re-read
log = logging.getLogger("leadgen.api.events")


class RunEvents:
    """Subscribers per (tenant_id, run_id), woken by the shared LISTEN connection."""

    def __init__(self, url: str) -> None:
        self._url = url
        self._subscribers: dict[tuple[UUID, UUID], set[asyncio.Queue[str]]] = defaultdict(set)
        self._conn: asyncpg.Connection | None = None
        self._task: asyncio.Task[None] | None = None
        self._poller: asyncio.Task[None] | None = None
        self._poll_conn: asyncpg.Connection | None = None
        self._seen: dict[tuple[UUID, UUID], str | None] = {}
        self._closing = asyncio.Event()
        self.polling = False  # True on Citus: rows are polled, not notified

    async def start(self) -> None:
        await self._connect()
        assert self._conn is not None
        self.polling = await has_citus(self._conn)
        self._task = asyncio.create_task(self._watch())
        if self.polling:
            self._poller = asyncio.create_task(self._poll())

    async def close(self) -> None:
        self._closing.set()
        for task in (self._task, self._poller):
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
        if self._conn is not None and not self._conn.is_closed():
            await self._conn.close()

    async def _connect(self) -> None:
        self._conn = await asyncpg.connect(self._url)
        await self._conn.add_listener(CHANNEL, self._on_notify)

    async def _watch(self) -> None:
        """Re-open the LISTEN connection if it drops."""
        while not self._closing.is_set():
            await asyncio.sleep(1.0)
            if self._conn is None or self._conn.is_closed():
                try:
                    await self._connect()
                    self._wake_all("reconnected")
                except (OSError, asyncpg.PostgresError) as exc:
                    log.warning("LISTEN %s: reconnect failed: %s", CHANNEL, exc)

    async def _poll(self) -> None:
        """On Citus: ring the bell of every subscribed run whose row changed."""
        conn: asyncpg.Connection | None = None
        try:
            await self._poll_forever(conn)
        finally:
            if self._poll_conn is not None and not self._poll_conn.is_closed():
                self._poll_conn.terminate()

    async def _poll_forever(self, conn: asyncpg.Connection | None) -> None:
        while not self._closing.is_set():
            await asyncio.sleep(POLL_SECONDS)
            by_tenant: dict[UUID, list[UUID]] = defaultdict(list)
            for tenant_id, run_id in list(self._subscribers):
                by_tenant[tenant_id].append(run_id)
            if not by_tenant:
                continue
            try:
                if conn is None or conn.is_closed():
                    conn = self._poll_conn = await asyncpg.connect(self._url)
                for tenant_id, run_ids in by_tenant.items():
                    async with tenant_transaction(conn, tenant_id):
                        rows = await conn.fetch(
                            "SELECT id, r::text AS doc FROM pipeline_runs r "
                            "WHERE tenant_id = $1 AND id = ANY($2::uuid[])", tenant_id, run_ids)
                    docs = {r["id"]: r["doc"] for r in rows}
                    for run_id in run_ids:
                        key = (tenant_id, run_id)
                        doc = docs.get(run_id)
                        # first sight rings too: the change may predate it (a spare re-read)
                        if key not in self._seen or self._seen[key] != doc:
                            for queue in self._subscribers.get(key, ()):
                                queue.put_nowait("changed")
                        self._seen[key] = doc
            except (OSError, asyncpg.PostgresError) as exc:
                log.warning("polling %s: %s", CHANNEL, exc)
                if conn is not None:
                    conn.terminate()
                conn = None
            for key in set(self._seen) - set(self._subscribers):
                del self._seen[key]

    def _on_notify(self, _conn: object, _pid: int, _channel: str, payload: object) -> None:
        try:
            data = json.loads(str(payload))
            key = (UUID(data["tenant_id"]), UUID(data["run_id"]))
        except (ValueError, KeyError, TypeError):
            return
        for queue in self._subscribers.get(key, ()):
            queue.put_nowait(str(data.get("status", "")))

    def _wake_all(self, why: str) -> None:
        for queues in self._subscribers.values():
            for queue in queues:
                queue.put_nowait(why)

    @property
    def listening(self) -> bool:
        return self._conn is not None and not self._conn.is_closed()

    @contextlib.asynccontextmanager
    async def subscribe(self, tenant_id: UUID, run_id: UUID) -> AsyncIterator[asyncio.Queue[str]]:
        key = (tenant_id, run_id)
        queue: asyncio.Queue[str] = asyncio.Queue()
        self._subscribers[key].add(queue)
        try:
            yield queue
        finally:
            self._subscribers[key].discard(queue)
            if not self._subscribers[key]:
                del self._subscribers[key]

    def subscriber_count(self) -> int:
        return sum(len(q) for q in self._subscribers.values())
