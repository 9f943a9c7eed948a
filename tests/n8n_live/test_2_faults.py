"""The bad paths in a real n8n: each ends with a clear message within a bounded time.

A wrong credential (a role that does not exist), PostgreSQL down (nothing listens on the
credential's port), the tenant variable blocked by n8n's default, and a workflow holding a
node the converter cannot convert. Each run gets BOUND seconds at most; none may hang.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from live_workflows import one_node_workflow
from n8n_cli import N8n, node_error
from predict import report

BOUND = 60.0  # seconds a failing run may take, n8n's own start-up included


def run_and_expect(n8n: N8n, wid: str, label: str, expected: str,
                   env: dict[str, str] | None = None) -> None:
    saved = dict(n8n.env)
    n8n.env.update(env or {})
    try:
        result = n8n.execute(wid, timeout=BOUND)
    finally:
        n8n.env = saved
    message = node_error(result.json()) if result.code == 0 and "{" in result.out else None
    text = message or result.tail(3000)
    report(label, result.seconds, f"ends as expected: {expected!r}" if expected in text
           else f"FAILED: {text[-300:]}")
    assert result.code != -1, f"{label}: no answer within {BOUND:.0f} s"
    assert result.seconds < BOUND
    assert expected in text, text


def test_wrong_credential_names_the_role(n8n: N8n) -> None:
    run_and_expect(n8n, "LeadgenFaultRole", "fault: wrong credential",
                   'role "leadgen_nobody" does not exist')


def test_postgres_down_is_reported_not_waited_for(n8n: N8n) -> None:
    run_and_expect(n8n, "LeadgenFaultDown", "fault: PostgreSQL down", "ECONNREFUSED")


def test_blocked_tenant_variable_says_so(n8n: N8n) -> None:
    run_and_expect(n8n, "LeadgenFaultEnv0", "fault: $env blocked", "access to env vars denied",
                   env={"N8N_BLOCK_ENV_ACCESS_IN_NODE": "true"})


def test_unconvertible_node_is_refused_then_fails_fast_in_n8n(
        n8n: N8n, tmp_path: Path) -> None:
    node = {"id": "u1", "name": "List Bases", "type": "n8n-nodes-base.airtable",
            "typeVersion": 2.1, "position": [200, 0],
            "parameters": {"resource": "base", "operation": "getMany"},
            "credentials": {"airtableTokenApi": {"id": "atNone", "name": "Airtable"}}}
    source = tmp_path / "in.json"
    source.write_text(json.dumps(one_node_workflow("LeadgenFaultConv", node)), "utf-8")
    out = tmp_path / "out.json"
    cli = subprocess.run([sys.executable, "-m", "leadgen", "n8n", "convert", str(source),
                          "-o", str(out), "--strict"], capture_output=True, text=True,
                         timeout=60)
    assert cli.returncode == 2, cli.stdout + cli.stderr
    assert "List Bases" in cli.stdout and "AIRTABLE_BASE_RESOURCE" in cli.stdout
    n8n.import_workflows([json.loads(out.read_text("utf-8"))])  # imported anyway
    run_and_expect(n8n, "LeadgenFaultConv", "fault: unconvertible node",
                   "Credential with ID \"atNone\" does not exist")
