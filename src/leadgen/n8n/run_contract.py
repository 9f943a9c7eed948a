"""Wire a converted orchestrator to leadgen's run contract (docs/n8n-import.md).

The API's "Start run" (``POST /api/runs``) creates the ``pipeline_runs`` row, then POSTs
:data:`CONTRACT_FIELDS` as JSON to the tenant's webhook, signed with HMAC-SHA256 under the
tenant's webhook secret (hex digest in ``X-Leadgen-Signature``, ``leadgen.api.webhook``). The
customer's orchestrator predates that: it reads ``body.batch`` / ``body.owner`` and reports no
progress. :func:`wire_run_contract` adds, around the workflow's POST Webhook trigger:

* **before anything runs**: the raw body kept (Webhook option ``rawBody``), ``Verify Signature``
  (Crypto node, HMAC-SHA256 of those raw bytes under ``$env.LEADGEN_WEBHOOK_SECRET``),
  ``Signature Valid?`` → ``Reject Unsigned`` (401) or ``Accept Run`` (202 with the run id, at
  once: the API waits at most 10 s), then ``Run Input``, which hands the original nodes the
  body they read (``batch`` / ``owner`` as aliases of ``batch_name`` / ``owner_name``) and the
  ``run_id``;
* **around each stage** (an Execute Workflow node calling L1, L2 or person enrichment): its
  total before (``set_run_totals``), its done count after (``add_progress``) — the call then
  waits for the sub-workflow — and ``finish_run_if_done``, which completes the run once every
  stage has reached its total; a failing stage goes to ``fail_run``.

Respond to Webhook nodes of the original are left in place: n8n answers a webhook once, the
later ones do nothing (checked by the n8n tier, tests/n8n_live). Crypto node:
https://docs.n8n.io/integrations/builtin/core-nodes/n8n-nodes-base.crypto/ ; Webhook raw body:
https://docs.n8n.io/integrations/builtin/core-nodes/n8n-nodes-base.webhook/ .
"""

from __future__ import annotations

import copy
import re
from typing import Any

from leadgen.n8n.library import library_query

# What POST /api/runs sends (leadgen.api.routes.runs; tests/n8n/test_run_contract.py checks it).
CONTRACT_FIELDS = ("run_id", "batch_id", "batch_name", "owner_id", "owner_name", "tenant")
SIGNATURE_HEADER = "X-Leadgen-Signature"
SECRET_EXPRESSION = "$env.LEADGEN_WEBHOOK_SECRET"
ALIASES = {"batch": "batch_name", "owner": "owner_name"}  # what older orchestrators read
STAGES = {"l1": re.compile(r"\bl1\b", re.I), "l2": re.compile(r"\bl2\b", re.I),
          "person": re.compile(r"person", re.I)}
WEBHOOK = "n8n-nodes-base.webhook"
EXECUTE = "n8n-nodes-base.executeWorkflow"
RUN_INPUT = "Run Input"
RUN_ID = f"$('{RUN_INPUT}').first().json.run_id"

RUN_INPUT_CODE = """\
// leadgen run contract: the signed body, with the names older nodes read.
const b = $json.body || {};
return [{ json: { ...$json, run_id: b.run_id,
  body: { ...b, batch: b.batch ?? b.batch_name, owner: b.owner ?? b.owner_name } } }];"""


def _link(node: str) -> dict[str, Any]:
    return {"node": node, "type": "main", "index": 0}


def _node(name: str, kind: str, version: float, position: list[float],
          parameters: dict[str, Any], **extra: Any) -> dict[str, Any]:
    ident = "leadgen-run-" + re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
    return {"id": ident, "name": name, "type": kind, "typeVersion": version,
            "position": position, "parameters": parameters, **extra}


def _postgres(name: str, query: str, values: list[str], position: list[float],
              credential: dict[str, str], tenant: str) -> dict[str, Any]:
    q = library_query(query)
    return _node(name, "n8n-nodes-base.postgres", 2.6, position, {
        "operation": "executeQuery", "query": q.n8n_query(),
        "options": {"queryBatching": "transaction",
                    "queryReplacement": "={{ [ " + ", ".join([tenant, RUN_ID, *values]) + " ] }}"}},
        credentials={"postgres": dict(credential)}, executeOnce=True, alwaysOutputData=True)


def stage_of(node: dict[str, Any]) -> str | None:
    """Which pipeline stage an Execute Workflow node runs (by its name or target), if any."""
    target = (node.get("parameters") or {}).get("workflowId")
    text = f"{node.get('name', '')} {target.get('value') if isinstance(target, dict) else target}"
    for stage, pattern in STAGES.items():
        if pattern.search(text.replace("_", " ")):
            return stage
    return None


def is_wired(workflow: dict[str, Any]) -> bool:
    return any(n.get("name") == RUN_INPUT for n in workflow.get("nodes") or [])


