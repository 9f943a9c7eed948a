"""`leadgen airtable …`: generate, emulate and export (each filled in by its own module)."""

from __future__ import annotations

import typer

app = typer.Typer(help="Airtable side: generate a synthetic base, emulate the API, export a base.",
                  no_args_is_help=True)
