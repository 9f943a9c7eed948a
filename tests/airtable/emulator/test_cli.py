"""`leadgen airtable emulate` documents its fault spec and serves a snapshot."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import requests
from emulator_snapshot import BASE_ID
from typer.testing import CliRunner

from leadgen.cli import app


def test_help_documents_the_fault_spec() -> None:
    result = CliRunner().invoke(app, ["airtable", "emulate", "--help"], terminal_width=200)
    assert result.exit_code == 0
    for word in (
        "--snapshot",
        "--rate-limit",
        "--penalty-seconds",
        "--faults",
        "expire_iterator",
        "expire_each_table",
        "churn",
    ):
        assert word in result.output


def test_command_serves_the_snapshot(snapshot_dir: Path) -> None:
    # The with block closes the stdout pipe and waits for the child (no unclosed file left).
    with subprocess.Popen(
        [
            sys.executable,
            "-m",
            "leadgen",
            "airtable",
            "emulate",
            "--snapshot",
            str(snapshot_dir),
            "--port",
            "0",
            "--token",
            "patCLI",
            "--faults",
            "seed=1",
        ],
        stdout=subprocess.PIPE,
        text=True,
    ) as proc:
        try:
            assert proc.stdout is not None
            url = proc.stdout.readline().rsplit(" ", 1)[-1].strip()
            response = requests.get(
                f"{url}/v0/{BASE_ID}/Owners", headers={"Authorization": "Bearer patCLI"},
                timeout=5
            )
            assert response.status_code == 200 and len(response.json()["records"]) == 2
        finally:
            proc.terminate()
            proc.wait(timeout=10)
