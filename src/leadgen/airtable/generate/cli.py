"""`leadgen airtable generate`: write a realistic synthetic snapshot of the customer's base."""

from __future__ import annotations

import time
from pathlib import Path

import typer
from rich.console import Console

from leadgen.airtable.generate.base import DEFAULT_BASE_ID, GeneratedBase, check_arguments
from leadgen.airtable.generate.writer import prepare_out_dir, write_generated
from leadgen.terminal import console, print_table, summary_table


def generate(
    out: Path = typer.Option(
        ..., "--out", help="Snapshot directory to write (created if missing)."
    ),
    companies: int = typer.Option(
        ..., "--companies", help="Number of companies (≈4 contacts each)."
    ),
    seed: int = typer.Option(1, "--seed", help="Same seed and size give byte-identical output."),
    base_id: str = typer.Option(DEFAULT_BASE_ID, "--base-id", help="Base ID for the manifest."),
) -> None:
    """Write a realistic synthetic snapshot of the customer's Airtable base.

    All 10 tables and 216 fields of the packaged schema, with two-way links, computed fields
    consistent with the links, and the mess real bases carry (formula errors, [null] lookups,
    URL-shaped domains, broken JSON, near-miss company names, legacy message text).
    """
    check_arguments(companies, base_id)
    prepare_out_dir(out)  # fail on a bad --out before spending a minute generating
    started = time.perf_counter()
    base = write_generated(out, companies=companies, seed=seed, base_id=base_id)
    print_summary(console(), base, out, time.perf_counter() - started)


def print_summary(terminal: Console, base: GeneratedBase, out: Path, seconds: float) -> None:
    """Records per table, then where the snapshot went and how long it took."""
    table = summary_table("Generated snapshot")
    table.add_column("table")
    table.add_column("records", justify="right")
    for name, count in base.counts().items():
        table.add_row(name, f"{count:,}")
    table.add_section()
    table.add_row("[bold]total[/]", f"[bold]{base.total_records:,}[/]")
    print_table(terminal, table)
    terminal.print(f"{base.base_id} → {out} in {seconds:.1f} s", highlight=False)
