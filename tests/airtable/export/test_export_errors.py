"""A user with a bad token, a wrong base or no network gets a sentence and an exit code.

One test runs `python -m leadgen` in a subprocess (the real process exit code); the others
call the same entry point, `leadgen.cli.main`, in-process to keep the suite quick.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from export_helpers import run_cli

from leadgen.airtable.emulator import Emulator
from leadgen.settings import get_settings

SECRET = "patWRONGtoken00000.do-not-print-me"


@dataclass
class Outcome:
    returncode: int
    stdout: str
    stderr: str


def said(proc: Outcome | subprocess.CompletedProcess[str]) -> str:
    """stdout + stderr with rich's line wrapping undone."""
    return " ".join((proc.stdout + proc.stderr).split())


Run = Callable[..., Outcome]


@pytest.fixture
def leadgen_main(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> Run:
    """Run `leadgen ARGS` in-process via the real entry point; returns exit code and output."""
    from leadgen.cli import main

    def run(*args: str, token: str | None) -> Outcome:
        monkeypatch.chdir(tmp_path)  # no stray .env
        for name in ("AIRTABLE_TOKEN", "AIRTABLE_ENDPOINT"):
            monkeypatch.delenv(name, raising=False)
        if token is not None:
            monkeypatch.setenv("AIRTABLE_TOKEN", token)
        monkeypatch.setattr(sys, "argv", ["leadgen", *args])
        get_settings.cache_clear()
        try:
            with pytest.raises(SystemExit) as exit_info:
                main()
        finally:
            get_settings.cache_clear()
        out = capsys.readouterr()
        code = exit_info.value.code
        return Outcome(code if isinstance(code, int) else 1, out.out, out.err)

    return run


def export_args(base: str, out: Path, endpoint: str) -> list[str]:
    return [
        "airtable",
        "export",
        "--base",
        base,
        "--out",
        str(out),
        "--endpoint",
        endpoint,
        "--no-progress",
        "--rate-limit",
        "20",
        "--penalty-seconds",
        "2",
    ]


def test_bad_token_in_a_real_process(emulator: Emulator, tmp_path: Path) -> None:
    proc = run_cli(
        *export_args(emulator.base_id, tmp_path / "o", emulator.url), token=SECRET, cwd=tmp_path
    )
    text = said(proc)
    assert proc.returncode == 6, text
    assert "Airtable did not accept the token (HTTP 401 AUTHENTICATION_REQUIRED)" in text
    assert "AIRTABLE_TOKEN" in text and "airtable.com/create/tokens" in text
    assert SECRET not in text and "Traceback" not in text


def test_unknown_base(emulator: Emulator, tmp_path: Path, leadgen_main: Run) -> None:
    proc = leadgen_main(
        *export_args("appNOPE0000000000", tmp_path / "o", emulator.url), token=emulator.token
    )
    text = said(proc)
    assert proc.returncode == 6, text
    assert "no access to base appNOPE0000000000" in text
    assert "does not exist, or the token was not granted it" in text
    assert "check the base id" in text
    assert emulator.token not in text


def test_endpoint_that_answers_404(emulator: Emulator, tmp_path: Path, leadgen_main: Run) -> None:
    proc = leadgen_main(
        *export_args(emulator.base_id, tmp_path / "o", emulator.url + "/not-airtable"),
        token=emulator.token,
    )
    text = said(proc)
    assert proc.returncode == 6, text
    assert f"base {emulator.base_id} was not found at" in text and "--endpoint" in text


def test_no_network(tmp_path: Path, leadgen_main: Run) -> None:
    with socket.socket() as sock:  # a port nobody listens on: connection refused
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    started = time.monotonic()
    proc = leadgen_main(
        *export_args("appX0000000000000", tmp_path / "o", f"http://127.0.0.1:{port}"),
        token=SECRET,
    )
    text = said(proc)
    assert proc.returncode == 6, text
    assert f"cannot reach http://127.0.0.1:{port} (connection refused)" in text
    assert "check the network connection and --endpoint" in text
    assert time.monotonic() - started < 5  # fails fast: no minute of backoff for a dead endpoint
    assert SECRET not in text


def test_missing_token(tmp_path: Path, leadgen_main: Run) -> None:
    proc = leadgen_main(
        *export_args("appX0000000000000", tmp_path / "o", "http://127.0.0.1:9"), token=None
    )
    assert proc.returncode == 2
    assert "AIRTABLE_TOKEN is not set" in said(proc)


@pytest.mark.parametrize(("option", "value"), [("--concurrency", "0"), ("--read-timeout", "0")])
def test_concurrency_and_read_timeout_bounds(
    tmp_path: Path, leadgen_main: Run, option: str, value: str
) -> None:
    """Checked by the command (exit 2, both bounds named), not by click's min=."""
    proc = leadgen_main(
        *export_args("appX0000000000000", tmp_path / "o", "http://127.0.0.1:9"), option, value,
        token=SECRET,
    )
    assert proc.returncode == 2
    assert "--concurrency must be 1 or more and --read-timeout 0.1 s or more" in said(proc)
    assert not (tmp_path / "o").exists()  # nothing was written
