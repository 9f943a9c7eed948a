"""`leadgen formula …`: Airtable formulas compiled to SQL."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from leadgen.airtable.formula.sql.compiler import select_statement
from leadgen.migrate.mapping import load_mapping

app = typer.Typer(
    help="Airtable formulas: translate filterByFormula into SQL.", no_args_is_help=True
)


@app.command("sql")
def sql(
    formula: Annotated[str, typer.Argument(help="the filterByFormula text")],
    table: Annotated[str, typer.Option("--table", help="Airtable table name or tbl… id")],
    mapping: Annotated[
        Path | None, typer.Option("--mapping", help="mapping TOML (default: the customer's)")
    ] = None,
) -> None:
    """Print {"sql", "params"}: the records the formula keeps, as a parameterised SELECT.

    $1 is the tenant id, left null for the caller; every literal of the formula is a parameter.
    """
    statement, params = select_statement(formula, table, load_mapping(mapping))
    typer.echo(json.dumps({"sql": statement, "params": params}, ensure_ascii=False))
