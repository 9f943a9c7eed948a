"""`leadgen db …`: schema migrations."""

from __future__ import annotations

import asyncio

import typer
from rich.console import Console

from leadgen.db import migrate
from leadgen.db.connect import database_url

app = typer.Typer(help="Database: apply schema migrations.", no_args_is_help=True)


@app.command("upgrade")
def upgrade() -> None:
    """Apply pending schema migrations (idempotent; a changed applied file stops it)."""
    out = Console()
    applied = asyncio.run(migrate.upgrade(database_url()))
    if not applied:
        out.print("schema is up to date")
    for m in applied:
        out.print(f"applied {m.version}_{m.name}")


@app.command("url")
def url() -> None:
    """Print the database URL in use (starting the embedded database if needed)."""
    print(database_url())
