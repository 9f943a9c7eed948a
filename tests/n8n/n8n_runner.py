"""Run a query the way n8n's Postgres node runs it (test support).

n8n renders parameters into the text with pg-promise (``leadgen.n8n.pgformat``) and, with
``queryBatching: transaction``, sends each item's text inside one transaction, flattening the
rows of all its statements. The tenant preamble returns no row, so the item's output is the
rows of the query after it.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import asyncpg

from leadgen.n8n.library import TENANT_PREAMBLE
from leadgen.n8n.pgformat import format_query


def split_preamble(text: str) -> str:
    """The query after the tenant preamble (every n8n query we emit starts with it)."""
    assert text.startswith(TENANT_PREAMBLE + "\n"), "query does not set its tenant first"
    return text[len(TENANT_PREAMBLE) + 1:]


async def run_in_transaction(
    conn: asyncpg.Connection, text: str, values: Sequence[Any]
) -> list[dict[str, Any]]:
    """queryBatching=transaction: both statements in one transaction, rows of the query."""
    body = split_preamble(text)
    async with conn.transaction():
        assert await conn.fetch(format_query(TENANT_PREAMBLE, values)) == []
        rows = await conn.fetch(format_query(body, values))
    return [dict(r) for r in rows]


async def run_independently(conn: asyncpg.Connection, text: str, values: Sequence[Any]) -> None:
    """queryBatching=independently: the whole text as one simple-protocol message."""
    await conn.execute(format_query(text, values))


async def decode_like_node_postgres(conn: asyncpg.Connection) -> None:
    """Make `conn` return values as node-postgres (n8n's driver) does by default: `numeric`
    and `bigint` as strings (exactness over convenience), `json`/`jsonb` parsed.

    pg-types' default parsers: https://github.com/brianc/node-pg-types#readme
    """
    for name in ("numeric", "int8"):
        await conn.set_type_codec(name, schema="pg_catalog", encoder=str, decoder=str,
                                  format="text")
    for name in ("json", "jsonb"):
        await conn.set_type_codec(name, schema="pg_catalog", encoder=json.dumps,
                                  decoder=json.loads, format="text")
