"""Request dependencies as `Annotated` aliases: who is calling, and their tenant's connection.

`TenantConn` is the only way a handler touches tenant data: a pooled leadgen_app connection
inside ONE transaction that starts with SET LOCAL app.tenant_id (and app.actor for the audit
trail) through `request_transaction`. It ends (commit, or rollback on any error) when the
handler returns — before the response is sent, so a client never sees a 200 for an
uncommitted change.

Principals come from a short-lived cache (principal_cache.py) when they can; a cached one is
re-checked in the database before anything uses it: by the tenant transaction's first round
trip when the request has one (declare `conn: TenantConn` before the principal to get that),
otherwise by a fresh lookup.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Coroutine
from contextlib import AsyncExitStack
from dataclasses import dataclass
from typing import Annotated, Any, cast

import asyncpg
import httpx
from fastapi import Depends, Request

from leadgen.api import auth
from leadgen.api.auth import Principal
from leadgen.api.errors import forbidden
from leadgen.api.events import RunEvents
from leadgen.api.principal_cache import PrincipalCache
from leadgen.db.connect import request_transaction
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
    principals: PrincipalCache
    citus: bool = False  # a Citus coordinator: the principal re-check is a query of its own


async def app_state(request: Request) -> AppState:
    # async on purpose: FastAPI runs a plain `def` dependency in a worker thread, a thread
    # hand-off per request for an attribute read.
    state: AppState = request.app.state.leadgen
    return state


State = Annotated[AppState, Depends(app_state)]


@dataclass
class Resolved:
    """This request's principal, and whether the database confirmed it during this request."""

    credential: auth.Credential
    principal: Principal
    verified: bool


async def _resolved(request: Request, state: AppState) -> Resolved:
    found: Resolved | None = getattr(request.state, "leadgen_principal", None)
    if found is not None:
        return found
    credential = auth.read_credential(request, state.settings.cookie_secure)
    cached = state.principals.get(credential.digest)
    if cached is not None:
        found = Resolved(credential, cached, verified=False)
    else:
        found = Resolved(credential, await _lookup(state, credential), verified=True)
    request.state.leadgen_principal = found
    return found


async def _lookup(state: AppState, credential: auth.Credential) -> Principal:
    try:
        principal = await auth.lookup_principal(state.admin_pool, credential)
    except BaseException:
        state.principals.drop(credential.digest)
        raise
    state.principals.put(credential.digest, principal)
    return principal


async def _verify(state: AppState, resolved: Resolved) -> Principal:
    if not resolved.verified:
        resolved.principal = await _lookup(state, resolved.credential)
        resolved.verified = True
    return resolved.principal


async def current_principal(request: Request, state: State) -> Principal:
    """The caller, confirmed by the database during this request (401 otherwise)."""
    return await _verify(state, await _resolved(request, state))


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


async def tenant_conn(request: Request, state: State) -> AsyncIterator[asyncpg.Connection]:
    resolved = await _resolved(request, state)
    async with state.app_pool.acquire() as proxy, AsyncExitStack() as stack:
        conn = pooled(proxy)
        who = resolved.principal
        check = None if resolved.verified else auth.recheck_statement(who)
        try:
            await stack.enter_async_context(
                request_transaction(conn, who.tenant_id, actor=who.actor, check=check,
                                    separate_check=state.citus))
        except asyncpg.InvalidAuthorizationSpecificationError:
            # The cached principal is stale (logged out, deactivated, changed): ask afresh,
            # which answers 401 or the principal as it is now.
            state.principals.drop(resolved.credential.digest)
            resolved.verified = False
            who = await _verify(state, resolved)
            await stack.enter_async_context(
                request_transaction(conn, who.tenant_id, actor=who.actor))
        resolved.verified = True
        yield conn


TenantConn = Annotated[asyncpg.Connection, Depends(tenant_conn, scope="function")]
