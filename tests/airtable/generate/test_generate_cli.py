"""`leadgen airtable generate` end to end: summary on stdout, clear errors with exit codes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from leadgen.airtable.snapshot import Snapshot
from leadgen.cli import app
from leadgen.errors import ConfigError

LEADGEN = Path(sys.executable).with_name("leadgen")


def test_cli_writes_a_snapshot_and_prints_counts(tmp_path: Path) -> None:
    out = tmp_path / "snap"
    result = CliRunner().invoke(
        app, ["airtable", "generate", "--out", str(out), "--companies", "25", "--seed", "9"]
    )
    assert result.exit_code == 0, result.output
    assert "Companies" in result.output and "Messages" in result.output and "total" in result.output
    snap = Snapshot.open(out)
    assert snap.complete and snap.base_id == "appLeadgenDemo001"
    assert snap.manifest["tables"][snap.table("Companies")["id"]]["records"] == 25


def test_cli_help_documents_the_command() -> None:
    result = CliRunner().invoke(app, ["airtable", "generate", "--help"])
    assert result.exit_code == 0
    assert "--companies" in result.output and "synthetic snapshot" in result.output


def run(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": "200"}
    return subprocess.run(
        [str(LEADGEN), "airtable", "generate", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )


@pytest.mark.skipif(not LEADGEN.exists(), reason="leadgen console script not installed")
def test_cli_error_is_a_message_and_exit_code_not_a_traceback(tmp_path: Path) -> None:
    bad = run("--out", str(tmp_path / "x"), "--companies", "0")
    assert bad.returncode == 2 and "at least 1" in bad.stderr and "Traceback" not in bad.stderr
    assert "→" in bad.stderr  # the hint


def invoke_error(*args: str) -> ConfigError:
    result = CliRunner().invoke(app, ["airtable", "generate", *args])
    assert isinstance(result.exception, ConfigError), result.output
    assert result.exception.hint
    return result.exception


def test_cli_refuses_bad_out_dirs(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("keep me")
    assert "not empty" in str(invoke_error("--out", str(tmp_path), "--companies", "3"))
    assert (tmp_path / "notes.txt").read_text() == "keep me"
    (tmp_path / "plain").write_text("a file, not a directory")
    under_file = invoke_error("--out", str(tmp_path / "plain" / "sub"), "--companies", "3")
    assert "cannot write" in str(under_file)
    if os.geteuid() != 0:  # root can write anywhere; the permission case needs a normal user
        locked = tmp_path / "locked"
        locked.mkdir(mode=0o500)
        denied = invoke_error("--out", str(locked / "sub"), "--companies", "3")
        assert "cannot write" in str(denied)
    bad_id = invoke_error("--out", str(tmp_path / "new"), "--companies", "3", "--base-id", "x")
    assert "base ID" in str(bad_id)
