"""`leadgen demo --no-serve` tells the whole story on a fresh database and says what it did."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path


def test_demo_migrates_and_verifies(fresh_database: Callable[[], str], tmp_path: Path) -> None:
    env = {**os.environ, "DATABASE_URL": fresh_database(), "DATA_DIR": str(tmp_path)}
    result = subprocess.run(
        [sys.executable, "-m", "leadgen", "demo", "--no-serve", "--companies", "12"],
        capture_output=True, text=True, env=env, timeout=300, check=False)
    assert result.returncode == 0, result.stderr[-2000:]
    out = " ".join(result.stdout.split())
    for step in ("tenant: demo", "generated a base of 12 companies", "export:",
                 "unaccounted cells: 0", "no unexpected difference", "done (--no-serve)"):
        assert step in out, step
    report = json.loads((tmp_path / "demo" / "migration-report.json").read_text())
    assert report["unaccounted"] == 0 and report["cells"]["non_empty"] > 0
    again = subprocess.run(
        [sys.executable, "-m", "leadgen", "demo", "--no-serve", "--companies", "12"],
        capture_output=True, text=True, env=env, timeout=300, check=False)
    assert again.returncode == 0, again.stderr[-2000:]  # a second run reuses what exists
    assert "schema: up to date" in again.stdout
