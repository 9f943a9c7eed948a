"""`leadgen db …`: schema migrations."""

from __future__ import annotations

import asyncio

import typer
from rich.console import Console

from leadgen.db import migrate
from leadgen.db.connect import database_url
from leadgen.db.distribute import Distribution, distribute
from leadgen.settings import get_settings
from leadgen.terminal import console

app = typer.Typer(help="Database: apply schema migrations; distribute them on Citus.",
                  no_args_is_help=True)


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
    applied = asyncio.run(migrate.upgrade(
        database_url(), role_passwords=passwords,
        on_distributed=lambda done: _print_distribution(out, done)))
    if not applied:
        out.print("schema is up to date")
    for m in applied:
        out.print(f"applied {m.version}_{m.name}")
    if passwords:
        out.print(f"set the password of {', '.join(sorted(passwords))}")


@app.command("distribute")
def distribute_command() -> None:
    """On a Citus coordinator: distribute what is not yet distributed (idempotent).

    Tenant tables by tenant_id, co-located; tenants, owners and the credential tables as
    reference tables (docs/tenancy.md). Exit 2 when the database has no citus extension.
    """
    out = console()
    done = asyncio.run(distribute(database_url()))
    _print_distribution(out, done)


def _print_distribution(out: Console, done: Distribution) -> None:
    if not done.changed:
        out.print("citus: everything is distributed already")
        return
    if done.roles:
        out.print(f"citus: {', '.join(done.roles)} may now log in (node-to-node connections)")
    if done.reference:
        out.print(f"citus: {len(done.reference)} reference tables: {', '.join(done.reference)}")
    if done.distributed:
        out.print(f"citus: {len(done.distributed)} tables distributed by tenant_id, co-located")
    if done.policies:
        out.print(f"citus: {len(done.policies)} policies rewritten without a subquery; "
                  f"{done.foreign_keys} foreign keys recreated")


@app.command("url")
def url() -> None:
    """Print the database URL in use (starting the embedded database if needed)."""
    print(database_url())
