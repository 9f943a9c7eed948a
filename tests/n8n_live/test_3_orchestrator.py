"""The converted orchestrator, wired to the run contract, started the way the API starts it.

`n8n start` serves the published orchestrator; the test opens a run row as the API does and
POSTs the API's payload with the API's own serialiser and signature (leadgen.api.webhook).
An unsigned call must get 401 and change nothing; the signed one gets 202 at once, L1 runs for
each new company of the batch, and the run row ends completed with l1_done = l1_total —
exactly the state the Python runner predicts, nothing else touched.
"""

from __future__ import annotations

import time
import uuid
from typing import Any

import asyncpg
import httpx
from db_state import changes, digest, tenant_state
from live_workflows import L1_ANSWER, converted
from n8n_cli import N8n
from predict import Runner, predict, report, settle

from conftest import WEBHOOK_SECRET, Tenant
from leadgen.api.responses import dumps
from leadgen.api.webhook import TIMEOUT, sign
from leadgen.db.connect import tenant_transaction
from leadgen.n8n.library import run_query
from support import run_async


async def _open_run(tenant: Tenant) -> dict[str, Any]:
    """A run row as POST /api/runs makes it, for the batch with the fewest new companies."""
    conn = await asyncpg.connect(tenant.app_url)
    try:
        async with tenant_transaction(conn, tenant.id, actor="api"):
            pick = await conn.fetchrow(
                "SELECT b.id AS batch_id, b.name AS batch_name, o.id AS owner_id, "
                "o.name AS owner_name FROM batches b JOIN companies c ON c.tenant_id = "
                "b.tenant_id AND c.batch_id = b.id AND c.status = 'new' JOIN owners o ON "
                "o.tenant_id = b.tenant_id GROUP BY b.id, b.name, o.id, o.name "
                "ORDER BY count(*), b.name, o.name LIMIT 1")
            assert pick is not None, "the generated base has no batch with a new company"
            [row] = await run_query(conn, "start_run", tenant.id, None, pick["batch_name"],
                                    pick["owner_name"], 0, 0, "{}")
    finally:
        await conn.close()
    return {"run_id": str(row["run_id"]), "batch_id": str(pick["batch_id"]),
            "batch_name": pick["batch_name"], "owner_id": str(pick["owner_id"]),
            "owner_name": pick["owner_name"], "tenant": tenant.slug}


def test_signed_start_runs_the_batch_and_completes_the_run(
        n8n: N8n, n8n_url: str, tenant: Tenant, database_url: str) -> None:
    l1 = converted("enrich_company_l1")
    orchestrator = converted("orchestrator", run_contract=True)
    payload = run_async(_open_run(tenant))
    run_id = uuid.UUID(payload["run_id"])

    async def state() -> Any:
        conn = await asyncpg.connect(database_url)
        try:
            return await tenant_state(conn, tenant.id)
        finally:
            await conn.close()

    async def steps(run: Runner) -> None:
        run.outputs["Parse Input"] = {"batch": payload["batch_name"],
                                      "owner": payload["owner_name"], "limit": 50}
        await run.node("Load Contacts", run.outputs["Parse Input"])
        companies = await run.node("List New Companies", {})
        for company in companies:
            await Runner(run.conn, l1, tenant.id).node(
                "Update Company L1", {**L1_ANSWER, "company_id": company["id"]})
        for name, args in (("set_run_totals", (len(companies), None, None, None, None)),
                           ("add_progress", (len(companies), 0, 0, 0)),
                           ("finish_run_if_done", ())):
            async with tenant_transaction(run.conn, tenant.id, actor="n8n"):
                await run_query(run.conn, name, tenant.id, run_id, *args)

    before = run_async(state())
    predicted = changes(before, run_async(predict(database_url, tenant.id, orchestrator, steps)))
    run_key = next(k for k in before if k[0] == "pipeline_runs"
                   and before[k]["id"] == str(run_id))
    assert predicted.updated[run_key]["status"] == "completed"

    async def post(secret: str) -> tuple[int, Any, float]:
        """The API's call (leadgen.api.webhook): its body bytes, its signature header."""
        started = time.monotonic()
        body = dumps(payload)
        async with httpx.AsyncClient() as client:
            response = await client.post(url, content=body, timeout=TIMEOUT, headers={
                "Content-Type": "application/json", "X-Leadgen-Signature": sign(secret, body)})
        return response.status_code, response.json(), time.monotonic() - started

    url = f"{n8n_url}/webhook/leadgen/enrich"
    code, answer, _ = run_async(post("not-the-secret"))
    assert (code, answer["error"]) == (401, "invalid_signature"), n8n.start_log()[-2000:]
    assert digest(run_async(state()), set()) == digest(before, set())
    started = time.monotonic()
    code, answer, answered = run_async(post(WEBHOOK_SECRET))
    # the contract's answer, not the original Respond Accepted further on: n8n answers once
    assert (code, answer) == (202, {"run_id": payload["run_id"], "status": "running"})
    assert answered < 10.0  # the API gives up after 10 s
    after = run_async(settle(database_url, tenant.id, lambda s: s[run_key]["status"]
                             != "running", timeout=90))
    seconds = time.monotonic() - started
    got = changes(before, after)
    ok = got == predicted
    report(orchestrator["name"], seconds, f"ok, {got.summary()}, 401 unsigned" if ok else
           f"FAILED: {got.summary()} vs predicted {predicted.summary()}")
    assert after[run_key]["status"] == "completed", n8n.start_log()[-2000:]
    assert got.updated == predicted.updated
    assert got.inserted == predicted.inserted
    assert got.deleted == []
