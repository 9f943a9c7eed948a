"""`leadgen airtable …`: generate a synthetic base, emulate the API, export a base."""

from __future__ import annotations

import typer

from leadgen.airtable.emulator import cli as emulator_cli
from leadgen.airtable.export import cli as export_cli
from leadgen.airtable.generate import cli as generate_cli

app = typer.Typer(
    help="Airtable side: generate a synthetic base, emulate the API, export a base.",
    no_args_is_help=True,
)
app.command("generate")(generate_cli.generate)
app.command("emulate")(emulator_cli.emulate)
app.command("export")(export_cli.export)
