"""Connections: which database, as which role, and the tenant-scoped transaction.

Three roles (db/bootstrap.sql): the owner runs migrations; the application role runs every
request under RLS; the admin role (BYPASSRLS) is the platform path for tenant creation.
`tenant_transaction` is the only way application code touches tenant data: one transaction
that starts with SET LOCAL app.tenant_id (transaction-scoped, so a pooled connection never
carries a tenant into the next request; reference/tenancy_auth_style.md §1).
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


async def set_tenant(conn: asyncpg.Connection, tenant_id: UUID, actor: str | None = None) -> None:
    """Scope the current transaction to one tenant (and name the actor for the audit trail)."""
    if not isinstance(tenant_id, UUID):  # the only value rendered into SQL text: a parsed UUID
        raise TypeError("tenant_id must be a uuid.UUID")
    # SET LOCAL (not set_config) because Citus propagates only SET LOCAL to workers.
    await conn.execute(f"SET LOCAL app.tenant_id = '{tenant_id}'")
    if actor is not None:
        await conn.execute("SELECT set_config('app.actor', $1, true)", actor)


@asynccontextmanager
async def tenant_transaction(
    conn: asyncpg.Connection, tenant_id: UUID, *, actor: str | None = None, role: str | None = None
) -> AsyncIterator[asyncpg.Connection]:
    """One transaction scoped to `tenant_id`; optionally as another role (e.g. leadgen_app)."""
    async with conn.transaction():
        if role is not None:
            await conn.execute(f"SET LOCAL ROLE {_role(role)}")
        await set_tenant(conn, tenant_id, actor)
        yield conn


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
