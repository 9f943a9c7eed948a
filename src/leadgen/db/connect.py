"""Connections: which database, as which role, and the tenant-scoped transaction.

Three roles (db/bootstrap.sql): the owner runs migrations; the application role runs every
request under RLS; the admin role (BYPASSRLS) is the platform path for tenant creation.
`tenant_transaction` is the only way application code touches tenant data: one transaction
that starts with SET LOCAL app.tenant_id (transaction-scoped, so a pooled connection never
carries a tenant into the next request; https://www.postgresql.org/docs/15/sql-set.html).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any
from urllib.parse import urlsplit, urlunsplit
from uuid import UUID

import asyncpg

from leadgen.db import embedded
from leadgen.errors import DatabaseUnavailable
from leadgen.settings import Settings, get_settings

APP_ROLE = "leadgen_app"
ADMIN_ROLE = "leadgen_admin"
OWNER_ROLE = "leadgen_owner"


def database_url(settings: Settings | None = None) -> str:
    """The owner/admin URL: DATABASE_URL, else the embedded server (started if needed)."""
    settings = settings or get_settings()
    if settings.database_url:
        return settings.database_url
    return embedded.start(settings.data_dir / "pg").url


def with_user(url: str, user: str, password: str | None = None) -> str:
    """The same server and database, logged in as another role."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    netloc = user + (f":{password}" if password else "") + "@" + host
    if parts.port:
        netloc += f":{parts.port}"
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))


def with_database(url: str, database: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, "/" + database, parts.query, parts.fragment))


def app_database_url(settings: Settings | None = None) -> str:
    """The application role's URL: APP_DATABASE_URL, else DATABASE_URL as `leadgen_app`."""
    settings = settings or get_settings()
    if settings.app_database_url:
        return settings.app_database_url
    return with_user(database_url(settings), APP_ROLE)


def admin_database_url(settings: Settings | None = None) -> str:
    """The platform path's URL: ADMIN_DATABASE_URL, else DATABASE_URL as `leadgen_admin`."""
    settings = settings or get_settings()
    if settings.admin_database_url:
        return settings.admin_database_url
    return with_user(database_url(settings), ADMIN_ROLE)


async def connect(url: str, **kwargs: Any) -> asyncpg.Connection:
    try:
        return await asyncpg.connect(url, **kwargs)
    except (OSError, asyncpg.PostgresError) as exc:
        raise DatabaseUnavailable(
            f"cannot connect to PostgreSQL at {_redact(url)}: {exc}",
            hint="check DATABASE_URL, or unset it to use the embedded database",
        ) from exc


async def create_pool(url: str, **kwargs: Any) -> asyncpg.Pool:
    try:
        pool = await asyncpg.create_pool(url, **kwargs)
    except (OSError, asyncpg.PostgresError) as exc:
        raise DatabaseUnavailable(
            f"cannot connect to PostgreSQL at {_redact(url)}: {exc}",
            hint="check DATABASE_URL / APP_DATABASE_URL and that `leadgen db upgrade` ran",
        ) from exc
    assert pool is not None
    return pool


def _redact(url: str) -> str:
    parts = urlsplit(url)
    if parts.password:
        return url.replace(f":{parts.password}@", ":***@")
    return url


def quoted_identifier(name: str) -> str:
    """`name` as a quoted SQL identifier (for table and column names from the catalog)."""
    return '"' + name.replace('"', '""') + '"'


def dollar_quoted(value: str) -> str:
    """`value` as a dollar-quoted SQL literal (immune to standard_conforming_strings)."""
    if "\x00" in value:
        raise ValueError("a SQL literal cannot hold a NUL character")
    tag = "a"
    while f"${tag}$" in value + f"${tag}":  # the first `$tag$` after the body must close it
        tag += "a"
    return f"${tag}${value}${tag}$"


def tenant_settings(tenant_id: UUID, actor: str | None = None, role: str | None = None) -> str:
    """The statements that scope a transaction: SET LOCAL role, tenant and actor."""
    if not isinstance(tenant_id, UUID):  # rendered into SQL text: only a parsed UUID
        raise TypeError("tenant_id must be a uuid.UUID")
    # SET LOCAL (not set_config) because Citus propagates only SET LOCAL to workers.
    statements = [f"SET LOCAL ROLE {_role(role)}"] if role is not None else []
    statements.append(f"SET LOCAL app.tenant_id = '{tenant_id}'")
    if actor is not None:
        statements.append(f"SET LOCAL app.actor = {dollar_quoted(actor)}")
    return "; ".join(statements)


