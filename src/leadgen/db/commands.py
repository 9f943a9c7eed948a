"""`leadgen db …`: schema migrations."""

from __future__ import annotations

import typer

app = typer.Typer(help="Database: apply schema migrations.", no_args_is_help=True)
