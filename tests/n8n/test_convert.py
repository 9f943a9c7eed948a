"""The converter on single nodes: what it converts, what it flags (and leaves in place), why."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from leadgen.cli import app
from leadgen.errors import ConfigError
from leadgen.migrate.mapping import load_mapping
from leadgen.n8n.convert import AIRTABLE, FLAG, POSTGRES, Options, convert_workflow
from leadgen.n8n.document import render_document

FIXTURES = Path(__file__).parent / "fixtures"
RL = {"__rl": True, "mode": "list", "value": "appLeadgen0000001"}
CONTACTS = {"__rl": True, "mode": "list", "value": "tbl4sMFXOvkBoJd6z",
            "cachedResultName": "Contacts"}


def workflow(*nodes: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"name": "t", "nodes": list(nodes), "connections": {}, **extra}


def airtable(version: float, **params: Any) -> dict[str, Any]:
    return {"id": "n1", "name": "Airtable", "type": AIRTABLE, "typeVersion": version,
            "position": [0, 0], "parameters": params,
            "credentials": {"airtableTokenApi": {"id": "x", "name": "PAT"}}}


def convert(*nodes: dict[str, Any], **extra: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    out, report = convert_workflow(workflow(*nodes, **extra), load_mapping(),
                                   Options(credential={"id": "pg1", "name": "PG"}))
    return out, report.as_dict()


def codes(report: dict[str, Any]) -> set[str]:
    return {i["code"] for i in report["issues"]}


@pytest.mark.parametrize("params,code", [
    ({"base": RL, "table": CONTACTS, "operation": "search",
      "filterByFormula": "=DATETIME_FORMAT({Created}, 'YYYY') = '2024'"},
     "FORMULA_UNSUPPORTED_FUNCTION"),
    ({"base": RL, "table": CONTACTS, "operation": "search",
      "filterByFormula": "={{ $json.formula }}"}, "DYNAMIC_FORMULA"),
    ({"base": RL, "table": CONTACTS, "operation": "search",
      "filterByFormula": "=OR({{ $json.ids.map(i => `RECORD_ID()='${i}'`).join(',') }})"},
     "DYNAMIC_FORMULA"),
    ({"base": RL, "table": CONTACTS, "operation": "search", "filterByFormula": "AND({Nope} = 1)"},
     "UNKNOWN_FIELD"),
    ({"base": RL, "table": CONTACTS, "operation": "search", "filterByFormula": "AND({Full Name}"},
     "FORMULA_PARSE_ERROR"),
    ({"base": RL, "table": "={{ $json.table }}", "operation": "search"}, "DYNAMIC_TABLE"),
    ({"base": RL, "table": {"__rl": True, "mode": "id", "value": "tblNotInTheBase01"},
      "operation": "get", "id": "={{ $json.id }}"}, "UNKNOWN_TABLE"),
    ({"base": RL, "table": CONTACTS, "operation": "search",
      "options": {"downloadFields": ["Profile Photo"]}}, "ATTACHMENT_DOWNLOAD"),
    ({"base": RL, "resource": "base", "operation": "getSchema"}, "AIRTABLE_BASE_RESOURCE"),
    ({"base": RL, "table": CONTACTS, "operation": "update", "options": {"ignoreFields": "={{ 1 }}"},
      "columns": {"mappingMode": "autoMapInputData", "value": {}, "matchingColumns": ["id"]}},
     "IGNORE_FIELDS_EXPRESSION"),
    ({"base": RL, "table": CONTACTS, "operation": "update",
      "columns": {"mappingMode": "defineBelow", "matchingColumns": ["id"],
                  "value": {"id": "={{ $json.id }}", "Message Count": 3}}}, "COMPUTED_FIELD"),
])
def test_unconvertible_nodes_stay_and_are_flagged(params: dict[str, Any], code: str) -> None:
    node = airtable(2.1, **params)
    out, report = convert(node)
    kept = out["nodes"][0]
    assert kept["type"] == AIRTABLE and kept["parameters"] == node["parameters"]
    assert kept["notes"].startswith(FLAG) and f"[{code}]" in kept["notes"]
    assert report["not_converted"][0]["code"] == code
    assert [i["severity"] for i in report["issues"] if i["code"] == code] == ["error"]


def test_v1_list_defaults_and_flags() -> None:
    node = airtable(1, operation="list", application="appLeadgen0000001",
                    table="tbl4sMFXOvkBoJd6z",
                    additionalOptions={"filterByFormula": "{processed_enrich}", "view": "Grid"})
    node.update(disabled=True, notes="keep me", onError="continueErrorOutput")
    out, report = convert(node)
    new = out["nodes"][0]
    assert new["type"] == POSTGRES and new["disabled"] is True and new["notes"] == "keep me"
    assert new["onError"] == "continueErrorOutput" and new["executeOnce"] is True
    assert new["credentials"] == {"postgres": {"id": "pg1", "name": "PG"}}
    assert "VIEW_IGNORED" in codes(report)
    assert new["parameters"]["options"]["queryReplacement"] == "={{ [ $env.LEADGEN_TENANT_ID ] }}"


def test_expression_values_become_parameters_never_sql() -> None:
    node = airtable(2.1, base=RL, table=CONTACTS, operation="search",
                    filterByFormula="={Full Name} = 'x{{ $json.name }}y' & '; DROP'")
    out, _ = convert(node)
    params = out["nodes"][0]["parameters"]
    assert "DROP" not in params["query"] and "$json" not in params["query"]
    assert params["options"]["queryReplacement"] == (
        "={{ [ $env.LEADGEN_TENANT_ID, 'x' + String(($json.name) ?? '') + 'y', \"; DROP\" ] }}")


@pytest.mark.parametrize("node,code", [
    ({"type": "n8n-nodes-base.airtableTrigger", "parameters": {}}, "AIRTABLE_TRIGGER"),
    ({"type": "n8n-nodes-base.httpRequest",
      "parameters": {"url": "https://api.airtable.com/v0/appX/tblY"}}, "HTTP_AIRTABLE_CALL"),
    ({"type": "n8n-nodes-base.httpRequest",
      "parameters": {"nodeCredentialType": "airtableTokenApi", "url": "={{ $json.u }}"}},
     "HTTP_AIRTABLE_CALL"),
    ({"type": "n8n-nodes-base.code", "parameters": {"jsCode": "// reads Airtable records"}},
     "CODE_AIRTABLE_CALL"),
    ({"type": "n8n-nodes-base.wait", "parameters": {"amount": 1}}, "RATE_LIMIT_SCAFFOLDING"),
])
def test_other_nodes_that_reach_airtable_are_reported(node: dict[str, Any], code: str) -> None:
    full = {"id": "o1", "name": "Other", "position": [0, 0], "typeVersion": 1, **node}
    out, report = convert(full)
    assert out["nodes"][0] == full
    assert code in codes(report)


def test_pindata_on_a_converted_node_is_reported() -> None:
    node = airtable(2.2, base=RL, table=CONTACTS, operation="get", id="={{ $json.id }}")
    _, report = convert(node, pinData={"Airtable": [{"json": {"id": "rec1"}}]})
    assert "PINDATA_SHAPE" in codes(report)


def test_cli_convert_writes_workflow_report_and_table(tmp_path: Path) -> None:
    out, rep = tmp_path / "out.json", tmp_path / "report.json"
    result = subprocess.run(
        [sys.executable, "-m", "leadgen", "n8n", "convert",
         str(FIXTURES / "progress_store.json"), "-o", str(out), "--report", str(rep),
         "--credential", "Postgres prod", "--tenant", "6f1c0f6e-0000-4000-8000-000000000001"],
        capture_output=True, text=True, check=True)  # the real entry point, once
    converted = json.loads(out.read_text())
    assert isinstance(converted, list)
    assert not [n for n in converted[0]["nodes"] if n["type"] == AIRTABLE]
    pg = [n for n in converted[0]["nodes"] if n["type"] == POSTGRES]
    assert all(n["credentials"]["postgres"]["name"] == "Postgres prod" for n in pg)
    assert all('"6f1c0f6e-0000-4000-8000-000000000001"' in n["parameters"]["options"]
               ["queryReplacement"] for n in pg)
    report = json.loads(rep.read_text())
    assert [c["node"] for c in report["converted"]] == ["Count Processed",
                                                        "Count Enriched Companies"]
    assert "✔ Count Processed" in result.stdout and "STATICDATA_PROGRESS" in result.stdout


def test_cli_strict_fails_when_a_node_is_left(tmp_path: Path) -> None:
    src = tmp_path / "in.json"
    src.write_text(json.dumps(workflow(airtable(2.1, base=RL, table="={{ $json.t }}",
                                                operation="search"))))
    runner = CliRunner()
    result = runner.invoke(app, ["n8n", "convert", str(src), "-o", str(tmp_path / "o.json"),
                                 "--strict"])
    assert result.exit_code == 2 and "DYNAMIC_TABLE" in result.stdout
    bad = runner.invoke(app, ["n8n", "convert", str(tmp_path / "missing.json"), "-o",
                              str(tmp_path / "o.json")])
    assert isinstance(bad.exception, ConfigError) and bad.exception.exit_code == 2
    assert "cannot read workflow" in bad.exception.message
    doc = runner.invoke(app, ["n8n", "queries"])
    assert doc.exit_code == 0 and doc.stdout == render_document()
