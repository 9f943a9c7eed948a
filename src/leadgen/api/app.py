"""The application factory: pools and the LISTEN hub in the lifespan, routers, dashboard.

Two pools: `app` (leadgen_app, under RLS; every tenant request) and `admin` (leadgen_admin,
BYPASSRLS; only login/session/key lookup and platform tenant creation). The dashboard's static
files are mounted at `/` after every API route, so `/api/...` always wins.
"""

from __future__ import annotations

import gc
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import httpx
from fastapi import FastAPI
from starlette.responses import HTMLResponse
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from leadgen.api.deps import AppState
from leadgen.api.errors import ApiError, install_error_handlers
from leadgen.api.events import RunEvents
from leadgen.api.principal_cache import PrincipalCache
from leadgen.api.routes import (
    admin,
    batches,
    health,
    keys,
    messages,
    records,
    review,
    runs,
    session,
    tenants,
)
from leadgen.api.security_headers import swagger_page, with_security_headers
from leadgen.db.connect import (
    admin_database_url,
    app_database_url,
    create_pool,
    release_without_reset,
)
from leadgen.settings import Settings, get_settings

DASHBOARD_DIR = Path(__file__).resolve().parent.parent / "dashboard"


class ServerTiming:
    """Adds `Server-Timing: app;dur=<ms>` (what the benchmark reads) and the security headers
    (security_headers.py: the Content-Security-Policy, nosniff, framing, referrer)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()

        async def send_with_timing(message: Message) -> None:
            if message["type"] == "http.response.start":
                ms = (time.perf_counter() - started) * 1000
                headers = with_security_headers(list(message.get("headers", [])))
                headers.append((b"server-timing", f"app;dur={ms:.2f}".encode()))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_timing)


def create_app(settings: Settings | None = None) -> FastAPI:
    """A new API application; pools open in its lifespan."""
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app_url = app_database_url(settings)
        app_pool = await create_pool(app_url, min_size=2, max_size=20,
                                     max_inactive_connection_lifetime=300,
                                     reset=release_without_reset)
        admin_pool = await create_pool(admin_database_url(settings), min_size=1, max_size=10,
                                       reset=release_without_reset)
        events = RunEvents(app_url)
        try:
            await events.start()
            async with httpx.AsyncClient(follow_redirects=False) as http:
                citus = bool(await app_pool.fetchval(
                    "SELECT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'citus')"))
                app.state.leadgen = AppState(settings, app_pool, admin_pool, events, http,
                                             PrincipalCache(), citus)
                # Everything alive now (modules, routes, pydantic models) lives as long as the
                # process: out of the cyclic collector's sight, a full collection no longer
                # walks it in the middle of a request (the p99 of the review queue).
                gc.collect()
                gc.freeze()
                try:
                    yield
                finally:
                    gc.unfreeze()
        finally:
            await events.close()
            await app_pool.close()
            await admin_pool.close()

    app = FastAPI(
        title="leadgen API",
        version="1",
        summary="Review queue, batches, pipeline runs and administration for leadgen tenants.",
        lifespan=lifespan,
        docs_url=None,  # served below, with a policy of its own
        redoc_url=None,
    )
    install_error_handlers(app)
    for module in (session, messages, review, batches, runs, records, admin, tenants, keys,
                   health):
        app.include_router(module.router)

    @app.get("/docs", include_in_schema=False)
    async def docs() -> HTMLResponse:
        return swagger_page(app.openapi_url or "/openapi.json", app.title)

    @app.api_route("/api/{path:path}", methods=["GET", "POST", "PUT", "PATCH", "DELETE"],
                   include_in_schema=False)
    async def unknown_api(path: str) -> None:
        raise ApiError(404, "not_found", "no such endpoint",
                       hint="see /docs for the endpoints")

    app.mount("/", StaticFiles(directory=DASHBOARD_DIR, html=True, check_dir=False),
              name="dashboard")
    app.add_middleware(ServerTiming)
    return app
