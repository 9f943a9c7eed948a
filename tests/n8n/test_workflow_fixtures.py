"""The five pipeline workflows convert completely, and every produced query runs.

Fixtures (tests/n8n/fixtures) are the customer's five workflows in n8n's export formats —
Airtable v1 and v2.x nodes mixed, filterByFormula with `{{ }}` expressions, webhook/code/if/
HTTP nodes around them. Each converted node's query runs against a migrated generated base as
leadgen_app, with the parameters n8n would pass for sample items. For searches the rows must be
exactly the records Airtable would return for the same rendered formula (the formula engine
on the snapshot); writes must land in the schema.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import asyncpg
import pytest
from n8n_expressions import evaluate_parameter, render_template
from n8n_runner import run_in_transaction

from leadgen.airtable.formula import compile_filter
from leadgen.migrate.mapping import load_mapping
from leadgen.n8n.convert import AIRTABLE, POSTGRES, Options, convert_document
from support.comparable import MigratedBase, comparable_base

FIXTURES = Path(__file__).parent / "fixtures"
FOUND: dict[str, int] = {}  # search node → records it found (checked to be non-trivial)
WORKFLOWS = ["orchestrator", "enrich_company_l1", "enrichment_l2_company",
             "person_enrichment_l2", "progress_store"]


def load(name: str) -> Any:
    return json.loads((FIXTURES / f"{name}.json").read_text("utf-8"))


def workflows_of(doc: Any) -> list[dict[str, Any]]:
    return doc if isinstance(doc, list) else [doc]


@pytest.fixture(scope="module")
def base(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> MigratedBase:
    return comparable_base(database_url, tmp_path_factory.mktemp("wf"), 24, 7)


@pytest.mark.parametrize("name", WORKFLOWS)
def test_converts_with_no_airtable_node_left(name: str) -> None:
    original = load(name)
    converted, reports = convert_document(original, load_mapping())
    assert type(converted) is type(original)
    for before, after, report in zip(workflows_of(original), workflows_of(converted), reports,
                                     strict=True):
        assert not [n for n in after["nodes"] if n["type"] == AIRTABLE]
        assert report.not_converted == [] and report.errors == 0
        assert after["connections"] == before["connections"]
        assert [(n["id"], n["name"], n["position"]) for n in after["nodes"]] == [
            (n["id"], n["name"], n["position"]) for n in before["nodes"]]
        assert set(after) == set(before)  # same top-level shape: importable as before
        for old, new in zip(before["nodes"], after["nodes"], strict=True):
            if old["type"] != AIRTABLE:
                assert new == old
                continue
            assert new["type"] == POSTGRES and new["typeVersion"] == 2.6
            assert list(new["credentials"]) == ["postgres"]
            assert new["parameters"]["operation"] == "executeQuery"
            assert new["parameters"]["options"]["queryBatching"] == "transaction"
            for flag in ("alwaysOutputData", "retryOnFail", "maxTries", "onError", "notes"):
                assert new.get(flag) == old.get(flag)
        assert [c["node"] for c in report.converted] == [
            n["name"] for n in before["nodes"] if n["type"] == AIRTABLE]


def test_conversion_is_idempotent() -> None:
    mapping = load_mapping()
    for name in WORKFLOWS:
        once, _ = convert_document(load(name), mapping)
        twice, reports = convert_document(copy.deepcopy(once), mapping)
        assert twice == once
        assert all(r.converted == [] for r in reports)


def test_progress_store_is_flagged_for_staticdata() -> None:
    _, reports = convert_document(load("progress_store"), load_mapping())
    codes = {(i["code"], i["node"]) for i in reports[0].issues}
    assert ("STATICDATA_PROGRESS", "Save Progress") in codes
    assert ("STATICDATA_RECORD_IDS", None) in codes


def _samples(base: MigratedBase) -> dict[str, Any]:
    """Ids and names from the migrated base that the sample items refer to."""
    contacts = [r for r in base.records["Contacts"] if r["id"] in base.loaded["Contacts"]]
    fields = {f["name"]: f["id"] for f in base.tables["Contacts"]["fields"]}
    cf = {f["name"]: f["id"] for f in base.tables["Companies"]["fields"]}
    new = [c["fields"].get(cf["batch_name"]) for c in base.records["Companies"]
           if c["fields"].get(cf["Status"]) == "New"]
    # prefer the batch with most new companies, so the orchestrator's searches find some
    contacts.sort(key=lambda r: -new.count((r["fields"].get(fields["batch_name"]) or [None])[0]))
    for r in contacts:
        batches = r["fields"].get(fields["batch_name"]) or []
        owners = r["fields"].get(fields["Owner"]) or []
        company = r["fields"].get(fields["Company"]) or []
        if len(batches) == 1 and len(owners) == 1 and len(company) == 1:
            return {"batch": batches[0], "owner": base.primary[owners[0]],
                    "contact_id": r["id"], "company_id": company[0],
                    "company_name": base.primary[company[0]]}
    raise AssertionError("the generated base has no contact with one batch, owner and company")


# node → (input item, outputs of earlier nodes the expressions reference)
def _items(s: dict[str, Any]) -> dict[str, tuple[dict[str, Any], dict[str, dict[str, Any]]]]:
    parse_input = {"batch": s["batch"], "owner": s["owner"], "limit": 50}
    return {
        "Load Contacts": (parse_input, {}),
        "List New Companies": ({"id": s["contact_id"]}, {"Parse Input": parse_input}),
        "Tier 1 Companies": ({"id": s["contact_id"]}, {"Parse Input": parse_input}),
        "Get Company": ({"company_id": s["company_id"]}, {}),
        "Update Company L1": ({"company_id": s["company_id"], "tier": "Tier 2 - Gold",
                               "summary": "Makes widgets, in Brno", "hq_city": "Brno",
                               "triage_score": 7.5, "reason": "O'Brien's \"fit\", $1",
                               "cost": 0.0125}, {}),
        "Mark Failed": ({"company_id": s["company_id"], "Status": "Enrichment Failed",
                         "Error Message": "timeout, retried"}, {}),
        "Read Company": ({"company_id": s["company_id"]}, {}),
        "Save L2": ({"id": s["company_id"], "company_intel": "Intel: {x}",
                     "recent_news": "Raised €5m", "ai_opportunities": None,
                     "pain_areas": ["Manual Processes", "Data Silos"]}, {}),
        "Find Contacts": ({"id": s["company_id"]}, {"Read Company": {
            "id": s["company_id"], "fields": {"Company Name": s["company_name"]}}}),
        "Get Contact": ({"contact_id": s["contact_id"]}, {}),
        "Save Person": ({"contact_id": s["contact_id"], "person_summary": "CTO",
                         "linkedin_summary": "ex-Google", "contact_score": 88,
                         "seniority": "VP"}, {}),
        "Create Message": ({"id": s["contact_id"]}, {"Parse Person": {
            "contact_id": s["contact_id"], "subject": "Hi", "email_body": "Hello, Jana"}}),
        "Append LinkedIn Note": ({"Contact": [s["contact_id"]], "Channel": "LinkedIn Message",
                                  "Body": "Nice to e-meet", "Sequence Step": 2}, {}),
        "Count Processed": ({"query": {"batch": s["batch"]}}, {}),
        "Count Enriched Companies": ({"query": {"batch": s["batch"]}},
                                     {"Progress Poll": {"query": {"batch": s["batch"]}}}),
    }


def _airtable_expectation(base: MigratedBase, node: dict[str, Any], item: dict[str, Any],
                          nodes: dict[str, dict[str, Any]], touched: set[str]
                          ) -> tuple[set[str], set[str]] | None:
    """(records Airtable returns, records comparable) for a search node; None otherwise.

    Comparable: loaded into PG, no rejected or lossy cell among the formula's fields, and not
    written by another fixture's node in this module (the sample company and contact).
    """
    p = node["parameters"]
    formula = p.get("filterByFormula") or (p.get("additionalOptions") or {}).get("filterByFormula")
    if p.get("operation") not in ("search", "list"):
        return None
    table_ref = p["table"]["value"]
    name = next(t for t, d in base.tables.items() if d["id"] == table_ref)
    rendered = render_template(formula, item, nodes) if formula else ""
    predicate = compile_filter(rendered, base.tables[name], link_display=base.link_display())
    used = {f["name"] for f in base.tables[name]["fields"] if "{" + f["name"] + "}" in rendered}
    comparable = {r["id"] for r in base.records[name] if r["id"] in base.loaded[name]
                  and r["id"] not in touched
                  and not any((name, r["id"], f) in base.rejected_cells for f in used)}
    keep = {r["id"] for r in base.records[name] if r["id"] in comparable and predicate(r)}
    return keep, comparable


@pytest.mark.parametrize("name", WORKFLOWS)
async def test_every_converted_query_runs_as_the_app_role(
        name: str, base: MigratedBase, app_url: str) -> None:
    original = load(name)
    converted, _ = convert_document(original, load_mapping(), Options())
    samples = _samples(base)
    items = _items(samples)
    env = {"LEADGEN_TENANT_ID": str(base.tenant_id)}
    conn = await asyncpg.connect(app_url)
    try:
        for before, after in zip(workflows_of(original), workflows_of(converted), strict=True):
            for old, new in zip(before["nodes"], after["nodes"], strict=True):
                if old["type"] != AIRTABLE:
                    continue
                item, nodes = items[old["name"]]
                values = evaluate_parameter(new["parameters"]["options"]["queryReplacement"],
                                            item, nodes, env)
                rows = await run_in_transaction(conn, new["parameters"]["query"], values)
                _check(base, samples, old, item, nodes, rows)
    finally:
        await conn.close()


def _check(base: MigratedBase, s: dict[str, Any], node: dict[str, Any], item: dict[str, Any],
           nodes: dict[str, dict[str, Any]], rows: list[dict[str, Any]]) -> None:
    name = node["name"]
    expected = _airtable_expectation(base, node, item, nodes, {s["company_id"], s["contact_id"]})
    if expected is not None:
        keep, comparable = expected
        got = {r["id"] for r in rows}
        limit = node["parameters"].get("limit")
        if node["parameters"].get("returnAll", True) is False and len(keep) > int(limit):
            assert len(rows) == int(limit), name
            return
        assert got & comparable == keep, name
        FOUND[name] = len(keep)
        return
    assert len(rows) == 1, f"{name}: {rows}"
    row = rows[0]
    fields = row.get("fields")
    fields = json.loads(fields) if isinstance(fields, str) else fields
    if name in ("Get Company", "Read Company"):
        assert row["id"] == s["company_id"]
    if name == "Update Company L1":
        assert fields["Status"] == "Triage: Passed" and fields["Tier"] == "Tier 2 - Gold"
        assert fields["Triage Notes"] == "Scored 7.5 by L1, O'Brien's \"fit\", $1"
        assert float(fields["Enrichment Cost ($)"]) == 0.0125
    if name == "Mark Failed":
        assert fields["Status"] == "Enrichment Failed"
        assert fields["Error Message"] == "timeout, retried"
    if name == "Save L2":
        assert fields["Status"] == "Enriched L2" and fields["Recent News"] == "Raised €5m"
        assert fields["Company Intel"] == "Intel: {x}"
    if name == "Get Contact":
        assert row["id"] == s["contact_id"] and row["Full Name"]
    if name == "Save Person":
        assert fields["Seniority Level"] == "VP" and fields["processed_enrich"] is True
        assert fields["Person Summary"] == "CTO" and fields["Message Status"] == "Pending Review"
    if name in ("Create Message", "Append LinkedIn Note"):
        assert fields["Contact"] == [s["contact_id"]]
        assert fields["Channel"] in ("Email", "LinkedIn Message")



def test_searches_found_records() -> None:
    """The comparisons above were not all of empty results."""
    assert len(FOUND) == 6
    assert sum(1 for n in FOUND.values() if n > 0) >= 4, FOUND


async def test_absent_values_keep_fields_and_null_clears_them(base: MigratedBase,
                                                              app_url: str) -> None:
    """As Airtable: a field whose expression is undefined is not sent (kept); null clears it."""
    company = sorted(base.loaded["Companies"])[-1]
    node = {"id": "u1", "name": "Update", "type": AIRTABLE, "typeVersion": 2.1,
            "position": [0, 0], "parameters": {
                "base": {"__rl": True, "mode": "id", "value": "appLeadgen0000001"},
                "table": {"__rl": True, "mode": "id", "value": "tbllJd7cDHTCfSOIk"},
                "operation": "update", "columns": {
                    "mappingMode": "defineBelow", "matchingColumns": ["id"], "value": {
                        "id": "={{ $json.id }}", "Summary": "={{ $json.summary }}",
                        "HQ City": "={{ $json.city }}", "Recent News": "={{ $json.news }}",
                        "Company Intel": "={{ $json.intel }}"}}}}
    converted, _ = convert_document({"name": "u", "nodes": [node], "connections": {}},
                                    load_mapping())
    params = converted["nodes"][0]["parameters"]
    env = {"LEADGEN_TENANT_ID": str(base.tenant_id)}
    conn = await asyncpg.connect(app_url)
    try:
        async def run(item: dict[str, Any]) -> dict[str, Any]:
            values = evaluate_parameter(params["options"]["queryReplacement"], item, {}, env)
            rows = await run_in_transaction(conn, params["query"], values)
            fields = rows[0]["fields"]
            return json.loads(fields) if isinstance(fields, str) else fields

        first = await run({"id": company, "summary": "S1", "city": "Brno", "news": "N1",
                           "intel": "I1"})
        assert (first["Summary"], first["HQ City"], first["Recent News"],
                first["Company Intel"]) == ("S1", "Brno", "N1", "I1")
        second = await run({"id": company, "city": None, "intel": None})
        assert second["Summary"] == "S1" and second["Recent News"] == "N1"  # absent: kept
        assert "HQ City" not in second and "Company Intel" not in second  # null: cleared
    finally:
        await conn.close()
