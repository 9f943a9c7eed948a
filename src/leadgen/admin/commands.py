"""`leadgen tenant|user|apikey …`: platform administration from the CLI.

Passwords are read from standard input (when it is not a terminal) or a hidden prompt, never
from argv, where `ps` and shell history would keep them.
"""

from __future__ import annotations

import asyncio
import sys
from typing import Annotated

import typer

from leadgen.admin import lifecycle_commands
from leadgen.admin.apikeys import create_api_key
from leadgen.admin.tenants import ROLES, create_tenant, create_user, tenant_id_for
from leadgen.db.connect import admin_transaction, connect, database_url
from leadgen.errors import ConfigError
from leadgen.sql import queries
from leadgen.terminal import console

tenant_app = typer.Typer(help="Tenants (customer namespaces).", no_args_is_help=True)
user_app = typer.Typer(help="Dashboard users of a tenant.", no_args_is_help=True)
apikey_app = typer.Typer(help="API keys for machine clients (n8n).", no_args_is_help=True)
out = console()


def register(app: typer.Typer) -> None:
    """Mount the admin command groups on the root app."""
    app.add_typer(tenant_app, name="tenant")
    app.add_typer(user_app, name="user")
    app.add_typer(apikey_app, name="apikey")
    lifecycle_commands.register(tenant_app)


@tenant_app.command("create")
def tenant_create(
    slug: Annotated[str, typer.Option(help="short id: lower-case letters, digits, dashes")],
    name: Annotated[str, typer.Option(help="display name")],
) -> None:
    """Create a tenant."""

    async def run() -> str:
        conn = await connect(database_url())
        try:
            async with admin_transaction(conn, actor="cli"):
                return str(await create_tenant(conn, slug=slug, name=name))
        finally:
            await conn.close()

    out.print(f"created tenant {slug} ({asyncio.run(run())})")


@tenant_app.command("list")
def tenant_list() -> None:
    """List tenants."""

    async def run() -> list[tuple[str, str, str]]:
        conn = await connect(database_url())
        try:
            async with admin_transaction(conn):
                rows = [r async for r in queries("admin").list_tenants(conn)]
                return [(r["slug"], r["name"], str(r["id"])) for r in rows]
        finally:
            await conn.close()

    for slug, name, tid in asyncio.run(run()):
        out.print(f"{slug}\t{name}\t{tid}")


def read_password() -> str:
    """The password from stdin (piped) or a hidden, confirmed prompt."""
    if not sys.stdin.isatty():
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    if not password:
        raise ConfigError("no password given", hint="pipe it on stdin or type it at the prompt")
    return password


@user_app.command("create")
def user_create(
    tenant: Annotated[str, typer.Option(help="tenant slug")],
    email: Annotated[str, typer.Option(help="login email")],
    role: Annotated[str, typer.Option(help=f"one of: {', '.join(ROLES)}")] = "reviewer",
    name: Annotated[str | None, typer.Option(help="display name")] = None,
) -> None:
    """Create a user; the password is read from stdin or a prompt (never from arguments)."""
    password = read_password()

    async def run() -> str:
        conn = await connect(database_url())
        try:
            async with admin_transaction(conn, actor="cli"):
                tenant_id = await tenant_id_for(conn, tenant)
                user_id = await create_user(
                    conn, tenant_id=tenant_id, email=email, password=password, role=role,
                    display_name=name,
                )
                return str(user_id)
        finally:
            await conn.close()

    out.print(f"created {role} {email.lower()} in {tenant} ({asyncio.run(run())})")


@apikey_app.command("create")
def apikey_create(
    tenant: Annotated[str, typer.Option(help="tenant slug")],
    name: Annotated[str, typer.Option(help="what the key is for, e.g. n8n")],
) -> None:
    """Create an API key and print it once (only its hash is stored)."""

    async def run() -> str:
        conn = await connect(database_url())
        try:
            async with admin_transaction(conn, actor="cli"):
                tenant_id = await tenant_id_for(conn, tenant)
                _, new = await create_api_key(conn, tenant_id=tenant_id, name=name,
                                              created_by="cli")
                return new.key
        finally:
            await conn.close()

    key = asyncio.run(run())
    console(stderr=True).print("API key (shown once; store it now):")
    print(key)
