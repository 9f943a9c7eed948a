"""The bad paths in a real n8n: each ends with a clear message within a bounded time.

A wrong credential (a role that does not exist), PostgreSQL down (nothing listens on the
credential's port), the tenant variable blocked by n8n's default, and a workflow holding a
node the converter cannot convert. Each run gets BOUND seconds at most; none may hang.
"""

from __future__ import annotations

import json
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from live_workflows import unconvertible
from n8n_cli import CliResult, N8n, node_error
from predict import report

BOUND = 60.0  # seconds a failing run may take, n8n's own start-up included
# workflow id → (report label, what n8n must say, extra environment)
FAULT_RUNS = {
    "LeadgenFaultRole": ("fault: wrong credential", 'role "leadgen_nobody" does not exist', {}),
    "LeadgenFaultDown": ("fault: PostgreSQL down", "ECONNREFUSED", {}),
    "LeadgenFaultEnv0": ("fault: $env blocked", "access to env vars denied",
                         {"N8N_BLOCK_ENV_ACCESS_IN_NODE": "true"}),
    "LeadgenFaultConv": ("fault: unconvertible node",
                         'Credential with ID "atNone" does not exist', {}),
}


@pytest.fixture(scope="module")
def runs(n8n: N8n) -> dict[str, CliResult]:
    """The four failing runs, side by side (none changes the database)."""
    with ThreadPoolExecutor(len(FAULT_RUNS)) as pool:
        futures = {wid: pool.submit(n8n.execute, wid, BOUND, env)
                   for wid, (_, _, env) in FAULT_RUNS.items()}
        return {wid: f.result() for wid, f in futures.items()}


def check(runs: dict[str, CliResult], wid: str) -> None:
    label, expected, _ = FAULT_RUNS[wid]
    result = runs[wid]
    message = node_error(result.json()) if "{\n" in result.out else None
    text = message or result.tail(3000)
    report(label, result.seconds, f"ends as expected: {expected!r}" if expected in text
           else f"FAILED: {text[-300:]}")
    assert result.code != -1, f"{label}: no answer within {BOUND:.0f} s"
    assert result.code == 1 and result.seconds < BOUND
    assert expected in text, text


def test_wrong_credential_names_the_role(runs: dict[str, CliResult]) -> None:
    check(runs, "LeadgenFaultRole")


def test_postgres_down_is_reported_not_waited_for(runs: dict[str, CliResult]) -> None:
    check(runs, "LeadgenFaultDown")


def test_blocked_tenant_variable_says_so(runs: dict[str, CliResult]) -> None:
    check(runs, "LeadgenFaultEnv0")


def test_unconvertible_node_is_refused_then_fails_fast_in_n8n(
        runs: dict[str, CliResult], tmp_path: Path) -> None:
    source = tmp_path / "in.json"
    source.write_text(json.dumps(unconvertible()), "utf-8")
    out = tmp_path / "out.json"
    cli = subprocess.run([sys.executable, "-m", "leadgen", "n8n", "convert", str(source),
                          "-o", str(out), "--strict"], capture_output=True, text=True,
                         timeout=60)
    assert cli.returncode == 2, cli.stdout + cli.stderr
    assert "List Bases" in cli.stdout and "AIRTABLE_BASE_RESOURCE" in cli.stdout
    check(runs, "LeadgenFaultConv")  # the same output, imported anyway, run by n8n
