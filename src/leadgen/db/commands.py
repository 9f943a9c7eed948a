"""`leadgen db …`: schema migrations."""

from __future__ import annotations

import asyncio

import typer

from leadgen.db import migrate
from leadgen.db.connect import database_url
from leadgen.settings import get_settings
from leadgen.terminal import console

app = typer.Typer(help="Database: apply schema migrations.", no_args_is_help=True)


@app.command("upgrade")
def upgrade() -> None:
    """Apply pending schema migrations (idempotent; a changed applied file stops it)."""
    out = console()
    settings = get_settings()
    passwords = {
        role: secret.get_secret_value()
        for role, secret in (("leadgen_app", settings.app_role_password),
                             ("leadgen_admin", settings.admin_role_password))
        if secret is not None
    }
    applied = asyncio.run(migrate.upgrade(database_url(), role_passwords=passwords))
    if not applied:
        out.print("schema is up to date")
    for m in applied:
        out.print(f"applied {m.version}_{m.name}")
    if passwords:
        out.print(f"set the password of {', '.join(sorted(passwords))}")


@app.command("url")
def url() -> None:
    """Print the database URL in use (starting the embedded database if needed)."""
    print(database_url())
