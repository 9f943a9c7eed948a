"""Rewrite an exported n8n workflow: Airtable nodes become Postgres nodes over the schema.

    workflow, report = convert_workflow(doc, mapping=load_mapping(), credential=…)

As docs/n8n.md ("Converting workflows") describes, each ``n8n-nodes-base.airtable`` node (v1,
v2, v2.1, v2.2) becomes an ``n8n-nodes-base.postgres`` node running one ``executeQuery`` — the
tenant preamble, then the statement of ``node_query`` — with every value passed through
``queryReplacement``. Names, ids, positions, flags and connections are kept, so the rest of the
workflow is untouched. A node that cannot be converted faithfully stays as it is, flagged in its
notes, and is listed in the report with an issue code; other nodes that reach Airtable (trigger,
HTTP Request, Code) are reported too. Converting an already converted workflow changes nothing.
"""

from __future__ import annotations

import copy
import json
import re
from dataclasses import dataclass, field
from typing import Any

from leadgen.migrate.mapping import Mapping
from leadgen.n8n.airtable_node import read_node
from leadgen.n8n.expressions import replacement
from leadgen.n8n.library import TENANT_PREAMBLE
from leadgen.n8n.node_query import build_query
from leadgen.n8n.run_contract import wire_run_contract
from leadgen.n8n.table_sql import ConversionProblem

AIRTABLE = "n8n-nodes-base.airtable"
POSTGRES = "n8n-nodes-base.postgres"
DEFAULT_TENANT = "$env.LEADGEN_TENANT_ID"
DEFAULT_CREDENTIAL = {"id": "leadgenPostgres", "name": "Postgres leadgen"}
KEEP = ("id", "name", "position", "disabled", "notes", "notesInFlow", "alwaysOutputData",
        "executeOnce", "retryOnFail", "maxTries", "waitBetweenTries", "onError",
        "continueOnFail", "webhookId")
FLAG = "⚠ not converted to PostgreSQL"
REC_ID = re.compile(r"^rec[A-Za-z0-9]{14}$")


@dataclass
class Report:
    workflow: str
    converted: list[dict[str, str]] = field(default_factory=list)
    not_converted: list[dict[str, str]] = field(default_factory=list)
    issues: list[dict[str, Any]] = field(default_factory=list)

    def issue(self, severity: str, code: str, node: dict[str, Any] | None, message: str,
              suggestion: str = "") -> None:
        self.issues.append({
            "severity": severity, "code": code, "node": (node or {}).get("name"),
            "node_id": (node or {}).get("id"), "message": message, "suggestion": suggestion})

    def as_dict(self) -> dict[str, Any]:
        return {"workflow": self.workflow, "converted": self.converted,
                "not_converted": self.not_converted, "issues": self.issues}

    @property
    def errors(self) -> int:
        return sum(1 for i in self.issues if i["severity"] == "error")


@dataclass(frozen=True)
class Options:
    credential: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_CREDENTIAL))
    tenant_expression: str = DEFAULT_TENANT
    type_version: float = 2.6
    run_contract: bool = False  # wire the POST webhook to leadgen's run contract


def convert_document(doc: Any, mapping: Mapping, options: Options | None = None
                     ) -> tuple[Any, list[Report]]:
    """A file's content (one workflow object, or an array from export:workflow), converted."""
    options = options or Options()
    if isinstance(doc, list):
        pairs = [convert_workflow(w, mapping, options) for w in doc]
        return [p[0] for p in pairs], [p[1] for p in pairs]
    workflow, report = convert_workflow(doc, mapping, options)
    return workflow, [report]


def convert_workflow(workflow: dict[str, Any], mapping: Mapping, options: Options | None = None
                     ) -> tuple[dict[str, Any], Report]:
    options = options or Options()
    out = copy.deepcopy(workflow)
    report = Report(str(out.get("name", "")))
    converted_names: set[str] = set()
    nodes = out.get("nodes") or []
    for i, node in enumerate(nodes):
        kind = node.get("type", "")
        if kind == AIRTABLE:
            new = _convert_node(node, mapping, options, report)
            if new is not None:
                nodes[i] = new
                converted_names.add(node["name"])
        else:
            _inspect_other(node, report)
    _inspect_workflow(out, converted_names, report)
    _inspect_input_shapes(workflow, report)
    if options.run_contract:
        try:
            out, stages = wire_run_contract(out, options.credential, options.tenant_expression)
        except ValueError as exc:
            report.issue("error", "RUN_CONTRACT", None, str(exc),
                         "convert only the orchestrator (the workflow the API starts) with "
                         "--run-contract")
        else:
            report.issue("info", "RUN_CONTRACT", None,
                         "signature checked first, 202 with the run id, progress of "
                         f"{', '.join(stages) or 'no stage'} recorded in pipeline_runs")
    return out, report


