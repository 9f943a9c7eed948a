"""The pipeline end to end with n8n serving: the dashboard's "Start run" → the wired orchestrator.

The API and dashboard run on a free port against this run's database; the tenant's Settings
name the orchestrator's production webhook and the secret n8n holds. In Chromium a tenant
admin picks a batch that still has new companies and starts a run; n8n verifies the signature,
answers 202, runs L1 for the batch and reports through pipeline_runs, and the page's progress
follows live until the run is completed at 100 %. The batch's companies end triaged in
PostgreSQL.
"""

from __future__ import annotations

import os
import re
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import asyncpg
import pytest
import uvicorn
from live_workflows import converted
from n8n_cli import free_port
from predict import Runner, predict, report

from conftest import WEBHOOK_SECRET, Tenant
from leadgen.admin.tenants import create_user
from leadgen.api.app import create_app
from leadgen.db.connect import admin_transaction
from leadgen.settings import Settings
from support import run_async

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "dashboard"))
from dashboard_browser import CHROMIUM, CHROMIUM_ARGS, DESKTOP, api_client

playwright = pytest.importorskip("playwright.sync_api")
if not os.access(CHROMIUM, os.X_OK):
    pytest.skip(f"no Chromium at {CHROMIUM} for the dashboard run", allow_module_level=True)
pytestmark = pytest.mark.browser
PASSWORD = "n8n-tier-password-1"


@pytest.fixture(scope="module")
def api(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`leadgen serve` in a thread (as the dashboard tests run it)."""
    settings = Settings(database_url=database_url, cookie_secure=False,
                        data_dir=tmp_path_factory.mktemp("leadgen-data"))
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(settings), host="127.0.0.1", port=port,
                                           log_level="warning", access_log=False,
                                           lifespan="on", timeout_graceful_shutdown=2))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "the API did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


async def _admin_and_batch(url: str, tenant: Tenant) -> tuple[str, str, str, int]:
    """A tenant admin, and the batch with the fewest companies the orchestrator's own
    "List New Companies" finds (run by the Python runner), with an owner."""
    email = f"admin@{tenant.slug}.test"
    conn = await asyncpg.connect(url)
    try:
        async with admin_transaction(conn, actor="n8n-tier"):
            await create_user(conn, tenant_id=tenant.id, email=email, password=PASSWORD,
                              role="tenant_admin", display_name="Tier Admin")
        batches = [r["name"] for r in await conn.fetch(
            "SELECT name FROM batches WHERE tenant_id = $1 ORDER BY name", tenant.id)]
        owner = await conn.fetchval("SELECT min(name) FROM owners WHERE tenant_id = $1",
                                    tenant.id)
    finally:
        await conn.close()
    orchestrator = converted("orchestrator", run_contract=True)
    found: dict[str, int] = {}
    for batch in batches:
        async def steps(run: Runner, batch: str = batch) -> None:
            run.outputs["Parse Input"] = {"batch": batch, "owner": owner, "limit": 50}
            found[batch] = len(await run.node("List New Companies", {}))
        await predict(url, tenant.id, orchestrator, steps)  # read only, rolled back
    work = sorted((n, b) for b, n in found.items() if n > 0)
    assert work, f"no batch has a new company for the orchestrator: {found}"
    return email, work[0][1], str(owner), work[0][0]


def _statuses(url: str, tenant: Tenant, batch: str) -> dict[str, int]:
    async def go() -> dict[str, int]:
        conn = await asyncpg.connect(url)
        try:
            rows = await conn.fetch(
                "SELECT c.status::text AS s, count(*) AS n FROM companies c JOIN batches b ON "
                "b.tenant_id = c.tenant_id AND b.id = c.batch_id WHERE c.tenant_id = $1 AND "
                "b.name = $2 GROUP BY c.status", tenant.id, batch)
            return {r["s"]: int(r["n"]) for r in rows}
        finally:
            await conn.close()
    return run_async(go())


def test_start_run_in_the_dashboard_reaches_100_percent(
        n8n_url: str, api: str, tenant: Tenant, database_url: str) -> Any:
    email, batch, owner, new = run_async(_admin_and_batch(database_url, tenant))
    before = _statuses(database_url, tenant, batch)
    admin = api_client(api, email, PASSWORD)
    admin.put("/api/settings", json={"n8n_webhook_url": f"{n8n_url}/webhook/leadgen/enrich",
                                     "n8n_webhook_secret": WEBHOOK_SECRET}).raise_for_status()
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport=DESKTOP, base_url=api)
        context.set_default_timeout(60_000)
        page = context.new_page()
        page.goto("/")
        page.get_by_label("Email").fill(email)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.goto("/#/pipeline")
        page.get_by_label("Batch").select_option(label=batch)
        page.get_by_label("Owner").select_option(label=owner)
        started = time.monotonic()
        page.get_by_role("button", name="Start run").click()
        playwright.expect(page).to_have_url(re.compile(r"run=[0-9a-f-]{36}"))
        playwright.expect(page.locator("[data-run-status]")).to_have_text(
            "Completed", timeout=120_000)
        seconds = time.monotonic() - started
        count = page.locator("[data-count=l1]").inner_text()
        bar = page.get_by_role("progressbar", name="L1 · company enrichment")
        valuenow = bar.get_attribute("aria-valuenow")
        context.close()
        browser.close()
    admin.close()
    after = _statuses(database_url, tenant, batch)
    ok = count == f"{new} / {new} · 100%" and after.get("new", 0) == 0
    report("dashboard Start run", seconds, f"ok, L1 {count}, batch {batch!r}: {before} → "
           f"{after}" if ok else f"FAILED: L1 {count!r}, statuses {after}")
    assert count == f"{new} / {new} · 100%" and valuenow == str(new)
    assert after.get("new", 0) == 0
    assert after.get("triage_passed", 0) == before.get("triage_passed", 0) + new
