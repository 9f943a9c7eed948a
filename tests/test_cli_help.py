"""Every command answers --help (the CLI is the product's front door)."""

from __future__ import annotations

from typing import Any

import typer
from typer.testing import CliRunner

from leadgen.cli import app


def _paths(command: Any, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    found = [prefix]
    if hasattr(command, "commands"):  # a group (typer vendors its own click)
        for name, sub in command.commands.items():
            found.extend(_paths(sub, (*prefix, name)))
    return found


def test_every_command_has_help() -> None:
    root = typer.main.get_command(app)
    paths = _paths(root)
    assert ("demo",) in paths and ("db", "upgrade") in paths
    runner = CliRunner()
    for path in paths:
        result = runner.invoke(app, [*path, "--help"])
        assert result.exit_code == 0, (path, result.output)
        assert "Usage" in result.output


def test_python_dash_m_entry_point() -> None:
    import subprocess
    import sys

    result = subprocess.run([sys.executable, "-m", "leadgen", "--help"], capture_output=True,
                            text=True, check=False)
    assert result.returncode == 0 and "leadgen" in result.stdout
