"""Tenants and users: the admin path's operations (run inside `admin_transaction`)."""

from __future__ import annotations

import re
from uuid import UUID

import asyncpg

from leadgen.admin.passwords import hash_password
from leadgen.errors import ConfigError, NotFound
from leadgen.sql import queries

SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")
ROLES = ("platform_admin", "tenant_admin", "reviewer")


async def create_tenant(conn: asyncpg.Connection, *, slug: str, name: str) -> UUID:
    if not SLUG.match(slug):
        raise ConfigError(
            f"invalid tenant slug {slug!r}",
            hint="use lower-case letters, digits and dashes, starting with a letter or digit",
        )
    try:
        tenant_id: UUID = await queries("admin").create_tenant(conn, slug=slug, name=name)
    except asyncpg.UniqueViolationError as exc:
        raise ConfigError(
            f"tenant {slug!r} already exists", hint="pick another --slug or use the existing one"
        ) from exc
    return tenant_id


async def ensure_tenant(conn: asyncpg.Connection, *, slug: str, name: str) -> UUID:
    """The tenant's id, creating it if it does not exist (idempotent, for the demo)."""
    found = await queries("admin").tenant_by_slug(conn, slug=slug)
    if found is not None:
        return UUID(str(found))
    return await create_tenant(conn, slug=slug, name=name)


async def tenant_id_for(conn: asyncpg.Connection, slug: str) -> UUID:
    found = await queries("admin").tenant_by_slug(conn, slug=slug)
    if found is None:
        raise NotFound(
            f"no tenant with slug {slug!r}",
            hint="create it with `leadgen tenant create --slug … --name …`",
        )
    return UUID(str(found))


async def create_user(
    conn: asyncpg.Connection, *, tenant_id: UUID, email: str, password: str, role: str,
    display_name: str | None = None,
) -> UUID:
    email = email.strip().lower()
    if role not in ROLES:
        raise ConfigError(f"unknown role {role!r}", hint=f"use one of: {', '.join(ROLES)}")
    if "@" not in email:
        raise ConfigError(f"{email!r} is not an email address")
    try:
        user_id: UUID = await queries("admin").create_user(
            conn, tenant_id=tenant_id, email=email, password_hash=hash_password(password),
            role=role, display_name=display_name,
        )
    except asyncpg.UniqueViolationError as exc:
        raise ConfigError(f"a user with email {email!r} already exists") from exc
    return user_id
