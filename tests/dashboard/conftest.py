"""Browser fixtures: the real API on a free port, a migrated tenant, and Debian's Chromium.

Every page a test opens records the requests it makes; at the end of the test each must have
gone to the API's own origin (no CDN, no fonts, nothing else). Uncaught JavaScript errors and
Content-Security-Policy violations fail the test too. Without /usr/bin/chromium (or Python
playwright) the tests skip and say why.
"""

from __future__ import annotations

import os
import shutil
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from dashboard_browser import (
    CHROMIUM,
    CHROMIUM_ARGS,
    DESKTOP,
    REPORT_CSP_VIOLATIONS,
    SCREENSHOTS,
    Tracked,
)
from dashboard_seed import DashboardTenant, seed_dashboard_tenant

from leadgen.api.app import create_app
from leadgen.settings import Settings
from support import run_async
from support.api import free_port

try:
    from playwright.sync_api import Browser, Playwright, ViewportSize, sync_playwright
except ImportError:  # pragma: no cover - the dev extra installs it
    sync_playwright = None  # type: ignore[assignment]


def _skip_reason() -> str | None:
    if sync_playwright is None:
        return "Python playwright is not installed (pip install -e '.[dev]')"
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        return (f"no Chromium at {CHROMIUM}: install Debian's `chromium` (scripts/test.sh does "
                "as root) or set LEADGEN_CHROMIUM")
    return None


@pytest.fixture(scope="session")
def chromium_ready() -> None:
    reason = _skip_reason()
    if reason:
        pytest.skip(reason)


@pytest.fixture(scope="session")
def dash_tenant(database_url: str, tmp_path_factory: Any) -> DashboardTenant:
    """The tenant every dashboard test uses: an Airtable snapshot (a generated base plus the
    records the tests rely on) loaded by `migrate_snapshot`, then users from the admin library."""
    snapshot = Path(tmp_path_factory.mktemp("dash-base"))
    tenant: DashboardTenant = run_async(
        seed_dashboard_tenant(database_url, f"dash-{uuid.uuid4().hex[:8]}", snapshot))
    return tenant


@pytest.fixture(scope="session")
def live_server(chromium_ready: None, database_url: str, tmp_path_factory: Any) -> Iterator[str]:
    """`leadgen serve` in a thread: real uvicorn, real pools, plain-http cookies."""
    settings = Settings(database_url=database_url, cookie_secure=False,
                        data_dir=tmp_path_factory.mktemp("leadgen-data"))
    port = free_port()
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

    def make(viewport: ViewportSize | None = None) -> Tracked:
        context = browser.new_context(viewport=viewport or DESKTOP, base_url=live_server)
        context.set_default_timeout(10_000)
        context.add_init_script(REPORT_CSP_VIOLATIONS)
        page = context.new_page()
        tracked = Tracked(page, live_server)
        page.on("request", lambda req: tracked.requests.append(req.url))
        page.on("pageerror", lambda exc: tracked.errors.append(str(exc)))
        page.on("console", tracked.on_console)
        opened.append((context, tracked))
        return tracked

    yield make
    for context, tracked in opened:
        context.close()
        assert tracked.foreign_requests() == [], "the page asked another host"
        assert tracked.requests, "the page made no requests at all"
        assert tracked.errors == [], "uncaught JavaScript errors"
        assert tracked.csp_violations == [], "the Content-Security-Policy blocked something"


@pytest.fixture(scope="session", autouse=True)
def _clean_screenshots() -> None:
    if SCREENSHOTS.exists() and not os.environ.get("LEADGEN_KEEP_SCREENSHOTS"):
        shutil.rmtree(SCREENSHOTS)


