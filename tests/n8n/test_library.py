"""The n8n query library against PostgreSQL, run as n8n runs it: as leadgen_app, parameters
rendered by pg-promise's rules from the expressions in the document, tenant set by the preamble.
"""

from __future__ import annotations

import asyncio
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import asyncpg
import pytest
from n8n_expressions import evaluate_parameter
from n8n_runner import run_in_transaction, run_independently, split_preamble

from leadgen.db.connect import tenant_transaction
from leadgen.errors import ConfigError
from leadgen.n8n.document import render_document
from leadgen.n8n.library import library_query, load_library, run_query
from leadgen.n8n.pgformat import format_query
from support.tenants import SeededTenant

ROOT = Path(__file__).resolve().parents[2]
EXERCISED: set[str] = set()


async def step(conn: asyncpg.Connection, name: str, item: dict[str, Any]) -> list[dict[str, Any]]:
    """Run library query `name` for one input item, exactly as the documented node would."""
    query = library_query(name)
    values = evaluate_parameter(query.query_replacement(), item)
    EXERCISED.add(name)
    return await run_in_transaction(conn, query.n8n_query(), values)


def test_committed_document_equals_generated() -> None:
    committed = (ROOT / "docs" / "n8n.md").read_text("utf-8")
    assert committed == render_document(), "run: leadgen n8n queries -o docs/n8n.md"


def test_every_query_documents_its_parameters_and_sets_its_tenant() -> None:
    for q in load_library():
        assert q.params[0].name == "tenant_id"
        assert q.node_parameters()["options"] == {
            "queryBatching": "transaction", "queryReplacement": q.query_replacement()}
        assert split_preamble(q.n8n_query()) == q.sql
        assert "--" not in q.sql, "comments would be rewritten by pg-promise's $N formatting"


async def test_orchestrator_steps(app_conn: asyncpg.Connection,
                                  two_tenants: tuple[SeededTenant, SeededTenant]) -> None:
    a, _b = two_tenants
    item = {"tenant_id": str(a.id), "batch_name": "batch-1", "owner_name": "Michal"}
    rows = await step(app_conn, "load_unprocessed_contacts", item)
    assert [(r["full_name"], r["company_name"], r["owner_name"]) for r in rows] == [
        ("Jana Nováková", "Acme", "Michal")]
    assert rows[0]["contact_id"] == a.ids["contacts"]
    assert await step(app_conn, "load_unprocessed_contacts", {**item, "owner_name": "Anton"}) == []
    assert len(await step(app_conn, "load_unprocessed_contacts",
                          {"tenant_id": str(a.id), "batch_name": "batch-1"})) == 1
    companies = await step(app_conn, "load_batch_companies", item)
    assert [(c["name"], c["needs_l1"], c["needs_l2"]) for c in companies] == [("Acme", True, False)]
    stats = await step(app_conn, "batch_stats", item)
    assert stats == [{"status": "new", "tier": "tier_1_platinum", "contacts": 1}]


async def test_l1_steps(app_conn: asyncpg.Connection,
                        two_tenants: tuple[SeededTenant, SeededTenant]) -> None:
    a, _ = two_tenants
    base = {"tenant_id": str(a.id), "company_id": str(a.ids["companies"])}
    got = await step(app_conn, "get_company_for_l1", base)
    assert got[0]["name"] == "Acme" and got[0]["owner_name"] == "Michal"
    result = {**base, "status": "triage_passed", "tier": "tier_2_gold",
              "summary": "Makes widgets, in Brno; 120 staff", "industry": "manufacturing",
              "triage_score": 7.5, "triage_notes": "O'Brien's \"best\" $1 fit", "cost_usd": 0.0125}
    saved = (await step(app_conn, "save_l1_result", result))[0]
    assert (saved["status"], saved["tier"], saved["triage_score"]) == (
        "triage_passed", "tier_2_gold", Decimal("7.5"))
    # a second (partial) answer keeps what the first wrote and adds its cost
    again = (await step(app_conn, "save_l1_result",
                        {**base, "status": "triage_passed", "cost_usd": 0.0125}))[0]
    assert again["tier"] == "tier_2_gold" and again["enrichment_cost_usd"] == Decimal("0.0250")
    got = (await step(app_conn, "get_company_for_l1", base))[0]
    assert got["summary"] == "Makes widgets, in Brno; 120 staff"
    assert got["industry"] == "manufacturing"
    failed = (await step(app_conn, "set_company_status",
                         {**base, "status": "enrichment_failed", "error_message": "timeout"}))[0]
    assert (failed["status"], failed["error_message"]) == ("enrichment_failed", "timeout")
    with pytest.raises(asyncpg.InvalidTextRepresentationError):
        await step(app_conn, "set_company_status", {**base, "status": "Triage Passed"})


