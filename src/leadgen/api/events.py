"""Live pipeline-run progress: one LISTEN connection per database node, fanned out in memory.

Migration 0006 makes every insert/update of pipeline_runs `pg_notify('pipeline_runs',
{tenant_id, run_id, status})`. This hub keeps a connection listening on that channel and
wakes only the subscribers of that (tenant, run); each subscriber then re-reads the row in its
own tenant transaction, under RLS, so the payload is a doorbell and never the data. If a
listening connection drops it is re-opened; subscribers also re-read on a timer so a missed
notification delays an update, never loses it.

On a Citus cluster the trigger fires on the worker that holds the run's shard, and a NOTIFY
reaches only listeners of that node's database
(https://www.postgresql.org/docs/15/sql-notify.html), so the hub also listens on every worker
of the coordinator's node list (same role and database), and re-reads that list now and then:
a tenant whose shards move to another worker keeps its live progress.
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

from leadgen.db.citus_cluster import Node, node_url, worker_nodes

CHANNEL = "pipeline_runs"
NODES_EVERY_SECONDS = 10.0  # how often the worker list of a Citus coordinator is re-read
log = logging.getLogger("leadgen.api.events")


class RunEvents:
    """Subscribers per (tenant_id, run_id), woken by the shared LISTEN connections."""

    def __init__(self, url: str) -> None:
        self._url = url
        self._subscribers: dict[tuple[UUID, UUID], set[asyncio.Queue[str]]] = defaultdict(set)
        self._conn: asyncpg.Connection | None = None
        self._workers: dict[Node, asyncpg.Connection] = {}
        self._task: asyncio.Task[None] | None = None
        self._closing = asyncio.Event()

    async def start(self) -> None:
        await self._connect()
        await self._listen_on_workers()
        self._task = asyncio.create_task(self._watch())

    async def close(self) -> None:
        self._closing.set()
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        for conn in [self._conn, *self._workers.values()]:
            if conn is not None and not conn.is_closed():
                await conn.close()

    async def _connect(self) -> None:
        self._conn = await asyncpg.connect(self._url)
        await self._conn.add_listener(CHANNEL, self._on_notify)

    async def _listen_on_workers(self) -> None:
        """A LISTEN connection on each worker of a Citus coordinator (none without Citus)."""
        try:
            nodes = await worker_nodes(self._url)
        except (OSError, asyncpg.PostgresError) as exc:
            log.warning("LISTEN %s: cannot read the Citus node list: %s", CHANNEL, exc)
            return
        for node in nodes:
            conn = self._workers.get(node)
            if conn is not None and not conn.is_closed():
                continue
            try:
                conn = await asyncpg.connect(node_url(self._url, node))
                await conn.add_listener(CHANNEL, self._on_notify)
            except (OSError, asyncpg.PostgresError) as exc:
                log.warning("LISTEN %s on %s:%s failed: %s", CHANNEL, *node, exc)
                continue
            self._workers[node] = conn
            self._wake_all("reconnected")
        for gone in set(self._workers) - set(nodes):
            await self._workers.pop(gone).close()

    async def _watch(self) -> None:
        """Re-open a LISTEN connection that drops; follow the cluster's worker list."""
        since_nodes = 0.0
        while not self._closing.is_set():
            await asyncio.sleep(1.0)
            since_nodes += 1.0
            if self._conn is None or self._conn.is_closed():
                try:
                    await self._connect()
                    self._wake_all("reconnected")
                except (OSError, asyncpg.PostgresError) as exc:
                    log.warning("LISTEN %s: reconnect failed: %s", CHANNEL, exc)
            dropped = any(c.is_closed() for c in self._workers.values())
            if dropped or (self._workers and since_nodes >= NODES_EVERY_SECONDS):
                since_nodes = 0.0
                await self._listen_on_workers()

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
