"""What the cluster tests share: the skip without a cluster, and the shard of a tenant."""

from __future__ import annotations

import os
import re
import uuid
from typing import Any

import asyncpg
import pytest

from leadgen.sql import sql_text


def require_cluster() -> None:
    """Skip the calling module (one line) unless `./dev test-citus` pointed the tests at a
    Citus coordinator."""
    if not os.environ.get("LEADGEN_CITUS_URL"):
        pytest.skip("no Citus cluster (./dev test-citus starts one)", allow_module_level=True)


async def tenant_placement(conn: asyncpg.Connection, tenant_id: uuid.UUID) -> asyncpg.Record:
    """The shard of `companies` that holds the tenant, and the worker it is on."""
    row = await conn.fetchrow(
        "SELECT s.shardid, p.nodename, p.nodeport FROM pg_dist_shard s "
        "JOIN pg_dist_shard_placement p ON p.shardid = s.shardid "
        "WHERE s.shardid = get_shard_id_for_distribution_column('companies', $1::text)",
        str(tenant_id))
    assert row is not None
    return row


def with_literals(name: str, query: str, values: dict[str, str]) -> str:
    """The text of the named query of sql/`name`.sql with each `:param` replaced by a SQL
    literal, for EXPLAIN (the plan of the values the API binds)."""
    body = sql_text(name).split(f"-- name: {query}", 1)[1].split("\n", 1)[1]
    body = body.split("-- name:", 1)[0]
    return re.sub(r"(?<!:):([a-z_]+)", lambda m: values[m.group(1)], body.strip().rstrip(";"))


def literal(value: Any) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, uuid.UUID):
        return f"'{value}'::uuid"
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
