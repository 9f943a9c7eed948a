"""Request dependencies as `Annotated` aliases: who is calling, and their tenant's connection.

`TenantConn` is the only way a handler touches tenant data: a pooled leadgen_app connection
inside ONE transaction that starts with SET LOCAL app.tenant_id (and app.actor for the audit
trail) through `tenant_transaction`. It ends (commit, or rollback on any error) when the
handler returns — before the response is sent, so a client never sees a 200 for an
uncommitted change.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Coroutine
from dataclasses import dataclass
from typing import Annotated, Any, cast

import asyncpg
import httpx
from fastapi import Depends, Request

from leadgen.api.auth import Principal, resolve_principal
from leadgen.api.errors import forbidden
from leadgen.api.events import RunEvents
from leadgen.db.connect import tenant_transaction
from leadgen.settings import Settings

PLATFORM = frozenset({"platform_admin"})
ADMIN = PLATFORM | {"tenant_admin"}
REVIEW = ADMIN | {"reviewer"}
READ = REVIEW | {"machine"}
WRITE_MESSAGES = ADMIN | {"machine"}


@dataclass
class AppState:
    """What the lifespan opens and every request shares."""

    settings: Settings
    app_pool: asyncpg.Pool
    admin_pool: asyncpg.Pool
    events: RunEvents
    http: httpx.AsyncClient


def app_state(request: Request) -> AppState:
    state: AppState = request.app.state.leadgen
    return state


State = Annotated[AppState, Depends(app_state)]


async def current_principal(request: Request, state: State) -> Principal:
    return await resolve_principal(request, state.admin_pool, state.settings.cookie_secure)


CurrentPrincipal = Annotated[Principal, Depends(current_principal)]


def allow(roles: frozenset[str]) -> Callable[[Principal], Coroutine[Any, Any, Principal]]:
    async def check(principal: CurrentPrincipal) -> Principal:
        if principal.role not in roles:
            raise forbidden()
        return principal

    return check


Reader = Annotated[Principal, Depends(allow(READ))]
Reviewer = Annotated[Principal, Depends(allow(REVIEW))]
MessageWriter = Annotated[Principal, Depends(allow(WRITE_MESSAGES))]
TenantAdmin = Annotated[Principal, Depends(allow(ADMIN))]
PlatformAdmin = Annotated[Principal, Depends(allow(PLATFORM))]


def pooled(proxy: object) -> asyncpg.Connection:
    """A pool's connection proxy typed as the connection it stands for."""
    return cast(asyncpg.Connection, proxy)


async def tenant_conn(
    state: State, principal: CurrentPrincipal
) -> AsyncIterator[asyncpg.Connection]:
    async with state.app_pool.acquire() as proxy:
        conn = pooled(proxy)
        async with tenant_transaction(conn, principal.tenant_id, actor=principal.actor):
            yield conn


TenantConn = Annotated[asyncpg.Connection, Depends(tenant_conn, scope="function")]