async def test_l2_steps(app_conn: asyncpg.Connection,
                        two_tenants: tuple[SeededTenant, SeededTenant]) -> None:
    a, _ = two_tenants
    base = {"tenant_id": str(a.id), "company_id": str(a.ids["companies"])}
    got = (await step(app_conn, "get_company_for_l2", base))[0]
    assert json.loads(got["tags"]) == {"pain_area": ["ops"]}
    saved = await step(app_conn, "save_l2_enrichment", {**base, "cost_usd": 0.5, "l2": {
        "recent_news": "Raised €5m, 2026", "quick_wins": [{"title": "OCR"}], "unknown": "x"}})
    assert saved[0]["enrichment_cost_usd"] == Decimal("0.5000")
    tags = await step(app_conn, "replace_company_tags", {**base, "tags": {
        "pain_area": ["ops", "cost, time"], "trigger_event": ["funding"]}})
    assert tags == [{"company_id": a.ids["companies"], "added": 2, "removed": 0}]
    tags = await step(app_conn, "replace_company_tags",
                      {**base, "tags": {"pain_area": ["cost, time"]}})
    assert tags[0]["removed"] == 1 and tags[0]["added"] == 0
    got = (await step(app_conn, "get_company_for_l2", base))[0]
    l2 = json.loads(got["l2"])
    assert l2["company_intel"] == "intel" and l2["recent_news"] == "Raised €5m, 2026"
    assert l2["quick_wins"] == [{"title": "OCR"}]
    assert json.loads(got["tags"]) == {"pain_area": ["cost, time"], "trigger_event": ["funding"]}


async def test_person_steps(app_conn: asyncpg.Connection,
                            two_tenants: tuple[SeededTenant, SeededTenant]) -> None:
    a, _ = two_tenants
    base = {"tenant_id": str(a.id), "contact_id": str(a.ids["contacts"])}
    got = (await step(app_conn, "get_contact_for_enrichment", base))[0]
    assert got["full_name"] == "Jana Nováková" and got["person_summary"] == "summary"
    saved = (await step(app_conn, "save_person_enrichment", {
        **base, "linkedin_profile_summary": "CTO, ex-Google", "contact_score": 88,
        "seniority_level": "c_level", "icp_fit": "strong_fit", "cost_usd": 0.02}))[0]
    assert (saved["contact_score"], saved["icp_fit"]) == (88, "strong_fit")
    got = (await step(app_conn, "get_contact_for_enrichment", base))[0]
    assert got["person_summary"] == "summary"
    assert got["linkedin_profile_summary"] == "CTO, ex-Google"
    message = (await step(app_conn, "insert_message", {
        **base, "channel": "email", "subject": "Hi", "body": "Hi Jana, it's $1 and $2 — ok?"}))[0]
    assert (message["status"], message["variant"], message["sequence_step"]) == ("draft", "a", 1)
    async with tenant_transaction(app_conn, a.id):
        body = await app_conn.fetchval(
            "SELECT body FROM messages WHERE tenant_id = $1 AND id = $2", a.id,
            message["message_id"])
    assert body == "Hi Jana, it's $1 and $2 — ok?"  # pg-promise substitutes only once
    done = (await step(app_conn, "mark_contact_processed",
                       {**base, "message_status": "pending_review"}))[0]
    assert (done["processed_enrich"], done["message_status"]) == (True, "pending_review")
    assert await step(app_conn, "load_unprocessed_contacts",
                      {"tenant_id": str(a.id), "batch_name": "batch-1"}) == []
    await step(app_conn, "mark_contact_processed", {**base, "processed_enrich": False})


