"""`leadgen n8n …`: convert exported n8n workflows from Airtable nodes to Postgres nodes."""

from __future__ import annotations

import typer

app = typer.Typer(help="n8n workflows on PostgreSQL.", no_args_is_help=True)
