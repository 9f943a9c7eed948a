"""The API's one-round-trip tenant transaction: scoped, quoted safely, committed or rolled back."""

from __future__ import annotations

import uuid

import asyncpg
import pytest

from leadgen.db.connect import request_transaction, tenant_settings, tenant_transaction

TRICKY_ACTORS = ["o'really@example.test", "x$a", "$a$", "a$", "$", "x$a$a", "$p$';--",
                 "back\\slash'", "apikey:n8n prod"]


@pytest.mark.parametrize("actor", TRICKY_ACTORS)
async def test_actor_arrives_verbatim(app_url: str, actor: str) -> None:
    conn = await asyncpg.connect(app_url)
    try:
        tenant = uuid.uuid4()
        async with request_transaction(conn, tenant, actor=actor):
            assert await conn.fetchval("SELECT current_setting('app.actor')") == actor
            assert await conn.fetchval("SELECT current_setting('app.tenant_id')") == str(tenant)
        assert not conn.is_in_transaction()
        # transaction-local: nothing is left on the pooled connection afterwards
        assert await conn.fetchval("SELECT current_setting('app.tenant_id', true)") in (None, "")
        async with tenant_transaction(conn, tenant, actor=actor):
            assert await conn.fetchval("SELECT current_setting('app.actor')") == actor
    finally:
        await conn.close()


async def test_an_error_rolls_back_and_a_failed_check_leaves_no_transaction(
    app_url: str, database_url: str,
) -> None:
    conn = await asyncpg.connect(app_url)
    owner = await asyncpg.connect(database_url)
    table = f"rt_probe_{uuid.uuid4().hex[:8]}"
    await owner.execute(f"CREATE TABLE {table} (n int); GRANT ALL ON {table} TO leadgen_app")
    try:
        with pytest.raises(asyncpg.DivisionByZeroError):
            async with request_transaction(conn, uuid.uuid4(), actor="t"):
                await conn.execute(f"INSERT INTO {table} VALUES (1)")
                await conn.execute("SELECT 1 / 0")
        assert not conn.is_in_transaction()
        with pytest.raises(asyncpg.InvalidAuthorizationSpecificationError):
            async with request_transaction(
                    conn, uuid.uuid4(), actor="t",
                    check="DO $$ BEGIN RAISE EXCEPTION 'no' USING ERRCODE = '28000'; END $$"):
                await conn.execute(f"INSERT INTO {table} VALUES (2)")
        assert not conn.is_in_transaction()
        async with request_transaction(conn, uuid.uuid4(), actor="t"):
            await conn.execute(f"INSERT INTO {table} VALUES (3)")
        assert [r["n"] for r in await owner.fetch(f"SELECT n FROM {table}")] == [3]
    finally:
        await owner.execute(f"DROP TABLE {table}")
        await owner.close()
        await conn.close()


def test_values_that_cannot_be_settings_are_refused() -> None:
    with pytest.raises(TypeError):
        tenant_settings("00000000-0000-0000-0000-000000000000")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="NUL"):
        tenant_settings(uuid.uuid4(), actor="a\x00b")
    with pytest.raises(ValueError):
        tenant_settings(uuid.uuid4(), role="postgres")