async def set_tenant(conn: asyncpg.Connection, tenant_id: UUID, actor: str | None = None) -> None:
    """Scope the current transaction to one tenant (and name the actor for the audit trail)."""
    await conn.execute(tenant_settings(tenant_id, actor))


@asynccontextmanager
async def tenant_transaction(
    conn: asyncpg.Connection, tenant_id: UUID, *, actor: str | None = None, role: str | None = None
) -> AsyncIterator[asyncpg.Connection]:
    """One transaction scoped to `tenant_id`; optionally as another role (e.g. leadgen_app).
    Nested `conn.transaction()` blocks inside it are savepoints, as usual with asyncpg."""
    async with conn.transaction():
        await conn.execute(tenant_settings(tenant_id, actor, role))
        yield conn


@asynccontextmanager
async def request_transaction(
    conn: asyncpg.Connection, tenant_id: UUID, *, actor: str | None = None,
    check: str | None = None, separate_check: bool = False,
) -> AsyncIterator[asyncpg.Connection]:
    """`tenant_transaction` for an API request, in one round trip fewer.

    BEGIN, the SET LOCALs and an optional `check` statement (the API's re-check of a cached
    principal) travel as one simple-protocol message: one round trip instead of three, which
    is most of what a short request costs on loopback (docs/benchmarks.md, API). asyncpg does
    not know about this transaction, so inside it use SAVEPOINT statements, not a nested
    `conn.transaction()` (asyncpg refuses that loudly).

    `separate_check` (on Citus) sends the check as a query of its own: Citus replays a SET
    LOCAL on each worker the transaction reaches by sending the whole query string that held
    it (https://docs.citusdata.com/en/stable/develop/api_guc.html), which would run the check
    there again.
    """
    opening = "BEGIN; " + tenant_settings(tenant_id, actor)
    try:
        if check and separate_check:
            await conn.execute(opening)
            await conn.execute(check)
        else:
            await conn.execute(opening + "; " + check if check else opening)
        yield conn
    except BaseException:
        if not conn.is_closed() and conn.is_in_transaction():
            try:
                await conn.execute("ROLLBACK")
            except (asyncpg.PostgresError, asyncpg.InterfaceError, OSError):
                conn.terminate()  # the pool replaces it; the original error is what matters
        raise
    else:
        await conn.execute("COMMIT")


async def release_without_reset(conn: asyncpg.Connection) -> None:
    """The API pools' `reset`: nothing beyond asyncpg's own ROLLBACK of an open transaction.

    asyncpg's default reset sends `SELECT pg_advisory_unlock_all(); CLOSE ALL; UNLISTEN *;
    RESET ALL` on every release, a round trip per request. The API's pooled connections never
    take advisory locks, LISTEN (the event hub has its own connection), hold cursors past a
    transaction, or SET anything but SET LOCAL, so there is nothing for it to undo.
    """
    del conn


@asynccontextmanager
async def admin_transaction(
    conn: asyncpg.Connection, *, actor: str | None = None
) -> AsyncIterator[asyncpg.Connection]:
    """One transaction on the platform path (BYPASSRLS): tenant creation, cross-tenant work."""
    async with conn.transaction():
        await conn.execute(f"SET LOCAL ROLE {ADMIN_ROLE}")
        if actor is not None:
            await conn.execute("SELECT set_config('app.actor', $1, true)", actor)
        yield conn


def _role(role: str) -> str:
    if role not in (APP_ROLE, ADMIN_ROLE, OWNER_ROLE):
        raise ValueError(f"unknown role {role!r}")
    return role


async def try_setting(conn: asyncpg.Connection, statement: str) -> bool:
    """Apply a setting the server may refuse; True when it took. Inside the caller's
    transaction (sync runs the load inside its own) a savepoint keeps a refusal from
    aborting that transaction."""
    if not conn.is_in_transaction():
        try:
            await conn.execute(statement)
        except asyncpg.PostgresError:
            return False
        return True
    await conn.execute("SAVEPOINT try_setting")
    try:
        await conn.execute(statement)
    except asyncpg.PostgresError:
        await conn.execute("ROLLBACK TO SAVEPOINT try_setting")
        return False
    await conn.execute("RELEASE SAVEPOINT try_setting")
    return True
