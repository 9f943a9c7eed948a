"""The workflows the tier imports into n8n: the five converted fixtures and test-only helpers.

The fixtures are converted exactly as `leadgen n8n convert` converts them (the orchestrator
with `--run-contract`). Two things change before import, both outside the workflow logic: the
HTTP Request nodes' scheme and host point at the local stub, and the orchestrator's Execute
Workflow node names the L1 workflow by the id the sanitised L1 export carries. The helpers are
the wrappers that start a sub-workflow from a Manual Trigger (`n8n execute` starts nowhere
else) and one-node workflows for the fault tests.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from stub_server import StubServer, anthropic, perplexity

from leadgen.migrate import load_mapping
from leadgen.n8n.convert import Options, convert_document

FIXTURES = Path(__file__).resolve().parents[1] / "n8n" / "fixtures"
CREDENTIAL = {"id": "leadgenPostgres", "name": "Postgres leadgen"}
WRONG_ROLE = {"id": "leadgenWrongRole", "name": "Postgres wrong role"}
PG_DOWN = {"id": "leadgenPgDown001", "name": "Postgres down"}

L1_ANSWER = {"tier": "Tier 2 - Gold", "summary": "Makes widgets, in Brno", "hq_city": "Brno",
             "triage_score": 7.5, "reason": "O'Brien's \"fit\", $1", "cost": 0.0125}
L2_ANSWER = {"company_intel": "Intel: {x}, 'quoted'", "recent_news": "Raised €5m, in 2025",
             "ai_opportunities": None, "pain_areas": ["Manual Processes", "Data Silos"]}
PERSON_ANSWER = {"person_summary": "CTO, ex-Google", "linkedin_summary": "Builds teams",
                 "contact_score": 88, "seniority": "VP", "subject": "Hi, Jana",
                 "email_body": "Hello, Jana — $1 'quoted'"}
ANSWERS = {"l1": perplexity(L1_ANSWER), "l2": anthropic(L2_ANSWER),
           "person": anthropic(PERSON_ANSWER)}

# sub-workflow fixture → (stub key, wrapper id, input field, sample it takes)
SUBWORKFLOWS = {
    "enrich_company_l1": ("l1", "LeadgenWrapL1000", "company_id", "company"),
    "enrichment_l2_company": ("l2", "LeadgenWrapL2000", "company_id", "l2_company"),
    "person_enrichment_l2": ("person", "LeadgenWrapPers0", "contact_id", "contact"),
}
FAULTS = {"LeadgenFaultRole": WRONG_ROLE, "LeadgenFaultDown": PG_DOWN,
          "LeadgenFaultEnv0": CREDENTIAL}
COMPANIES = {"__rl": True, "mode": "id", "value": "tbllJd7cDHTCfSOIk"}
BASE = {"__rl": True, "mode": "id", "value": "appLeadgen0000001"}


def load_fixture(name: str) -> list[dict[str, Any]]:
    doc = json.loads((FIXTURES / f"{name}.json").read_text("utf-8"))
    return doc if isinstance(doc, list) else [doc]


def converted(name: str, run_contract: bool = False) -> dict[str, Any]:
    """A fixture workflow as `leadgen n8n convert [--run-contract]` writes it."""
    out, reports = convert_document(load_fixture(name), load_mapping(),
                                    Options(credential=dict(CREDENTIAL),
                                            run_contract=run_contract))
    assert all(r.errors == 0 for r in reports), [r.as_dict() for r in reports]
    [workflow] = out
    result: dict[str, Any] = workflow
    return result


def wrapper(wrapper_id: str, target: str, record: dict[str, Any]) -> dict[str, Any]:
    """Manual Trigger → Set (raw JSON: the record) → Execute Workflow `target`, waiting."""
    inputs = {k: f"={{{{ $json.{k} }}}}" for k in record}
    return {
        "id": wrapper_id, "name": f"test wrapper {wrapper_id}", "active": False,
        "settings": {"executionOrder": "v1"}, "connections": {
            "Start": {"main": [[{"node": "Record", "type": "main", "index": 0}]]},
            "Record": {"main": [[{"node": "Run", "type": "main", "index": 0}]]}},
        "nodes": [
            {"id": f"{wrapper_id}-1", "name": "Start", "type": "n8n-nodes-base.manualTrigger",
             "typeVersion": 1, "position": [0, 0], "parameters": {}},
            {"id": f"{wrapper_id}-2", "name": "Record", "type": "n8n-nodes-base.set",
             "typeVersion": 3.4, "position": [200, 0],
             "parameters": {"mode": "raw", "jsonOutput": json.dumps(record), "options": {}}},
            {"id": f"{wrapper_id}-3", "name": "Run", "type": "n8n-nodes-base.executeWorkflow",
             "typeVersion": 1.2, "position": [400, 0], "parameters": {
                 "workflowId": {"__rl": True, "value": target, "mode": "id"},
                 "workflowInputs": {"mappingMode": "defineBelow", "value": inputs},
                 "options": {"waitForSubWorkflow": True}}},
        ],
    }


def one_node_workflow(wid: str, node: dict[str, Any]) -> dict[str, Any]:
    return {"id": wid, "name": f"fault {wid}", "active": False, "settings": {},
            "nodes": [{"id": f"{wid}-t", "name": "Start", "type": "n8n-nodes-base.manualTrigger",
                       "typeVersion": 1, "position": [0, 0], "parameters": {}}, node],
            "connections": {"Start": {"main": [[{"node": node["name"], "type": "main",
                                                 "index": 0}]]}}}


def get_company(credential: dict[str, str]) -> dict[str, Any]:
    """An Airtable "get" of one company, converted for the given n8n credential."""
    node = {"id": "f1", "name": "Get Company", "type": "n8n-nodes-base.airtable",
            "typeVersion": 2, "position": [200, 0], "parameters": {
                "base": BASE, "table": COMPANIES, "id": "recNOTTHERE000000", "options": {}}}
    out, _ = convert_document({"name": "f", "nodes": [node], "connections": {}},
                              load_mapping(), Options(credential=credential))
    result: dict[str, Any] = out["nodes"][0]
    return result


UNCONVERTIBLE = {"id": "u1", "name": "List Bases", "type": "n8n-nodes-base.airtable",
                 "typeVersion": 2.1, "position": [200, 0],
                 "parameters": {"resource": "base", "operation": "getMany"},
                 "credentials": {"airtableTokenApi": {"id": "atNone", "name": "Airtable"}}}


def unconvertible() -> dict[str, Any]:
    """A workflow holding a node the converter leaves as it is (AIRTABLE_BASE_RESOURCE)."""
    return one_node_workflow("LeadgenFaultConv", UNCONVERTIBLE)


def deployment(stub: StubServer, samples: dict[str, str]) -> tuple[list[dict[str, Any]],
                                                                    list[str]]:
    """Every workflow the tier imports, and the ids to publish (n8n 2.x runs a sub-workflow
    or serves a webhook only from its published version)."""
    subs = {name: converted(name) for name in SUBWORKFLOWS}
    orchestrator = converted("orchestrator", run_contract=True)
    for node in orchestrator["nodes"]:  # the sanitised export names L1 by another id
        if node["type"] == "n8n-nodes-base.executeWorkflow":
            node["parameters"]["workflowId"]["value"] = subs["enrich_company_l1"]["id"]
    progress = converted("progress_store")
    workflows = [stub.point(subs[name], key) for name, (key, _, _, _) in SUBWORKFLOWS.items()]
    workflows += [orchestrator, progress]
    workflows += [wrapper(wid, subs[name]["id"], {field: samples[sample]})
                  for name, (_, wid, field, sample) in SUBWORKFLOWS.items()]
    workflows += [one_node_workflow(wid, get_company(cred)) for wid, cred in FAULTS.items()]
    converted_anyway, _ = convert_document(unconvertible(), load_mapping())
    workflows.append(converted_anyway)  # imported although the converter refused the node
    publish = [w["id"] for w in workflows[:5]]
    return workflows, publish
