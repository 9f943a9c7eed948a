"""Move one tenant's shards to another worker of a Citus cluster, the schema's guarantees kept.

`citus_move_shard_placement` moves the shard that holds the tenant and every co-located one
(https://docs.citusdata.com/en/stable/develop/api_udf.html#citus-move-shard-placement). Its
copy and its logical replication run as the table owner, and `leadgen_owner` is bound by
FORCE ROW LEVEL SECURITY with a policy that raises when no tenant is set: the copy stops at
"no tenant set for this transaction", and PostgreSQL 15 refuses to replicate into a table
whose RLS binds the applying role ("cannot replicate into relation with row-level security
enabled", https://www.postgresql.org/docs/15/logical-replication-security.html). So for the
move, and only for it, the owner's FORCE is lifted on the distributed tables and restored
afterwards, whatever happens. RLS stays enabled: `leadgen_app` (not the owner, NOBYPASSRLS)
is bound throughout, and the upgrade lock keeps `leadgen db upgrade` (the owner's DDL) out.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from uuid import UUID

import asyncpg

from leadgen.db.citus_cluster import Node
from leadgen.db.connect import connect, quoted_identifier
from leadgen.db.distribute import LOCK_KEY
from leadgen.errors import ConfigError, NotFound, SchemaError

TRANSFER_MODES = ("auto", "force_logical", "block_writes")
LOCK_TIMEOUT = "300ms"
ATTEMPTS = 1500  # × 20 ms: half a minute


@dataclass(frozen=True)
class Move:
    shard_id: int
    source: Node
    target: Node
    seconds: float


async def tenant_node(conn: asyncpg.Connection, tenant_id: UUID) -> tuple[int, Node]:
    """The shard of `companies` that holds the tenant, and the worker it is on."""
    row = await conn.fetchrow(
        "SELECT s.shardid, p.nodename, p.nodeport FROM pg_dist_shard s "
        "JOIN pg_dist_shard_placement p ON p.shardid = s.shardid "
        "WHERE s.shardid = get_shard_id_for_distribution_column('companies', $1::text)",
        str(tenant_id))
    if row is None:
        raise NotFound(f"no shard of companies holds tenant {tenant_id}",
                       hint="is this a Citus coordinator with the schema distributed?")
    return int(row["shardid"]), (row["nodename"], int(row["nodeport"]))


async def move_tenant(url: str, tenant_id: UUID, target: Node | None = None,
                      mode: str = "force_logical") -> Move:
    """Move the tenant's shard group to `target` (default: another primary worker)."""

    if mode not in TRANSFER_MODES:
        raise ConfigError(f"unknown shard transfer mode {mode!r}",
                          hint=f"use one of: {', '.join(TRANSFER_MODES)}")
    conn = await connect(url)
    try:
        shard_id, source = await tenant_node(conn, tenant_id)
        if target is None:
            row = await conn.fetchrow(
                "SELECT nodename, nodeport FROM pg_dist_node WHERE noderole = 'primary' "
                "AND groupid <> 0 AND (nodename, nodeport) <> ($1, $2) ORDER BY nodeid LIMIT 1",
                *source)
            if row is None:
                raise ConfigError("the cluster has no other worker to move the tenant to")
            target = (row["nodename"], int(row["nodeport"]))
        await conn.execute("SELECT pg_advisory_lock($1)", LOCK_KEY)
        forced = [r["name"] for r in await conn.fetch(
            "SELECT c.relname AS name FROM pg_dist_partition p "
            "JOIN pg_class c ON c.oid = p.logicalrelid "
            "WHERE p.partmethod = 'h' AND c.relforcerowsecurity ORDER BY c.relname")]
        try:
            await _force(conn, forced, on=False)
            started = time.perf_counter()
            await conn.execute(
                "SELECT citus_move_shard_placement($1, $2, $3, $4, $5, "
                "shard_transfer_mode => $6::citus.shard_transfer_mode)",
                shard_id, source[0], source[1], target[0], target[1], mode)
            seconds = time.perf_counter() - started
        finally:
            await _force(conn, forced, on=True)
            await conn.execute("SELECT pg_advisory_unlock($1)", LOCK_KEY)
        return Move(shard_id, source, target, seconds)
    finally:
        await conn.close()


async def _force(conn: asyncpg.Connection, tables: list[str], *, on: bool) -> None:
    """FORCE (or not) row level security on `tables`, in one transaction.

    ALTER TABLE takes each table's strongest lock while the API's transactions hold some of
    them: the locks are taken all at once without waiting, and the transaction is tried again
    a moment later until no request holds any of them."""
    clause = "FORCE" if on else "NO FORCE"
    for attempt in range(1, ATTEMPTS + 1):
        try:
            async with conn.transaction():
                await conn.execute(f"SET LOCAL lock_timeout = '{LOCK_TIMEOUT}'")
                # every table at once, or none (NOWAIT): this transaction never waits while
                # holding a lock a request needs, and once it holds them all no request holds
                # any, so the ALTERs cannot be part of a deadlock
                await conn.execute("LOCK TABLE " + ", ".join(map(quoted_identifier, tables))
                                   + " IN ACCESS EXCLUSIVE MODE NOWAIT")
                for name in tables:  # one statement a query: Citus propagates each one's text
                    await conn.execute(
                        f"ALTER TABLE {quoted_identifier(name)} {clause} ROW LEVEL SECURITY")
            return
        # a worker's NOWAIT refusal reaches the coordinator as "failure on connection marked
        # as essential" (XX000), not as SQLSTATE 55P03
        except (asyncpg.LockNotAvailableError, asyncpg.DeadlockDetectedError,
                asyncpg.InternalServerError):
            if attempt == ATTEMPTS:
                raise SchemaError(
                    f"could not {clause} ROW LEVEL SECURITY on the distributed tables "
                    f"after {ATTEMPTS} attempts", hint=(
                        "run `ALTER TABLE … FORCE ROW LEVEL SECURITY` on each of: "
                        + ", ".join(tables)) if on else "try the move again") from None
            await asyncio.sleep(0.02)