def wire_run_contract(workflow: dict[str, Any], credential: dict[str, str],
                      tenant: str) -> tuple[dict[str, Any], list[str]]:
    """The workflow wired to the contract, and the names of the stages it reports.

    Raises ValueError when the workflow has no POST Webhook trigger to wire. Wiring a wired
    workflow changes nothing.
    """
    out = copy.deepcopy(workflow)
    if is_wired(out):
        return out, [s for n in out["nodes"] if n["type"] == EXECUTE
                     if (s := stage_of(n)) is not None]
    nodes: list[dict[str, Any]] = out["nodes"]
    hook = next((n for n in nodes if n["type"] == WEBHOOK
                 and (n.get("parameters") or {}).get("httpMethod") == "POST"), None)
    if hook is None:
        raise ValueError("the workflow has no POST Webhook trigger to wire to the run contract")
    connections: dict[str, Any] = out.setdefault("connections", {})
    params = hook.setdefault("parameters", {})
    params["responseMode"] = "responseNode"
    params.setdefault("options", {})["rawBody"] = True
    x, y = hook.get("position", [0, 0])
    header = SIGNATURE_HEADER.lower()
    front = [
        _node("Verify Signature", "n8n-nodes-base.crypto", 1, [x, y + 200], {
            "action": "hmac", "type": "SHA256", "binaryData": True,
            "binaryPropertyName": "data", "dataPropertyName": "expected_signature",
            "secret": "={{ " + SECRET_EXPRESSION + " }}", "encoding": "hex"}),
        _node("Signature Valid?", "n8n-nodes-base.if", 2.2, [x + 200, y + 200], {
            "conditions": {"options": {"caseSensitive": True, "leftValue": "",
                                       "typeValidation": "strict"},
                           "combinator": "and", "conditions": [{
                               "id": "leadgen-signature", "operator": {
                                   "type": "string", "operation": "equals"},
                               "leftValue": "={{ $json.headers['" + header + "'] ?? '' }}",
                               "rightValue": "={{ $json.expected_signature }}"}]},
            "options": {}}),
        _node("Reject Unsigned", "n8n-nodes-base.respondToWebhook", 1.5, [x + 400, y + 300], {
            "respondWith": "json", "options": {"responseCode": 401},
            "responseBody": "={{ { error: 'invalid_signature', message: 'the "
                            + SIGNATURE_HEADER + " header does not match the body' } }}"}),
        _node("Accept Run", "n8n-nodes-base.respondToWebhook", 1.5, [x + 400, y + 100], {
            "respondWith": "json", "options": {"responseCode": 202},
            "responseBody": "={{ { run_id: $json.body.run_id, status: 'running' } }}"}),
        _node(RUN_INPUT, "n8n-nodes-base.code", 2, [x + 600, y + 100], {"jsCode": RUN_INPUT_CODE}),
    ]
    targets = connections.get(hook["name"], {}).get("main", [[]])
    connections[hook["name"]] = {"main": [[_link("Verify Signature")]]}
    connections["Verify Signature"] = {"main": [[_link("Signature Valid?")]]}
    connections["Signature Valid?"] = {"main": [[_link("Accept Run")], [_link("Reject Unsigned")]]}
    connections["Accept Run"] = {"main": [[_link(RUN_INPUT)]]}
    connections[RUN_INPUT] = {"main": [list(targets[0]) if targets else []]}
    nodes.extend(front)
    stages = _wire_stages(nodes, connections, credential, tenant)
    return out, stages


def _wire_stages(nodes: list[dict[str, Any]], connections: dict[str, Any],
                 credential: dict[str, str], tenant: str) -> list[str]:
    stages: list[str] = []
    finish = _postgres("Finish Run", "finish_run_if_done", [], [0, 0], credential, tenant)
    fail = _postgres("Fail Run", "fail_run", ["$json.error?.message ?? 'a stage failed'"],
                     [0, 0], credential, tenant)
    for node in [n for n in nodes if n["type"] == EXECUTE]:
        stage = stage_of(node)
        if stage is None:
            continue
        stages.append(stage)
        x, y = node.get("position", [0, 0])
        name = node["name"]
        totals = {"l1": "null", "l2": "null", "person": "null", stage: "$input.all().length"}
        before = _postgres(f"{name} · Total", "set_run_totals",
                           [totals["l1"], totals["l2"], totals["person"], "null", "null"],
                           [x - 100, y - 150], credential, tenant)
        # done = what the stage was handed, once it returned: its output may hold fewer items
        # (a Code node that answers one item for all, as the customer's L1 does)
        done = {"l1": "0", "l2": "0", "person": "0",
                stage: f"$('{name} · Total').first().json.{stage}_total"}
        after = _postgres(f"{name} · Progress", "add_progress",
                          [done["l1"], done["l2"], done["person"], "0"],
                          [x + 200, y], credential, tenant)
        # whatever feeds the stage feeds its total first, so the stage still gets every
        # item: n8n's v1 execution order runs the branches of one output top to bottom by
        # canvas position (https://docs.n8n.io/flow-logic/execution-order/), hence y - 150
        for source, links in list(connections.items()):
            if source == before["name"]:
                continue
            for outputs in links.get("main", []):
                for i in reversed([i for i, link in enumerate(outputs or [])
                                   if link.get("node") == name]):
                    outputs.insert(i, _link(before["name"]))
        params = node.setdefault("parameters", {})
        params.setdefault("options", {})["waitForSubWorkflow"] = True
        # one sub-execution per record: the stages take one company or contact (their trigger
        # declares a single id), and with all items in one execution L1 triaged only the first
        # (seen in n8n 2.41.1; "each" is deprecated there in favour of a Loop Over Items node)
        params["mode"] = "each"
        node["onError"] = "continueErrorOutput"
        previous = connections.get(name, {}).get("main", [[]])
        connections[name] = {"main": [[*(previous[0] if previous else []),
                                       _link(after["name"])], [_link(fail["name"])]]}
        connections[after["name"]] = {"main": [[_link(finish["name"])]]}
        nodes.extend([before, after])
        finish["position"] = [x + 400, y]
        fail["position"] = [x + 200, y + 150]
    if stages:
        nodes.extend([finish, fail])
    return stages
