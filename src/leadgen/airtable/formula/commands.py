"""`leadgen formula …`: Airtable formulas compiled to SQL."""

from __future__ import annotations

import typer

app = typer.Typer(help="Airtable formulas: translate filterByFormula into SQL.", no_args_is_help=True)
