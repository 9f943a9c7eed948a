"""axe-core (bundled with axe-playwright-python, injected into the page: no network) finds no
WCAG 2 A/AA violations on any page: labels, landmarks, contrast, names of controls."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from dashboard_browser import PHONE, Tracked, login
from dashboard_seed import DashboardTenant
from playwright.sync_api import Page, expect

axe_sync = pytest.importorskip("axe_playwright_python.sync_playwright",
                               reason="axe-playwright-python is not installed (dev extra)")

pytestmark = pytest.mark.browser
WCAG = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
        "resultTypes": ["violations"]}


def violations(page: Page) -> list[str]:
    results = axe_sync.Axe().run(page, options=WCAG)
    found = []
    for v in results.response["violations"]:
        targets = [", ".join(n["target"]) for n in v["nodes"][:3]]
        found.append(f"{v['id']} ({v['impact']}): {v['help']} — {targets}")
    return found


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_pages_have_no_wcag_violations(open_page: Callable[..., Tracked],
                                       dash_tenant: DashboardTenant, viewport: str) -> None:
    tracked = open_page(PHONE if viewport == "phone" else None)
    page = tracked.page
    page.goto("/")
    expect(page.get_by_role("heading", name="Sign in to leadgen")).to_be_visible()
    problems = {"login": violations(page)}
    login(tracked, dash_tenant.admin_email, dash_tenant.password)
    page.locator(".msg-row .msg-open").first.click()
    expect(page.locator("[data-field=body]")).to_be_visible()
    problems["messages"] = violations(page)
    # A batch with data, so its charts are checked too (batches list by name: the first one
    # may be a generated batch without companies, which draws no chart).
    for name, path, ready in (
        ("batches", f"batches/{dash_tenant.batches['b1']}", "[data-batch-detail] svg"),
        ("pipeline", "pipeline", "[data-run-history], [data-live-run] p"),
        ("admin", "admin", "[data-keys], [data-users]"),
    ):
        page.goto(f"/#/{path}")
        page.locator(ready).first.wait_for()
        problems[name] = violations(page)
    assert {k: v for k, v in problems.items() if v} == {}