async def test_progress_store(app_conn: asyncpg.Connection,
                              two_tenants: tuple[SeededTenant, SeededTenant]) -> None:
    a, _ = two_tenants
    t = {"tenant_id": str(a.id)}
    run = (await step(app_conn, "start_run", {**t, "batch_name": "batch-1", "owner_name": "Michal",
                                               "total_contacts": 3, "config": {"limit": 5}}))[0]
    assert run["status"] == "running" and run["batch_id"] == a.ids["batches"]
    r = {**t, "run_id": str(run["run_id"])}
    totals = (await step(app_conn, "set_run_totals", {**r, "l1_total": 2, "person_total": 3}))[0]
    assert (totals["l1_total"], totals["l2_total"], totals["person_total"]) == (2, 0, 3)
    await step(app_conn, "add_progress", {**r, "l1_done": 1, "cost_usd": 0.01})
    now = (await step(app_conn, "add_progress", {**r, "l1_done": 1, "person_done": 2,
                                                 "cost_usd": 0.015}))[0]
    assert (now["l1_done"], now["person_done"], now["cost_usd"]) == (2, 2, Decimal("0.0250"))
    assert await step(app_conn, "finish_run_if_done", r) == []  # person is at 2 of 3
    polled = (await step(app_conn, "get_run", {"query": r}))[0]
    assert polled["batch_name"] == "batch-1" and polled["l1_total"] == 2
    await step(app_conn, "add_progress", {**r, "person_done": 1})
    finished = (await step(app_conn, "finish_run_if_done", r))[0]
    assert finished["status"] == "completed" and finished["completed_at"] is not None
    assert await step(app_conn, "finish_run", r) == []  # already completed: no row
    assert await step(app_conn, "fail_run", r) == []  # a finished run stays finished
    other = (await step(app_conn, "start_run", t))[0]
    failed = (await step(app_conn, "fail_run", {**t, "run_id": str(other["run_id"]),
                                                "error": "L1 timed out"}))[0]
    assert (failed["status"], failed["error"]) == ("failed", "L1 timed out")


def test_every_library_query_was_exercised() -> None:
    assert {q.name for q in load_library()} <= EXERCISED


async def test_without_the_preamble_rls_refuses(app_conn: asyncpg.Connection,
                                                two_tenants: tuple[SeededTenant, SeededTenant]
                                                ) -> None:
    a, _ = two_tenants
    q = library_query("batch_stats")
    with pytest.raises(asyncpg.InsufficientPrivilegeError, match="no tenant set"):
        await app_conn.fetch(format_query(q.sql, [str(a.id), "batch-1"]))


async def test_tenant_preamble_isolates_tenants(app_conn: asyncpg.Connection,
                                                two_tenants: tuple[SeededTenant, SeededTenant]
                                                ) -> None:
    """The preamble's tenant is what RLS enforces: naming another tenant in the query
    (a wrong $1 in a WHERE) finds nothing and changes nothing of theirs."""
    a, b = two_tenants
    q = library_query("set_company_status")
    text = format_query(q.sql, [str(b.id), str(b.ids["companies"]), "synced", None])
    preamble = format_query(q.n8n_query().split("\n", 1)[0], [str(a.id)])
    async with app_conn.transaction():
        await app_conn.execute(preamble)
        assert await app_conn.fetch(text) == []
    rows = await step(app_conn, "get_company_for_l1",
                      {"tenant_id": str(b.id), "company_id": str(b.ids["companies"])})
    assert rows[0]["status"] == "new"
    # the tenant leaves with the transaction: a pooled connection keeps nothing
    with pytest.raises(asyncpg.InsufficientPrivilegeError):
        await app_conn.fetch("SELECT count(*) FROM companies")


async def test_independent_batching_sets_the_tenant_in_the_implicit_transaction(
        app_conn: asyncpg.Connection, two_tenants: tuple[SeededTenant, SeededTenant]) -> None:
    a, _ = two_tenants
    run = (await step(app_conn, "start_run", {"tenant_id": str(a.id)}))[0]
    q = library_query("add_progress")
    await run_independently(app_conn, q.n8n_query(), [str(a.id), str(run["run_id"]), 3, 0, 0, 0.5])
    got = (await step(app_conn, "get_run", {"query": {"tenant_id": str(a.id),
                                                      "run_id": str(run["run_id"])}}))[0]
    assert (got["l1_done"], got["cost_usd"]) == (3, Decimal("0.5000"))


