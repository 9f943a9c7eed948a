"""The converted orchestrator wired to the API's run contract (leadgen.n8n.run_contract).

Structure only: what n8n does with it is the n8n tier's (tests/n8n_live). The signature the
wired Crypto node computes is HMAC-SHA256, hex, over the raw body bytes — the same function
the API signs with (leadgen.api.webhook.sign).
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from leadgen.migrate import load_mapping
from leadgen.n8n.convert import Options, convert_document
from leadgen.n8n.library import library_query
from leadgen.n8n.run_contract import RUN_INPUT, SECRET_EXPRESSION, stage_of, wire_run_contract

FIXTURES = Path(__file__).parent / "fixtures"


def wired() -> dict[str, Any]:
    doc = json.loads((FIXTURES / "orchestrator.json").read_text("utf-8"))
    out, reports = convert_document(doc, load_mapping(), Options(run_contract=True))
    assert reports[0].errors == 0
    assert any(i["code"] == "RUN_CONTRACT" and "l1" in i["message"] for i in reports[0].issues)
    return dict(out)


def targets(workflow: dict[str, Any], name: str, output: int = 0) -> list[str]:
    main = workflow["connections"].get(name, {}).get("main", [])
    return [link["node"] for link in (main[output] if len(main) > output else [])]


def node(workflow: dict[str, Any], name: str) -> dict[str, Any]:
    return next(n for n in workflow["nodes"] if n["name"] == name)


def test_the_signature_is_checked_before_anything_else_runs() -> None:
    w = wired()
    hook = node(w, "Start Enrichment")
    assert hook["parameters"]["options"]["rawBody"] is True
    assert hook["parameters"]["responseMode"] == "responseNode"
    assert targets(w, "Start Enrichment") == ["Verify Signature"]
    crypto = node(w, "Verify Signature")["parameters"]
    assert (crypto["action"], crypto["type"], crypto["encoding"]) == ("hmac", "SHA256", "hex")
    assert crypto["binaryData"] is True and crypto["binaryPropertyName"] == "data"
    assert SECRET_EXPRESSION in crypto["secret"]
    assert targets(w, "Verify Signature") == ["Signature Valid?"]
    assert targets(w, "Signature Valid?", 0) == ["Accept Run"]
    assert targets(w, "Signature Valid?", 1) == ["Reject Unsigned"]
    assert node(w, "Reject Unsigned")["parameters"]["options"]["responseCode"] == 401
    assert node(w, "Accept Run")["parameters"]["options"]["responseCode"] == 202
    assert targets(w, "Accept Run") == [RUN_INPUT]
    assert targets(w, RUN_INPUT) == ["Parse Input"]  # then the customer's own nodes


def test_each_stage_reports_its_total_and_progress_by_run_id() -> None:
    w = wired()
    assert stage_of(node(w, "Run L1")) == "l1"
    assert targets(w, "Any Companies?") == ["Run L1 · Total", "Run L1"]
    stage = node(w, "Run L1")
    assert stage["parameters"]["options"]["waitForSubWorkflow"] is True
    assert stage["parameters"]["mode"] == "each"  # one sub-execution per company
    progress = node(w, "Run L1 · Progress")["parameters"]["options"]["queryReplacement"]
    assert "$('Run L1 · Total').first().json.l1_total" in progress  # what it was handed
    assert targets(w, "Run L1", 0) == ["Run L1 · Progress"]
    assert targets(w, "Run L1", 1) == ["Fail Run"]
    assert targets(w, "Run L1 · Progress") == ["Finish Run"]
    for name, query in (("Run L1 · Total", "set_run_totals"), ("Run L1 · Progress",
                        "add_progress"), ("Finish Run", "finish_run_if_done"),
                        ("Fail Run", "fail_run")):
        params = node(w, name)["parameters"]
        assert params["query"] == library_query(query).n8n_query()
        values = params["options"]["queryReplacement"]
        assert values.startswith("={{ [ $env.LEADGEN_TENANT_ID, $('Run Input').first().json"
                                 ".run_id"), values
        assert node(w, name)["executeOnce"] is True
        assert values.count(",") + 1 == len(library_query(query).params)


def test_wiring_is_idempotent_and_needs_a_post_webhook() -> None:
    w = wired()
    again, _ = convert_document(copy.deepcopy(w), load_mapping(), Options(run_contract=True))
    assert again == w
    with pytest.raises(ValueError, match="no POST Webhook"):
        wire_run_contract({"nodes": [], "connections": {}}, {"id": "x", "name": "x"}, "'t'")
