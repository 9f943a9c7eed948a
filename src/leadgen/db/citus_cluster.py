"""A database on a Citus cluster: created on every node, with the extension and the node list.

Citus keeps its metadata (the node list, pg_dist_*) per database and does not propagate
`CREATE DATABASE` by default (https://docs.citusdata.com/en/stable/admin_guide/cluster_management.html),
so a new database on a cluster is made on the coordinator and on each worker, `CREATE
EXTENSION citus` runs in each, and the coordinator's copy is told where it and the workers are
(`citus_set_coordinator_host`, `citus_add_node`). The workers are read from the node list of
the database the caller is connected to (a cluster's `postgres` database, say), so the tests
(tests/conftest.py) and `./dev test-citus` make their databases the same way.

    python -m leadgen.db.citus_cluster postgresql://…:PORT/DB HOST:PORT [HOST:PORT …]
creates DB on the coordinator (if missing) and on each listed worker, and registers them.
"""

from __future__ import annotations

import asyncio
import sys
from urllib.parse import urlsplit

import asyncpg

from leadgen.db.connect import quoted_identifier, with_database

Node = tuple[str, int]


async def has_citus(conn: asyncpg.Connection) -> bool:
    """Whether the connected database has the citus extension."""
    return bool(await conn.fetchval(
        "SELECT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'citus')"))


async def worker_nodes(url: str) -> list[Node]:
    """The primary workers in the node list of `url`'s database (empty without Citus)."""
    conn = await asyncpg.connect(url)
    try:
        if not await has_citus(conn):
            return []
        rows = await conn.fetch(
            "SELECT nodename, nodeport FROM pg_dist_node "
            "WHERE noderole = 'primary' AND groupid <> 0 ORDER BY nodeid")
        return [(r["nodename"], int(r["nodeport"])) for r in rows]
    finally:
        await conn.close()


def node_url(url: str, node: Node) -> str:
    """`url` (its user, password and database) pointed at another node."""
    parts = urlsplit(url)
    userinfo = parts.netloc.rpartition("@")[0]
    host = f"[{node[0]}]" if ":" in node[0] else node[0]
    netloc = (userinfo + "@" if userinfo else "") + f"{host}:{node[1]}"
    return parts._replace(netloc=netloc).geturl()


async def _ensure_database(url: str) -> None:
    """Create `url`'s database (through its server's `postgres` database) and the extension."""
    name = urlsplit(url).path.lstrip("/")
    admin = await asyncpg.connect(with_database(url, "postgres"))
    try:
        if not await admin.fetchval("SELECT EXISTS (SELECT 1 FROM pg_database "
                                    "WHERE datname = $1)", name):
            await admin.execute(f"CREATE DATABASE {quoted_identifier(name)} "
                                "TEMPLATE template0 ENCODING 'UTF8'")
    finally:
        await admin.close()
    conn = await asyncpg.connect(url)
    try:
        await conn.execute("CREATE EXTENSION IF NOT EXISTS citus")
    finally:
        await conn.close()


async def create_cluster_database(url: str, workers: list[Node]) -> None:
    """`url`'s database on the coordinator and on every worker, registered as one cluster."""
    await _ensure_database(url)
    for node in workers:
        await _ensure_database(node_url(url, node))
    conn = await asyncpg.connect(url)
    try:
        parts = urlsplit(url)
        await conn.execute("SELECT citus_set_coordinator_host($1, $2)",
                           parts.hostname or "127.0.0.1", parts.port or 5432)
        known = {(r["nodename"], int(r["nodeport"])) for r in await conn.fetch(
            "SELECT nodename, nodeport FROM pg_dist_node")}
        for host, port in workers:
            if (host, port) not in known:
                await conn.execute("SELECT citus_add_node($1, $2)", host, port)
    finally:
        await conn.close()


async def drop_cluster_database(url: str, workers: list[Node]) -> None:
    """Drop `url`'s database on the coordinator and on every worker."""
    name = urlsplit(url).path.lstrip("/")
    for target in [url, *(node_url(url, node) for node in workers)]:
        admin = await asyncpg.connect(with_database(target, "postgres"))
        try:
            await admin.execute(f"DROP DATABASE IF EXISTS {quoted_identifier(name)} WITH (FORCE)")
        finally:
            await admin.close()


def _parse_node(text: str) -> Node:
    host, _, port = text.rpartition(":")
    if not host or not port.isdigit():
        raise SystemExit(f"not HOST:PORT: {text!r}")
    return host, int(port)


if __name__ == "__main__":
    if len(sys.argv) < 2:
        raise SystemExit("usage: python -m leadgen.db.citus_cluster URL [HOST:PORT …]")
    asyncio.run(create_cluster_database(sys.argv[1], [_parse_node(a) for a in sys.argv[2:]]))
