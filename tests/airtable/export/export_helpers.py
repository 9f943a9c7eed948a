"""Helpers shared by the export tests (imported by name; conftest.py holds the fixtures).

The emulator runs with a faster limit (20 req/s, 2 s penalty) so the suite stays quick; the
exporter is told the same limit, so the pacing and retry logic is the one used against
Airtable's 5 req/s and 30 s, only with shorter times.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from leadgen.airtable.export import ExportOptions, RetryPolicy
from leadgen.airtable.snapshot import Snapshot

TEST_RATE = 20.0
TEST_PENALTY = 2.0
COMPANIES = 150  # ≈ 3,200 records in 10 tables: ~40 pages, ~2 s per export at 20 req/s


def fast_options(**overrides: object) -> ExportOptions:
    """Real logic, short times: backoff and timeouts scaled down like the emulator's limits."""
    policy = RetryPolicy(
        penalty_seconds=TEST_PENALTY, penalty_slack=0.2, backoff_base=0.05, backoff_max=0.5
    )
    values: dict[str, object] = {
        "rate_limit": TEST_RATE,
        "concurrency": 4,
        "timeout": (2.0, 1.0),
        "policy": policy,
    }
    values.update(overrides)
    return ExportOptions(**values)  # type: ignore[arg-type]


def records_bytes(root: Path) -> dict[str, bytes]:
    """Every table's records file, byte for byte (equal bytes = equal records, same order)."""
    snap = Snapshot.open(root)
    return {t["id"]: snap.records_path(t["id"]).read_bytes() for t in snap.tables}


def run_cli(
    *args: str, token: str | None, cwd: Path, timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    """`python -m leadgen …` in a clean environment (no stray AIRTABLE_* or .env)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AIRTABLE_")}
    if token is not None:
        env["AIRTABLE_TOKEN"] = token
    return subprocess.run(
        [sys.executable, "-m", "leadgen", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd,
        timeout=timeout,
        check=False,
    )
