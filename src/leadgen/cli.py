"""The one entry point: `leadgen …` (also `python -m leadgen …`).

A thin shell: each command group lives beside the code it drives and is mounted here.
Errors from `leadgen.errors` become a short message and a documented exit code.
"""

from __future__ import annotations

import sys

import asyncpg
import typer
from rich.markup import escape

from leadgen import demo
from leadgen.admin import commands as admin_commands
from leadgen.airtable import commands as airtable_commands
from leadgen.airtable.formula import commands as formula_commands
from leadgen.api import commands as api_commands
from leadgen.db import commands as db_commands
from leadgen.errors import EXIT_CODES, LeadgenError, SchemaError
from leadgen.migrate import commands as migrate_commands
from leadgen.n8n import commands as n8n_commands
from leadgen.sync import commands as sync_commands
from leadgen.terminal import console
from leadgen.verify import tenant as verify_commands

EPILOG = "Exit codes: " + "; ".join(f"{code} {what}" for code, what in EXIT_CODES.items())

app = typer.Typer(
    name="leadgen",
    help="Move a lead-generation pipeline off Airtable onto multi-tenant PostgreSQL, and run it.",
    epilog=EPILOG,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    # Markdown joins a paragraph's lines and rewraps it at the terminal's width, so a
    # docstring's line breaks never cut a sentence (typer's "rich" mode keeps them); every
    # sub-app inherits the root's mode: https://typer.tiangolo.com/tutorial/commands/help/
    rich_markup_mode="markdown",
    context_settings={"help_option_names": ["-h", "--help"]},
)
app.command("demo")(demo.demo)
app.add_typer(db_commands.app, name="db")
admin_commands.register(app)
app.add_typer(airtable_commands.app, name="airtable")
app.add_typer(formula_commands.app, name="formula")
app.command("migrate")(migrate_commands.migrate)
app.command("verify")(verify_commands.verify_command)
app.command("sync")(sync_commands.sync_command)
app.add_typer(n8n_commands.app, name="n8n")
api_commands.register(app)


def main() -> None:
    """Run the CLI; turn our errors into a message and an exit code, never a traceback."""
    err = console(stderr=True)
    try:
        try:
            app()
        except (asyncpg.UndefinedTableError, asyncpg.UndefinedFunctionError,
                asyncpg.InvalidParameterValueError) as exc:
            # Any command, against a database `leadgen db upgrade` never ran on (no tables,
            # or on a new server not even the roles: SET ROLE leadgen_… fails) or an older
            # schema: say so instead of a traceback.
            if isinstance(exc, asyncpg.InvalidParameterValueError) \
                    and 'role "leadgen_' not in str(exc):
                raise
            raise SchemaError(
                f"the database has no leadgen schema, or an older one: {exc}",
                hint="run `leadgen db upgrade` with the same DATABASE_URL, then try again; "
                     "nothing was written") from exc
    except LeadgenError as exc:
        # messages quote user input and data: escape() keeps "[null]" from being read as markup
        err.print(f"[bold red]error:[/] {escape(exc.message)}", highlight=False)
        if exc.hint:
            err.print(f"  [yellow]→[/] {escape(exc.hint)}", highlight=False)
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        err.print("interrupted")
        sys.exit(130)
