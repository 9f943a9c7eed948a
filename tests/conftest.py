"""Shared fixtures: a real PostgreSQL for every test session.

Which server: LEADGEN_TEST_DATABASE_URL, else DATABASE_URL, else a server on 127.0.0.1:5432
(CI has one), else the embedded PostgreSQL in .leadgen/test-pg. LEADGEN_TEST_EMBEDDED=1 forces
the embedded one and LEADGEN_PG_BINDIR=… picks its binaries (e.g. the pgserver wheel's), as on
a fresh machine. Each session gets its own fresh database (dropped at the end), upgraded to the
current schema. On a Citus coordinator (the server's `postgres` database lists workers, as
`./dev test-citus` sets up) each database is made on every node and distributed by the upgrade.
"""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import asyncpg
import pytest

from leadgen.db import citus_cluster, embedded, migrate
from leadgen.db.connect import APP_ROLE, with_database, with_user
from support import run_async
from support.tenants import SeededTenant, seed_tenant

ROOT = Path(__file__).resolve().parent.parent


def _server_url() -> str:
    for var in ("LEADGEN_TEST_DATABASE_URL", "DATABASE_URL"):
        if os.environ.get(var):
            return os.environ[var]
    if not os.environ.get("LEADGEN_TEST_EMBEDDED"):  # set it to test as a fresh machine would
        with socket.socket() as sock:
            sock.settimeout(0.5)
            if sock.connect_ex(("127.0.0.1", 5432)) == 0:
                return "postgresql://postgres@127.0.0.1:5432/postgres"
    return embedded.start(ROOT / ".leadgen" / "test-pg").url


async def _create_database(server_url: str, name: str) -> None:
    workers = await citus_cluster.worker_nodes(server_url)
    if workers:
        await citus_cluster.create_cluster_database(with_database(server_url, name), workers)
        return
    conn = await asyncpg.connect(server_url)
    try:
        await conn.execute(f'CREATE DATABASE "{name}" TEMPLATE template0 ENCODING \'UTF8\'')
    finally:
        await conn.close()


async def _drop_database(server_url: str, name: str) -> None:
    workers = await citus_cluster.worker_nodes(server_url)
    if workers:
        await citus_cluster.drop_cluster_database(with_database(server_url, name), workers)
        return
    conn = await asyncpg.connect(server_url)
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await conn.close()


@pytest.fixture(scope="session")
def server_url() -> str:
    """A URL of the test server with a user that may create databases and roles."""
    return _server_url()


@pytest.fixture(scope="session")
def scratch_database(server_url: str) -> Iterator[Callable[[], str]]:
    """A factory of empty databases (dropped when the session ends)."""
    created: list[str] = []

    def make() -> str:
        name = f"leadgen_test_{uuid.uuid4().hex[:12]}"
        run_async(_create_database(server_url, name))
        created.append(name)
        return with_database(server_url, name)

    yield make
    if os.environ.get("LEADGEN_KEEP_TEST_DB"):
        return
    for name in created:
        run_async(_drop_database(server_url, name))


@pytest.fixture(scope="session")
def fresh_database(scratch_database: Callable[[], str]) -> Callable[[], str]:
    """A factory of databases upgraded to the current schema."""

    def make() -> str:
        url = scratch_database()
        run_async(migrate.upgrade(url))
        return url

    return make


@pytest.fixture(scope="session")
def database_url(fresh_database: Callable[[], str]) -> str:
    """The session's database (owner/admin URL), at the current schema. Shared: use own tenants."""
    return fresh_database()


@pytest.fixture(scope="session")
def app_url(database_url: str) -> str:
    """The same database as the application role (owns nothing, cannot bypass RLS)."""
    return with_user(database_url, APP_ROLE)


@pytest.fixture(scope="module")
def two_tenants(database_url: str) -> tuple[SeededTenant, SeededTenant]:
    suffix = uuid.uuid4().hex[:6]
    a = run_async(seed_tenant(database_url, f"a-{suffix}"))
    b = run_async(seed_tenant(database_url, f"b-{suffix}"))
    return a, b


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Browser tests run last: Playwright's sync API keeps an event loop running in the main
    thread until the session ends, which would break every asyncio test scheduled after it."""
    items.sort(key=lambda item: item.get_closest_marker("browser") is not None)