def _convert_node(node: dict[str, Any], mapping: Mapping, options: Options,
                  report: Report) -> dict[str, Any] | None:
    origin = f"airtable:v{_version(node)}:{(node.get('parameters') or {}).get('operation', '')}"
    try:
        op = read_node(node)
        origin = f"airtable:v{_version(node)}:{op.raw_operation}"
        query = build_query(op, mapping, options.tenant_expression)
    except ConversionProblem as problem:
        report.issue("error", problem.code, node, problem.message, problem.suggestion)
        report.not_converted.append({"node": node["name"], "from": origin,
                                     "code": problem.code, "reason": problem.message})
        notes = node.get("notes") or ""
        if FLAG not in notes:
            node["notes"] = (notes + "\n" if notes else "") + f"{FLAG}: [{problem.code}] " \
                                                            f"{problem.message}"
        return None
    for severity, code, message in query.issues:
        report.issue(severity, code, node, message)
    new: dict[str, Any] = {
        "parameters": {
            "operation": "executeQuery",
            "query": TENANT_PREAMBLE + "\n" + query.sql,
            "options": {"queryBatching": "transaction",
                        "queryReplacement": replacement(query.params)},
        },
        "type": POSTGRES,
        "typeVersion": options.type_version,
        "credentials": {"postgres": dict(options.credential)},
    }
    for key in KEEP:
        if key in node:
            new[key] = copy.deepcopy(node[key])
    if op.once:
        new["executeOnce"] = True
    for key in ("bulkSize",):
        if key in ((node.get("parameters") or {}).get("options") or {}):
            report.issue("info", "RATE_LIMIT_SCAFFOLDING", node,
                         "bulkSize only paced Airtable's rate limit; it is gone")
    report.converted.append({"node": node["name"],
                             "from": origin, "to": f"postgres:{options.type_version}:executeQuery"})
    return {k: new[k] for k in sorted(new)}


def _version(node: dict[str, Any]) -> str:
    v = float(node.get("typeVersion", 1))
    return str(int(v)) if v == int(v) else str(v)


def _inspect_other(node: dict[str, Any], report: Report) -> None:
    kind = node.get("type", "")
    params = node.get("parameters") or {}
    text = json.dumps(params, ensure_ascii=False)
    if kind == "n8n-nodes-base.airtableTrigger":
        report.issue("error", "AIRTABLE_TRIGGER", node, "an Airtable trigger polls Airtable",
                     "use a Schedule Trigger and SELECT … WHERE updated_at > the last run")
        report.not_converted.append({"node": node["name"], "from": "airtableTrigger",
                                     "code": "AIRTABLE_TRIGGER", "reason": "polls Airtable"})
    elif kind == "n8n-nodes-base.httpRequest" and (
            "api.airtable.com" in text or str(params.get("nodeCredentialType", "")).startswith(
                "airtable")):
        report.issue("error", "HTTP_AIRTABLE_CALL", node, "an HTTP Request calls Airtable's API",
                     "replace it with a Postgres node (see docs/n8n.md)")
        report.not_converted.append({"node": node["name"], "from": "httpRequest",
                                     "code": "HTTP_AIRTABLE_CALL", "reason": "calls Airtable"})
    elif kind in ("n8n-nodes-base.code", "n8n-nodes-base.function",
                  "n8n-nodes-base.functionItem") and "$getWorkflowStaticData" in text:
        report.issue("warning", "STATICDATA_PROGRESS", node,
                     "staticData is saved only when an execution ends and the last writer "
                     "wins; progress kept there is lost or stale under concurrent runs",
                     "use the Progress Store queries start_run / add_progress / get_run "
                     "(docs/n8n.md) on pipeline_runs")
    elif kind in ("n8n-nodes-base.code", "n8n-nodes-base.function",
                  "n8n-nodes-base.functionItem") and "airtable" in text.lower():
        report.issue("warning", "CODE_AIRTABLE_CALL", node,
                     "the code mentions Airtable; check it does not call or expect Airtable")
    elif kind == "n8n-nodes-base.wait":
        report.issue("info", "RATE_LIMIT_SCAFFOLDING", node,
                     "a Wait node may only have paced Airtable's rate limit")


