"""`leadgen migrate`: load a snapshot into a tenant, with a progress bar and a report."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)

from leadgen.db.connect import database_url
from leadgen.errors import ConfigError
from leadgen.terminal import console

out = console()


def migrate(
    snapshot: Annotated[Path, typer.Option("--snapshot", help="snapshot directory to load")],
    tenant: Annotated[str, typer.Option("--tenant", help="slug of the tenant to load into")],
    mapping: Annotated[Path | None, typer.Option(
        "--mapping", help="mapping TOML (default: the customer's leadgen_base.toml)")] = None,
    report: Annotated[Path | None, typer.Option(
        "--report", help="write the JSON report here")] = None,
    max_rejects: Annotated[int, typer.Option(
        "--max-rejects", help="exit 0 with up to this many rejected values")] = 0,
) -> None:
    """Load a snapshot into a tenant and prove every non-empty cell is accounted for.

    Every field is mapped or dropped by the mapping; every value that cannot be loaded is a
    reject (table, record, field, raw value, reason); every raw record is archived. One
    transaction: a failed run leaves the tenant as it was. Exit 0: all accounted for and
    rejects ≤ --max-rejects; 3: loaded with more rejects; 2/4/7/8: nothing loaded.
    """
    from leadgen.migrate.run import migrate_snapshot

    if max_rejects < 0:
        raise ConfigError("--max-rejects must be 0 or more")
    with Progress(TextColumn("{task.description}"), BarColumn(bar_width=None),
                  MofNCompleteColumn(), TimeElapsedColumn(), console=console(stderr=True),
                  transient=True) as bar:
        tasks: dict[str, TaskID] = {}

        def progress(phase: str, done: int, total: int) -> None:
            if phase not in tasks:
                label = "transform + copy" if phase == "records" else "upsert + delete"
                tasks[phase] = bar.add_task(label, total=total)
            bar.update(tasks[phase], completed=done, total=total)

        result = asyncio.run(migrate_snapshot(
            database_url(), snapshot, tenant, mapping=mapping, max_rejects=max_rejects,
            report_path=report, progress=progress))
    result.render(out)
    if report is not None:
        out.print(f"report: {report}")
    result.raise_for_rejects(max_rejects)