async def test_progress_notifies_listeners(app_url: str, app_conn: asyncpg.Connection,
                                           two_tenants: tuple[SeededTenant, SeededTenant]) -> None:
    a, _ = two_tenants
    run = (await step(app_conn, "start_run", {"tenant_id": str(a.id)}))[0]
    listener = await asyncpg.connect(app_url)
    received: asyncio.Queue[str] = asyncio.Queue()
    await listener.add_listener("pipeline_runs", lambda *args: received.put_nowait(args[3]))
    try:
        await step(app_conn, "add_progress", {"tenant_id": str(a.id), "run_id": str(run["run_id"]),
                                              "l2_done": 1})
        payload = json.loads(await asyncio.wait_for(received.get(), 5))
        assert payload == {"tenant_id": str(a.id), "run_id": str(run["run_id"]),
                           "status": "running"}
    finally:
        await listener.close()


async def test_eight_workers_increment_exactly(app_url: str,
                                               two_tenants: tuple[SeededTenant, SeededTenant]
                                               ) -> None:
    """8 connections × 1,000 increments each, concurrently, as n8n workers would send them."""
    a, _ = two_tenants
    setup = await asyncpg.connect(app_url)
    try:
        run = (await step(setup, "start_run", {"tenant_id": str(a.id)}))[0]
    finally:
        await setup.close()
    text = library_query("add_progress").n8n_query()

    async def worker(n: int) -> None:
        # durability is not under test: without the commit flush the test takes seconds
        conn = await asyncpg.connect(app_url, server_settings={"synchronous_commit": "off"})
        try:
            for i in range(1000):
                await run_independently(conn, text, [str(a.id), str(run["run_id"]), 1,
                                                     i % 2, n % 3, 0.0001])
        finally:
            await conn.close()

    await asyncio.gather(*(worker(n) for n in range(8)))
    check = await asyncpg.connect(app_url)
    try:
        got = (await step(check, "get_run", {"query": {"tenant_id": str(a.id),
                                                       "run_id": str(run["run_id"])}}))[0]
    finally:
        await check.close()
    assert got["l1_done"] == 8000
    assert got["l2_done"] == 8 * 500
    assert got["person_done"] == 1000 * sum(n % 3 for n in range(8))
    assert got["cost_usd"] == Decimal("0.8000")


def test_unknown_query_name_is_a_clear_error() -> None:
    with pytest.raises(ConfigError, match="no n8n query named"):
        library_query("nope")


async def test_single_batching_keeps_each_items_tenant(
        app_conn: asyncpg.Connection, two_tenants: tuple[SeededTenant, SeededTenant]) -> None:
    """queryBatching=single joins every item's text into one message: each item still runs
    under its own tenant, even when items of two tenants share the batch."""
    a, b = two_tenants
    runs = [(t, (await step(app_conn, "start_run", {"tenant_id": str(t.id)}))[0]["run_id"])
            for t in (a, b)]
    q = library_query("add_progress")
    batch = ";\n".join(format_query(q.n8n_query(), [str(t.id), str(run), 0, 7, 0, 0])
                       for t, run in runs)
    await app_conn.execute(batch)
    for t, run in runs:
        got = (await step(app_conn, "get_run", {"query": {"tenant_id": str(t.id),
                                                          "run_id": str(run)}}))[0]
        assert got["l2_done"] == 7


async def test_python_callers_run_the_same_queries(
        app_conn: asyncpg.Connection, two_tenants: tuple[SeededTenant, SeededTenant]) -> None:
    """The API (or any Python code) runs the very same named queries, inside its tenant
    transaction, with server-side parameters instead of n8n's rendered literals."""
    a, _ = two_tenants
    async with tenant_transaction(app_conn, a.id):
        run = (await run_query(app_conn, "start_run", a.id, "py", None, None, 0, 0, None))[0]
        row = (await run_query(app_conn, "add_progress", a.id, run["run_id"], 2, 0, 1, 0.5))[0]
    assert (row["l1_done"], row["person_done"], row["cost_usd"]) == (2, 1, Decimal("0.5000"))
