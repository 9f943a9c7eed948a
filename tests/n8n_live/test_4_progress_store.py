"""The converted Progress Store, published and served by `n8n start`, through its webhooks.

POST /webhook/leadgen/progress records a stage's progress (in the workflow's staticData, as
the customer's workflow does; the converter flags it) and GET /webhook/leadgen/progress counts
a batch's processed contacts and enriched companies with the converted queries. The answer
must be what the Python runner's rows give, and the tenant must not change at all.
"""

from __future__ import annotations

import json
import time
import urllib.request
from typing import Any
from urllib.parse import quote

import asyncpg
from db_state import changes, tenant_state
from live_workflows import converted
from n8n_cli import N8n
from predict import Runner, predict, report

from conftest import Tenant
from support import run_async


def http(method: str, url: str, body: Any = None, timeout: float = 30.0) -> tuple[int, Any]:
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, method=method,
                                     headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            text = response.read().decode()
            return response.status, json.loads(text) if text else None
    except urllib.error.HTTPError as exc:
        text = exc.read().decode()
        try:
            return exc.code, json.loads(text)
        except json.JSONDecodeError:
            return exc.code, text


async def _batch(url: str, tenant: Tenant) -> str:
    conn = await asyncpg.connect(url)
    try:
        name: str = await conn.fetchval(
            "SELECT b.name FROM batches b JOIN companies c ON c.tenant_id = b.tenant_id "
            "AND c.batch_id = b.id WHERE b.tenant_id = $1 GROUP BY b.name "
            "ORDER BY count(*) DESC, b.name LIMIT 1", tenant.id)
        return name
    finally:
        await conn.close()


def test_progress_store_answers_as_predicted_and_changes_nothing(
        n8n: N8n, n8n_url: str, tenant: Tenant, database_url: str) -> None:
    workflow = converted("progress_store")
    batch = run_async(_batch(database_url, tenant))
    # the export carries the workflow's staticData, so the counters continue from it
    progress = dict(workflow["staticData"]["global"]["progress"])
    progress["l1"] = progress.get("l1", 0) + 2
    counts: dict[str, int] = {}

    async def steps(run: Runner) -> None:
        processed = await run.node("Count Processed", {"query": {"batch": batch}})
        run.outputs["Progress Poll"] = {"query": {"batch": batch}}
        enriched = await run.node("Count Enriched Companies", {"query": {"batch": batch}})
        # alwaysOutputData: a query without rows still hands on one empty item
        counts["contacts_done"] = max(1, len(processed))
        counts["companies_done"] = max(1, len(enriched))

    async def state() -> Any:
        conn = await asyncpg.connect(database_url)
        try:
            return await tenant_state(conn, tenant.id)
        finally:
            await conn.close()

    before = run_async(state())
    predicted = changes(before, run_async(predict(database_url, tenant.id, workflow, steps)))
    started = time.monotonic()
    code, _ = http("POST", f"{n8n_url}/webhook/leadgen/progress",
                   {"stage": "l1", "done": 2, "record_id": "recAAAAAAAAAAAAAA"})
    assert code == 200
    poll: Any = None
    for _ in range(40):  # staticData is saved when the POST's execution ends
        code, poll = http("GET", f"{n8n_url}/webhook/leadgen/progress?batch={quote(batch)}")
        if code == 200 and (poll or {}).get("progress") == progress:
            break
        time.sleep(0.5)
    seconds = time.monotonic() - started
    after = run_async(state())
    got = changes(before, after)
    ok = code == 200 and poll == {**counts, "progress": progress} and got == predicted
    report(workflow["name"], seconds, f"ok, {counts}, tenant unchanged" if ok else
           f"FAILED: HTTP {code} {poll!r}; {got.summary()}\n{n8n.start_log()[-1500:]}")
    assert code == 200, (poll, n8n.start_log()[-2000:])
    assert poll == {**counts, "progress": progress}
    assert got == predicted and not got.updated and not got.inserted and not got.deleted
