"""A refused setting must not abort the caller's transaction (bug: sync on a server without
lz4 failed with 'current transaction is aborted')."""

from __future__ import annotations

import asyncpg

from leadgen.db.connect import try_setting


async def test_refused_setting_leaves_the_transaction_usable(database_url: str) -> None:
    conn = await asyncpg.connect(database_url)
    try:
        async with conn.transaction():
            assert not await try_setting(conn, "SET default_toast_compression = 'no-such'")
            assert await conn.fetchval("SELECT 1") == 1
            assert await try_setting(conn, "SET work_mem = '8MB'")
        assert not await try_setting(conn, "SET no_such_setting = 1")
        assert await conn.fetchval("SELECT 2") == 2
    finally:
        await conn.close()
