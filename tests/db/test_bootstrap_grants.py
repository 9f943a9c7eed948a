"""The cluster-wide grant behind a first load's bulk foreign-key checks (bootstrap.sql):
given to the owner by a superuser's upgrade, never to the application role, and an upgrade
by a user who may not grant it says so and carries on (the loader then checks row by row)."""

from __future__ import annotations

import uuid
from importlib import resources

import asyncpg
import pytest

from leadgen.db.connect import with_user


async def _server_version(url: str) -> int:
    conn = await asyncpg.connect(url)
    try:
        return int(await conn.fetchval("SHOW server_version_num"))
    finally:
        await conn.close()


async def test_the_owner_may_set_replication_role_and_the_app_may_not(
    database_url: str,
) -> None:
    if await _server_version(database_url) < 150000:
        pytest.skip("GRANT … ON PARAMETER needs PostgreSQL 15")
    conn = await asyncpg.connect(database_url)
    try:
        may = await conn.fetchval(
            "SELECT has_parameter_privilege('leadgen_owner', 'session_replication_role', 'SET')")
        app_may = await conn.fetchval(
            "SELECT has_parameter_privilege('leadgen_app', 'session_replication_role', 'SET')")
    finally:
        await conn.close()
    assert may and not app_may


async def test_an_upgrade_without_the_right_to_grant_it_notices_and_carries_on(
    database_url: str,
) -> None:
    if await _server_version(database_url) < 150000:
        pytest.skip("GRANT … ON PARAMETER needs PostgreSQL 15")
    creator = f"leadgen_creator_{uuid.uuid4().hex[:8]}"
    admin = await asyncpg.connect(database_url)
    await admin.execute(f'CREATE ROLE "{creator}" LOGIN CREATEROLE')
    # The grant is cluster-wide and already there: take it away for the length of this test
    # (the suite runs serially; it is given back below, as any superuser upgrade would).
    await admin.execute("REVOKE SET ON PARAMETER session_replication_role FROM leadgen_owner")
    try:
        conn = await asyncpg.connect(with_user(database_url, creator))
        notices: list[str] = []
        conn.add_log_listener(lambda _c, message: notices.append(str(message.message)))
        try:
            await conn.execute(
                resources.files("leadgen.db").joinpath("bootstrap.sql").read_text("utf-8"))
        finally:
            await conn.close()
        assert any("may not set session_replication_role" in n for n in notices), notices
        assert not await admin.fetchval(
            "SELECT has_parameter_privilege('leadgen_owner', 'session_replication_role', 'SET')")
    finally:
        await admin.execute("GRANT SET ON PARAMETER session_replication_role TO leadgen_owner")
        await admin.execute(
            f'REVOKE leadgen_owner, leadgen_admin, leadgen_app FROM "{creator}"')
        await admin.execute(f'DROP ROLE "{creator}"')
        await admin.close()