def _inspect_workflow(workflow: dict[str, Any], converted: set[str], report: Report) -> None:
    def rec_ids(value: Any) -> bool:
        if isinstance(value, str):
            return bool(REC_ID.match(value))
        if isinstance(value, dict):
            return any(rec_ids(v) for v in value.values())
        if isinstance(value, list):
            return any(rec_ids(v) for v in value)
        return False

    if rec_ids(workflow.get("staticData")):
        report.issue("warning", "STATICDATA_RECORD_IDS", None,
                     "staticData holds Airtable record ids; converted nodes still accept them "
                     "(rows keep airtable_record_id) but new rows have uuid ids")
    for name in (workflow.get("pinData") or {}):
        if name in converted:
            report.issue("info", "PINDATA_SHAPE", {"name": name},
                         "pinned data was recorded from Airtable; re-pin after a test run")


def _nested_output(node: dict[str, Any]) -> bool:
    """Whether an Airtable node outputs ``{id, createdTime, fields: {…}}`` (not flattened)."""
    version = float(node.get("typeVersion", 1))
    op = (node.get("parameters") or {}).get("operation") or ("read" if version < 2 else "get")
    if op in ("delete", "deleteRecord"):
        return False
    return version < 2 or version >= 2.2 or op in ("create", "update", "upsert")


def _inspect_input_shapes(workflow: dict[str, Any], report: Report) -> None:
    """A v1 append/update with listed fields reads them at the top of ``$json``; fed by a node
    whose output nests them under ``fields``, it finds none. Airtable then wrote an empty
    record; PostgreSQL refuses one that lacks a required column (seen in n8n 2.41.1)."""
    nodes = {n.get("name"): n for n in workflow.get("nodes") or []}
    feeds: dict[str, list[str]] = {}
    for source, links in (workflow.get("connections") or {}).items():
        for outputs in links.get("main") or []:
            for link in outputs or []:
                feeds.setdefault(link.get("node"), []).append(source)
    for name, node in nodes.items():
        params = node.get("parameters") or {}
        if node.get("type") != AIRTABLE or float(node.get("typeVersion", 1)) >= 2:
            continue
        listed = (params.get("operation") == "append" and params.get("addAllFields") is False) \
            or (params.get("operation") == "update" and params.get("updateAllFields") is False)
        if not listed:
            continue
        for source in feeds.get(name, []):
            upstream = nodes.get(source) or {}
            if upstream.get("type") == AIRTABLE and _nested_output(upstream):
                report.issue("warning", "INPUT_SHAPE", node,
                             f"reads {params.get('fields')} from $json, but its input "
                             f"{source!r} outputs them under $json.fields: every value is "
                             "missing (Airtable stored an empty record; PostgreSQL refuses "
                             "a row without its required columns)",
                             "map the values explicitly, e.g. {{ $json.fields['Contact'] }}, "
                             "or take them from the node that computed them")


def render_table(reports: list[Report]) -> str:
    """The report as a plain table for the terminal."""
    lines = []
    for r in reports:
        lines.append(f"workflow {r.workflow!r}: {len(r.converted)} converted, "
                     f"{len(r.not_converted)} not converted, {r.errors} errors")
        width = max([len(c["node"]) for c in r.converted + r.not_converted] + [4])
        for c in r.converted:
            lines.append(f"  ✔ {c['node']:<{width}}  {c['from']} → {c['to']}")
        for c in r.not_converted:
            lines.append(f"  ✘ {c['node']:<{width}}  [{c['code']}] {c['reason']}")
        for i in r.issues:
            if i["severity"] != "error":
                lines.append(f"    {i['severity']:<7} {i['code']:<24} {i['node'] or '-'}: "
                             f"{i['message']}")
    return "\n".join(lines)
