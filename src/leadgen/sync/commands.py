"""`leadgen sync --base appX --tenant S [--interval SEC] [--once]` and `leadgen sync --status`.

The loop runs a cycle, prints one line about it, and sleeps until the next interval. Schema
drift stops it (exit 5, SchemaError naming the fields); an Airtable or database failure in
the loop is printed and retried at the next interval (with --once it is the exit status).
"""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.markup import escape

from leadgen.admin.tenants import tenant_id_for
from leadgen.airtable.export.pacing import AIRTABLE_PENALTY_SECONDS, AIRTABLE_RATE_LIMIT
from leadgen.airtable.export.retrying import RetryPolicy
from leadgen.db.connect import admin_transaction, connect, database_url, tenant_transaction
from leadgen.errors import AirtableError, ConfigError, DatabaseUnavailable
from leadgen.settings import get_settings
from leadgen.sql import queries
from leadgen.sync.cycle import DEFAULT_OVERLAP, CycleResult, SyncOptions, sync_once
from leadgen.sync.reader import AirtableReader
from leadgen.terminal import console, print_table, summary_table
from leadgen.verify.rows import all_rows

out = console()


def cycle_line(result: CycleResult) -> str:
    lag = f"{result.lag_seconds:.0f}s" if result.lag_seconds is not None else "-"
    return (f"{result.started_at:%Y-%m-%d %H:%M:%S}Z  {result.status}  changed {result.changed}"
            f"  deleted {result.deleted}  rejected {result.rejected}  requests "
            f"{result.requests}  {result.seconds:.1f}s  lag {lag}")


async def sync_status(url: str, tenant_slug: str, limit: int = 10) -> list[dict[str, Any]]:
    """Every synced base of the tenant with its latest cycles (newest first)."""
    conn = await connect(url)
    try:
        async with admin_transaction(conn, actor="sync"):
            tenant_id = await tenant_id_for(conn, tenant_slug)
        q = queries("sync/state")
        async with tenant_transaction(conn, tenant_id, role="leadgen_owner"):
            bases = []
            for s in await all_rows(q.states(conn, tenant_id=tenant_id)):
                cycles = await all_rows(q.recent_cycles(
                    conn, tenant_id=tenant_id, base_id=s["base_id"],
                                               limit=limit))
                bases.append({**dict(s), "cycles": [dict(c) for c in cycles]})
    finally:
        await conn.close()
    return bases


def render_status(console: Console, tenant: str, bases: list[dict[str, Any]]) -> None:
    if not bases:
        console.print(f"tenant {tenant} has no sync yet "
                      "(start one with `leadgen sync --base app… --tenant …`)")
        return
    now = datetime.now(UTC)
    for b in bases:
        age = (now - b["last_cycle_at"]).total_seconds() if b["last_cycle_at"] else None
        console.print(
            f"[bold]base {b['base_id']}[/]  last cycle "
            f"{'-' if age is None else f'{age:.0f}s ago'}  status {b['last_status']}  "
            f"interval {float(b['interval_seconds']):g}s  watermark {b['watermark']}",
            highlight=False)
        if b["last_message"]:
            console.print(f"  [red]{escape(b['last_message'])}[/]", highlight=False)
        t = summary_table()
        for name in ("started", "status", "changed", "deleted", "rejected", "requests",
                     "lag s"):
            t.add_column(name, justify="left" if name in ("started", "status") else "right")
        for c in b["cycles"]:
            t.add_row(f"{c['started_at']:%Y-%m-%d %H:%M:%S}", c["status"], str(c["changed"]),
                      str(c["deleted"]), str(c["rejected"]), str(c["requests"]),
                      "-" if c["lag_seconds"] is None else f"{c['lag_seconds']:.0f}")
        print_table(console, t)


def sync_command(
    base: str | None = typer.Option(None, "--base", help="Airtable base id (app…)."),
    tenant: str = typer.Option(..., "--tenant", help="Tenant slug."),
    interval: float = typer.Option(60.0, "--interval", min=1.0, help="Seconds between cycles."),
    once: bool = typer.Option(False, "--once", help="Run one cycle and exit."),
    endpoint: str | None = typer.Option(
        None, "--endpoint", help="API root (default AIRTABLE_ENDPOINT or api.airtable.com)."),
    status: bool = typer.Option(False, "--status", help="Show the sync state and exit."),
    mapping: Path | None = typer.Option(
        None, "--mapping", help="Mapping file (default: the customer's bundled mapping)."),
    overlap: float = typer.Option(
        DEFAULT_OVERLAP, "--overlap", min=0.0,
        help="Seconds re-read before the last cycle's start (clock skew between us and Airtable)."),
    rate_limit: float = typer.Option(
        AIRTABLE_RATE_LIMIT, "--rate-limit", help="The base's limit in requests/s."),
    penalty_seconds: float = typer.Option(
        AIRTABLE_PENALTY_SECONDS, "--penalty-seconds", help="Minimum wait after a 429."),
) -> None:
    """Keep the tenant in step with its Airtable base during the parallel run.

    Each cycle reads what changed since the last one (LAST_MODIFIED_TIME with an overlap),
    finds deletions with an id-only scan, and applies both through the migration engine in one
    transaction. Stops with exit 5 on schema drift. `--status` shows lag, counts and requests.
    """
    url = database_url()
    if status:
        render_status(out, tenant, asyncio.run(sync_status(url, tenant)))
        return
    if not base:
        raise ConfigError("--base is required (the app… id of the Airtable base)",
                          hint="or pass --status to see the sync state")
    settings = get_settings()
    if settings.airtable_token is None or not settings.airtable_token.get_secret_value():
        raise ConfigError("AIRTABLE_TOKEN is not set",
                          hint="export AIRTABLE_TOKEN=pat… (schema.bases:read, "
                               "data.records:read)")
    reader = AirtableReader.connect(
        base, token=settings.airtable_token.get_secret_value(),
        endpoint=endpoint or settings.airtable_endpoint, rate_limit=rate_limit,
        policy=RetryPolicy(penalty_seconds=penalty_seconds))
    options = SyncOptions(interval=interval, overlap=overlap, mapping_path=mapping)
    while True:
        t0 = time.monotonic()
        try:
            result = asyncio.run(sync_once(url, base, tenant, reader, options))
        except (AirtableError, DatabaseUnavailable) as exc:
            if once:
                raise
            out.print(f"[red]cycle failed:[/] {escape(exc.message)} (retrying in {interval:g}s)",
                      highlight=False)
        else:
            out.print(cycle_line(result), highlight=False)
            if once:
                return
        time.sleep(max(0.0, interval - (time.monotonic() - t0)))
