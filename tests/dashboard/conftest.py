"""Browser fixtures: the real API on a free port, a seeded tenant, and Debian's Chromium.

Every page a test opens records the requests it makes; at the end of the test each must have
gone to the API's own origin (no CDN, no fonts, nothing else). Uncaught JavaScript errors fail
the test too. Without /usr/bin/chromium (or Python playwright) the tests skip and say why.
"""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from dashboard_browser import CHROMIUM, CHROMIUM_ARGS, DESKTOP, SCREENSHOTS, Tracked
from dashboard_seed import PASSWORD, DashboardTenant, seed_dashboard_tenant

from leadgen.api.app import create_app
from leadgen.settings import Settings
from support import run_async

try:
    from playwright.sync_api import Browser, Playwright, sync_playwright
except ImportError:  # pragma: no cover - the dev extra installs it
    sync_playwright = None


def _skip_reason() -> str | None:
    if sync_playwright is None:
        return "Python playwright is not installed (pip install -e '.[dev]')"
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        return (f"no Chromium at {CHROMIUM}: install Debian's `chromium` (scripts/test.sh does "
                "as root) or set LEADGEN_CHROMIUM")
    return None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="session")
def chromium_ready() -> None:
    reason = _skip_reason()
    if reason:
        pytest.skip(reason)


@pytest.fixture(scope="session")
def dash_tenant(database_url: str) -> DashboardTenant:
    return run_async(seed_dashboard_tenant(database_url, f"dash-{uuid.uuid4().hex[:8]}"))


@pytest.fixture(scope="session")
def migrated_tenant(database_url: str, tmp_path_factory: Any) -> tuple[uuid.UUID, str]:
    """A tenant loaded the product's way: a generated Airtable base through `migrate_snapshot`;
    returns (tenant id, admin email)."""
    from leadgen.admin.tenants import create_tenant, create_user
    from leadgen.airtable.generate import write_generated
    from leadgen.db.connect import admin_transaction, connect
    from leadgen.migration.run import migrate_snapshot

    slug = f"migrated-{uuid.uuid4().hex[:8]}"
    email = f"admin@{slug}.test"

    async def make() -> uuid.UUID:
        conn = await connect(database_url)
        try:
            async with admin_transaction(conn):
                tenant_id = await create_tenant(conn, slug=slug, name="Migrated from Airtable")
                await create_user(conn, tenant_id=tenant_id, email=email, password=PASSWORD,
                                  role="tenant_admin")
        finally:
            await conn.close()
        return tenant_id

    tenant_id = run_async(make())
    snapshot = Path(tmp_path_factory.mktemp("dash-base"))
    write_generated(snapshot, companies=15, seed=21)
    report = run_async(migrate_snapshot(database_url, snapshot, slug))
    assert report.as_json()["unaccounted"] == 0
    return tenant_id, email


@pytest.fixture(scope="session")
def live_server(chromium_ready: None, database_url: str, tmp_path_factory: Any) -> Iterator[str]:
    """`leadgen serve` in a thread: real uvicorn, real pools, plain-http cookies."""
    settings = Settings(database_url=database_url, cookie_secure=False,
                        data_dir=tmp_path_factory.mktemp("leadgen-data"))
    port = _free_port()
    config = uvicorn.Config(create_app(settings), host="127.0.0.1", port=port,
                            log_level="warning", access_log=False, lifespan="on",
                            timeout_graceful_shutdown=2)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="dashboard-api", daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the API did not start; see the log above")
        time.sleep(0.05)
    yield base
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="session")
def browser(chromium_ready: None) -> Iterator[Browser]:
    assert sync_playwright is not None
    with sync_playwright() as p:
        yield _launch(p)


def _launch(p: Playwright) -> Browser:
    return p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)


@pytest.fixture
def open_page(browser: Browser, live_server: str) -> Iterator[Callable[..., Tracked]]:
    """Open pages (desktop by default); assert afterwards that none left its own origin."""
    opened: list[tuple[Any, Tracked]] = []

    def make(viewport: dict[str, int] | None = None) -> Tracked:
        context = browser.new_context(viewport=viewport or DESKTOP, base_url=live_server)
        context.set_default_timeout(10_000)
        page = context.new_page()
        tracked = Tracked(page, live_server)
        page.on("request", lambda req: tracked.requests.append(req.url))
        page.on("pageerror", lambda exc: tracked.errors.append(str(exc)))
        opened.append((context, tracked))
        return tracked

    yield make
    for context, tracked in opened:
        context.close()
        assert tracked.foreign_requests() == [], "the page asked another host"
        assert tracked.requests, "the page made no requests at all"
        assert tracked.errors == [], "uncaught JavaScript errors"


@pytest.fixture(scope="session", autouse=True)
def _clean_screenshots() -> None:
    if SCREENSHOTS.exists() and not os.environ.get("LEADGEN_KEEP_SCREENSHOTS"):
        shutil.rmtree(SCREENSHOTS)


