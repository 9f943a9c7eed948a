"""A pipeline run from the dashboard: the webhook is called, and the progress bars follow the
run row as workers (here: the test, as leadgen_app) advance it in the database."""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, ClassVar
from uuid import UUID

import asyncpg
import pytest
from dashboard_browser import Tracked, api_client, login, screenshot
from dashboard_seed import DashboardTenant
from playwright.sync_api import expect

from leadgen.db.connect import tenant_transaction, with_user
from support import run_async

pytestmark = pytest.mark.browser


class Receiver(BaseHTTPRequestHandler):
    """Stands in for n8n's webhook: remembers what it was sent, answers 200."""

    calls: ClassVar[list[dict[str, Any]]] = []

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length", 0))
        Receiver.calls.append({"body": json.loads(self.rfile.read(length)),
                               "signature": self.headers.get("X-Leadgen-Signature")})
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(b'{"ok": true}')

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def webhook() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    Receiver.calls = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/webhook/start-run"
    server.shutdown()
    server.server_close()


def advance(database_url: str, tenant_id: UUID, run_id: str, **values: Any) -> None:
    """What an n8n worker does: update the run row as the application role, under RLS."""
    columns = ", ".join(f"{name} = ${i}" for i, name in enumerate(values, start=2))

    async def go() -> None:
        conn = await asyncpg.connect(with_user(database_url, "leadgen_app"))
        try:
            async with tenant_transaction(conn, tenant_id):
                query = (f"UPDATE pipeline_runs SET {columns}"  # columns: this test's names
                         f" WHERE tenant_id = $1 AND id = ${len(values) + 2}")
                done = await conn.execute(query, tenant_id, *values.values(), UUID(run_id))
                assert done == "UPDATE 1"
        finally:
            await conn.close()

    run_async(go())


def test_run_progress_moves_live(open_page: Callable[..., Tracked], dash_tenant: DashboardTenant,
                                 database_url: str, live_server: str, webhook: str) -> None:
    admin = api_client(live_server, dash_tenant.admin_email, dash_tenant.password)
    admin.put("/api/settings", json={"n8n_webhook_url": None}).raise_for_status()
    page = login(open_page(), dash_tenant.admin_email, dash_tenant.password, "#/pipeline")
    expect(page.get_by_role("heading", name="Start a run")).to_be_visible()
    page.get_by_label("Batch").select_option(label="batch-1 DACH SaaS")
    page.get_by_label("Owner").select_option(label="Michal Dvorak")
    page.get_by_role("button", name="Start run").click()
    expect(page.get_by_role("alert")).to_contain_text("no n8n webhook")

    admin.put("/api/settings", json={"n8n_webhook_url": webhook,
                                     "n8n_webhook_secret": "hook-secret"}).raise_for_status()
    page.get_by_role("button", name="Start run").click()
    expect(page).to_have_url(re.compile(r"run=[0-9a-f-]{36}"))
    found = re.search(r"run=([0-9a-f-]{36})", page.url)
    assert found is not None
    run_id = found.group(1)
    assert Receiver.calls and Receiver.calls[0]["body"]["run_id"] == run_id
    assert Receiver.calls[0]["body"]["batch_id"] == str(dash_tenant.batches["b1"])
    assert Receiver.calls[0]["signature"]  # signed with the tenant's secret

    l1 = page.get_by_role("progressbar", name="L1 · company enrichment")
    l2 = page.get_by_role("progressbar", name="L2 · deep company research")
    person = page.get_by_role("progressbar", name="Person enrichment")
    expect(page.locator("[data-run-status]")).to_have_text("Running")

    advance(database_url, dash_tenant.id, run_id, l1_total=40, l1_done=10, l2_total=25,
            person_total=60, cost_usd=0.42)
    expect(l1).to_have_attribute("aria-valuenow", "10")
    expect(page.locator("[data-count=l1]")).to_have_text("10 / 40 · 25%")
    expect(page.locator("[data-run-cost]")).to_have_text("$0.42")

    advance(database_url, dash_tenant.id, run_id, l1_done=40, l2_done=12, person_done=18,
            cost_usd=3.5)
    expect(l1).to_have_attribute("aria-valuenow", "40")
    expect(l2).to_have_attribute("aria-valuenow", "12")
    expect(person).to_have_attribute("aria-valuenow", "18")
    expect(page.locator("[data-run-cost]")).to_have_text("$3.50")
    screenshot(page, "desktop-pipeline")

    advance(database_url, dash_tenant.id, run_id, l2_done=25, person_done=60, cost_usd=5.25,
            status="completed")
    expect(page.locator("[data-run-status]")).to_have_text("Completed")
    expect(person).to_have_attribute("aria-valuenow", "60")
    history = page.locator("[data-run-history]")
    expect(history).to_contain_text("batch-1 DACH SaaS")
    expect(history).to_contain_text("Completed")
    expect(history).to_contain_text("$5.25")
    admin.close()
