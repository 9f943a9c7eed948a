"""Every command answers --help (the CLI is the product's front door)."""

from __future__ import annotations

import inspect
import os
from itertools import pairwise
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


# --- every --help readable in an 80-column terminal -------------------------------------------

WIDTH = 80
BOX = "│╭╰┃┏┗"  # rich panel borders: lines inside an options or commands panel


def _sources(command: Any) -> list[str]:
    """The texts a help page is built from: the command's, its parameters', its children's."""
    texts = [command.help or "", command.epilog or "", command.short_help or ""]
    texts += [getattr(p, "help", None) or "" for p in command.params]
    for sub in getattr(command, "commands", {}).values():
        texts += [sub.help or "", sub.short_help or ""]
    return texts


def _first_word(line: str) -> str:
    return line.split()[0] if line.split() else ""


def _unfilled(lines: list[str], width: int) -> list[tuple[str, str]]:
    """Pairs of adjacent lines of one paragraph where the next line's first word would have fit
    on the line before: a hard line break of the source, not a wrap at the terminal's edge."""
    found = []
    for here, after in pairwise(lines):
        if not here.strip() or not after.strip() or after.lstrip().startswith("["):
            continue  # a paragraph's end, or typer's own [default: …] / [required] line
        if len(here.rstrip()) + 1 + len(_first_word(after)) <= width - 2:
            found.append((here, after))
    return found


def _panel_breaks(lines: list[str]) -> list[tuple[str, str]]:
    """`_unfilled` over the help column of each panel (options, commands): a line and the
    continuation line under it (blank left of the help column)."""
    found: list[tuple[str, str]] = []
    body: list[str] = []
    for line in lines:
        if line.startswith(("╭", "┏")):
            body = []
        elif line.startswith(("│", "┃")):
            body.append(line[1:-1])
        elif line.startswith(("╰", "┗")) and body:
            # rows start at column 1-4 (name, "*" of a required option); continuation lines
            # at the help column
            starts = [len(b) - len(b.lstrip()) for b in body if b.strip()]
            x = min((s for s in starts if s >= 6), default=0)
            width = max(len(b) for b in body) - x
            for here, after in pairwise(body):
                if x and after[:x].isspace():
                    found += _unfilled([here[x:], after[x:]], width)
    return found


def _problems(path: tuple[str, ...], command: Any, output: str) -> list[str]:
    from rich.cells import cell_len

    name = " ".join(("leadgen", *path))
    lines = output.splitlines()
    problems = [f"{name}: {cell_len(line)} columns: {line!r}" for line in lines
                if cell_len(line) > WIDTH]
    sources = "\n".join(_sources(command))
    shown = "\n".join(line for line in lines if not line.strip().startswith("Usage:"))
    for mark in ("…", "..."):  # the usage line's "[ARGS]..." is click's own
        if shown.count(mark) > sources.count(mark):
            problems.append(f"{name}: {mark!r} where the source has none (truncated text)")
    prose = [line for line in lines if not line.startswith(tuple(BOX))]
    problems += [f"{name}: hard line break: {a.strip()!r} / {b.strip()!r}"
                 for a, b in _unfilled(prose, WIDTH)]
    problems += [f"{name}: hard line break in a panel: {a.strip()!r} / {b.strip()!r}"
                 for a, b in _panel_breaks(lines)]
    flat = " ".join(" ".join(prose).replace("`", "").split())
    for text in (command.help or "", command.epilog or ""):
        for paragraph in inspect.cleandoc(text).partition("\f")[0].split("\n\n"):
            words = " ".join(paragraph.replace("`", "").split())
            if words and words not in flat:
                problems.append(f"{name}: help text lost or changed: {words!r}")
    return problems


def test_every_help_fits_80_columns_without_broken_sentences() -> None:
    """Every command and group, found by walking the click tree: no line over 80 columns, no
    sentence cut by a docstring's line break, no text cut to "…", no text eaten as markup."""
    root = typer.main.get_command(app)
    runner = CliRunner()
    problems: list[str] = []
    checked = 0
    for path in _paths(root):
        command: Any = root
        for part in path:
            command = command.commands[part]
        result = runner.invoke(app, [*path, "--help"], env={"COLUMNS": str(WIDTH)})
        assert result.exit_code == 0, (path, result.output)
        problems += _problems(path, command, result.output)
        checked += 1
    assert checked >= 20, checked  # the walk reached the subcommands
    assert not problems, "\n".join(problems)


def test_the_checks_catch_a_hard_line_break() -> None:
    """The break check flags the sentence broken after "overlap)," and passes filled text."""
    broken = [" Each cycle reads what changed since the last one (LAST_MODIFIED_TIME with an",
              " overlap),",
              " finds deletions with an id-only scan, and applies both through the migration"]
    assert _unfilled(broken, WIDTH) == [(broken[1], broken[2])]
    filled = [" Each cycle reads what changed since the last one (LAST_MODIFIED_TIME with an",
              " overlap), finds deletions with an id-only scan, and applies both through the"]
    assert _unfilled(filled, WIDTH) == []


def test_error_messages_print_brackets_as_typed(tmp_path: Any) -> None:
    """An error quoting the user's input shows it as typed: `[null]` is not rich markup."""
    import subprocess
    import sys

    workflow = tmp_path / "wf.json"
    workflow.write_text("{}", encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "leadgen", "n8n", "convert", str(workflow), "-o",
         str(tmp_path / "out.json"), "--tenant", "[null]"],
        capture_output=True, text=True, check=False, env={**os.environ, "COLUMNS": "80"})
    assert result.returncode == 2, result.stderr
    assert "--tenant '[null]' is not a uuid" in result.stderr
