"""A walk through the whole dashboard in Chromium, on the demo's tenant and on a messy one.

Every page, every batch, every message filter (status × owner, each channel, each batch) and
every pipeline run is opened. The walk fails on any response >= 400 (except the 401 of
/api/auth/me before signing in, which is how the page learns it must show the login form)
and on any console error — a failed request, an uncaught exception, a Content-Security-Policy
violation all show up there.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, get_args

import asyncpg
import pytest
from dashboard_browser import Tracked, db_row, login
from dashboard_walk_seed import (
    WalkTenant,
    demo_base,
    messy_base,
    null_status_mapping,
    seed_walk_tenant,
)
from playwright.sync_api import ConsoleMessage, Page, Response, expect

from leadgen.admin.tenants import create_user
from leadgen.api.schemas import STATUSES as MESSAGE_STATUSES
from leadgen.api.schemas import MessageChannel
from leadgen.db.connect import admin_transaction
from support import run_async

pytestmark = pytest.mark.browser

# The message filters the dashboard offers: every status and channel the API accepts.
STATUSES = ["all", *MESSAGE_STATUSES]
CHANNELS = list(get_args(MessageChannel))
QUIET_MS = 250  # no request in flight for this long: the view has settled


@pytest.fixture(scope="module")
def demo_tenant(database_url: str, tmp_path_factory: Any) -> WalkTenant:
    root = Path(tmp_path_factory.mktemp("walk-demo"))
    return run_async(seed_walk_tenant(database_url, f"walk-demo-{uuid.uuid4().hex[:6]}", root,
                                      demo_base()))


@pytest.fixture(scope="module")
def messy_tenant(database_url: str, tmp_path_factory: Any) -> WalkTenant:
    root = Path(tmp_path_factory.mktemp("walk-messy"))
    tenant = run_async(seed_walk_tenant(database_url, f"walk-messy-{uuid.uuid4().hex[:6]}",
                                        root, messy_base(), mapping=null_status_mapping(root)))
    report = tenant.report
    assert any(r["reason"].startswith("unknown choice") and r["field"] == "Tier"
               for r in report["rejects"]), "the planted Tier must be a reject"
    assert report["findings"], "a messy base has findings"
    assert tenant.null_status_messages, "the messy tenant must hold messages without status"
    return tenant


@dataclass
class Walk:
    """What went wrong while walking: responses >= 400 and console errors, by view."""

    tracked: Tracked
    view: str = "(sign-in)"
    signed_in: bool = False
    in_flight: set[str] = field(default_factory=set)
    last_change: float = field(default_factory=time.monotonic)
    failures: list[str] = field(default_factory=list)

    def attach(self) -> None:
        page = self.tracked.page
        page.on("response", self.on_response)
        page.on("console", self.on_console)
        page.on("pageerror", lambda exc: self.failures.append(f"{self.view}: uncaught {exc}"))
        page.on("request", self.on_request)
        page.on("requestfinished", lambda req: self.settle(req.url))
        page.on("requestfailed", lambda req: self.settle(req.url))

    def on_request(self, request: Any) -> None:
        if not request.url.endswith("/events"):  # a run's event stream stays open
            self.in_flight.add(request.url)
            self.last_change = time.monotonic()

    def settle(self, url: str) -> None:
        self.in_flight.discard(url)
        self.last_change = time.monotonic()

    def expected_401(self, url: str, status: int) -> bool:
        return not self.signed_in and status == 401 and url.endswith("/api/auth/me")

    def on_response(self, response: Response) -> None:
        if response.status >= 400 and not self.expected_401(response.url, response.status):
            self.failures.append(f"{self.view}: {response.status} {response.url}")

    def on_console(self, message: ConsoleMessage) -> None:
        if message.type != "error":
            return
        where = message.location.get("url", "") if message.location else ""
        if not self.signed_in and "status of 401" in message.text:
            return  # Chromium logs the expected 401 of /api/auth/me as a failed resource
        self.failures.append(f"{self.view}: console error {message.text} ({where})")

    def wait_quiet(self, page: Page, timeout: float = 15.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            page.wait_for_timeout(50)
            if not self.in_flight and time.monotonic() - self.last_change > QUIET_MS / 1000:
                return
        self.failures.append(f"{self.view}: still loading after {timeout:.0f} s: "
                             f"{sorted(self.in_flight)}")

    def visit(self, page: Page, hash_: str) -> None:
        self.view = hash_
        page.evaluate("h => { location.hash = h; }", hash_)
        self.wait_quiet(page)
        expect(page.locator("#main")).not_to_be_empty()


def hashes(tenant: WalkTenant) -> list[str]:
    """Every view of the dashboard for this tenant."""
    views = ["#/messages", "#/batches", "#/pipeline", "#/admin",
             "#/admin?section=users", "#/admin?section=keys", "#/admin?section=settings"]
    for owner in ("all", str(tenant.owner_id)):
        views += [f"#/messages?owner={owner}&status={s}" for s in STATUSES]
    views += [f"#/messages?owner=all&status=all&channel={c}" for c in CHANNELS]
    views += [f"#/messages?owner=all&status=all&batch={b}" for b in tenant.batches]
    views += [f"#/batches/{b}" for b in tenant.batches]
    views += [f"#/pipeline?run={r}" for r in tenant.runs]
    views += [f"#/messages?owner=all&status=all&m={m}" for m in tenant.null_status_messages[:3]]
    return views


def walk(open_page: Callable[..., Tracked], tenant: WalkTenant) -> Walk:
    tracked = open_page()
    w = Walk(tracked)
    w.attach()
    page = tracked.page
    page.goto("/")
    expect(page.get_by_label("Email")).to_be_visible()
    w.wait_quiet(page)
    w.signed_in = True  # from here on a 401 is a failure
    login(tracked, tenant.email, tenant.password, "#/messages", form=True)
    w.wait_quiet(page)
    for hash_ in hashes(tenant):
        w.visit(page, hash_)
    return w


def test_walk_the_demo_tenant(open_page: Callable[..., Tracked],
                              demo_tenant: WalkTenant) -> None:
    assert len(demo_tenant.batches) >= 2 and len(demo_tenant.runs) == 3
    w = walk(open_page, demo_tenant)
    assert w.failures == []


def test_walk_a_messy_tenant_with_empty_selects(open_page: Callable[..., Tracked],
                                                messy_tenant: WalkTenant) -> None:
    w = walk(open_page, messy_tenant)
    assert w.failures == []
    page = w.tracked.page
    # a batch holding messages without a status shows them as such
    shown = False
    for batch in messy_tenant.batches:
        w.visit(page, f"#/batches/{batch}")
        detail = page.locator("[data-batch-detail]")
        expect(detail.locator("h2").first).to_be_visible()
        if "(no status)" in (detail.text_content() or ""):
            shown = True
    assert shown, "no batch page shows the messages without a status"
    w.visit(page, f"#/messages?owner=all&status=all&m={messy_tenant.null_status_messages[0]}")
    expect(page.locator(".detail-head")).to_contain_text("(no status)")
    assert w.failures == []


async def _platform_admin(url: str, tenant: WalkTenant) -> str:
    email = f"platform-{uuid.uuid4().hex[:6]}@{tenant.slug}.test"
    conn = await asyncpg.connect(url)
    try:
        async with admin_transaction(conn, actor="test-seed"):
            await create_user(conn, tenant_id=tenant.id, email=email, password=tenant.password,
                              role="platform_admin", display_name="Platform admin")
    finally:
        await conn.close()
    return email


def test_walk_the_tenants_page_as_a_platform_admin(
    open_page: Callable[..., Tracked], demo_tenant: WalkTenant, database_url: str,
) -> None:
    """List, create, disable, enable, export (a download), open and come back, and erase
    with the slug typed again, with no failing request and no console error on the way."""
    email = run_async(_platform_admin(database_url, demo_tenant))
    tracked = open_page()
    w = Walk(tracked)
    w.attach()
    page = tracked.page
    page.on("dialog", lambda dialog: dialog.accept())
    page.goto("/")
    w.wait_quiet(page)
    w.signed_in = True
    login(tracked, email, demo_tenant.password, "#/messages", form=True)
    w.wait_quiet(page)
    expect(page.locator("[data-nav=tenants]")).to_be_visible()
    w.visit(page, "#/tenants")
    own = page.locator(f"[data-tenant='{demo_tenant.slug}']")
    expect(own).to_contain_text("Your tenant")

    slug = f"walk-new-{uuid.uuid4().hex[:6]}"
    page.get_by_label("Slug").fill(slug)
    page.get_by_label("Name", exact=True).fill("Walk new tenant")
    page.locator("[data-action=create-tenant]").click()
    row = page.locator(f"[data-tenant='{slug}']")
    expect(row).to_contain_text("Active")
    w.wait_quiet(page)
    row.locator("[data-action=disable]").click()
    expect(row).to_contain_text("Disabled")
    w.wait_quiet(page)
    row.locator("[data-action=enable]").click()
    expect(row).to_contain_text("Active")
    w.wait_quiet(page)
    with page.expect_download() as download:
        row.locator("[data-action=export]").click()
    assert download.value.suggested_filename == f"{slug}.tar.gz"

    row.locator("[data-action=open]").click()  # the signed-in session now works in the new tenant
    expect(page.locator("[data-tenant-name]")).to_have_text("Walk new tenant")
    w.wait_quiet(page)
    w.visit(page, "#/tenants")
    expect(row).to_contain_text("Your tenant")
    page.locator(f"[data-tenant='{demo_tenant.slug}'] [data-action=open]").click()
    expect(page.locator("[data-tenant-name]")).to_have_text(f"Walk {demo_tenant.slug}")
    w.wait_quiet(page)
    w.visit(page, "#/tenants")

    row.locator("[data-action=erase]").click()
    confirm = page.locator(f"[data-erase='{slug}'] [data-action=confirm-erase]")
    typed = page.get_by_label(f"Type {slug} to erase")
    typed.fill("not-the-slug")
    expect(confirm).to_be_disabled()
    typed.fill(slug)
    expect(confirm).to_be_enabled()
    confirm.click()
    expect(row).to_have_count(0)
    w.wait_quiet(page)
    erased = db_row(database_url, "SELECT slug FROM tenant_erasures WHERE slug = $1", slug)
    assert erased is not None and erased["slug"] == slug
    assert w.failures == []
