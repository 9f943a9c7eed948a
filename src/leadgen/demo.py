"""`leadgen demo`: the whole story on one machine, with nothing but this package.

    embedded PostgreSQL ─ schema ─ demo tenant
    generated Airtable base ─ served by the emulator (real limits: 5 req/s, 30 s penalty)
    ─ exported through the real client ─ migrated ─ verified
    ─ API + dashboard on http://127.0.0.1:8000 with a printed login

Every step is the real command's library function; nothing is faked except Airtable itself
(the emulator) and n8n (a small stand-in that plays the pipeline through the same SQL the n8n
Postgres nodes run, so the dashboard's live progress can be watched).
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Annotated
from uuid import UUID

import typer
from rich.console import Console

from leadgen import terminal
from leadgen.admin.tenants import ensure_tenant
from leadgen.db import migrate
from leadgen.db.connect import admin_transaction, connect, database_url, tenant_transaction
from leadgen.settings import Settings, get_settings

DEMO_SLUG = "demo"
DEMO_NAME = "VisionVolve (demo)"
DEMO_EMAIL = "demo@leadgen.test"
DEMO_PASSWORD = "leadgen-demo-password"  # a local demo login, printed on purpose


async def _prepare_database(url: str) -> tuple[list[str], UUID]:
    applied = [f"{m.version}_{m.name}" for m in await migrate.upgrade(url)]
    conn = await connect(url)
    try:
        async with admin_transaction(conn, actor="demo"):
            tenant_id = await ensure_tenant(conn, slug=DEMO_SLUG, name=DEMO_NAME)
    finally:
        await conn.close()
    return applied, tenant_id


async def _ensure_login(url: str, tenant_id: UUID) -> None:
    """The demo's platform admin, reviewing as the owner Michal (the plan's examples)."""
    from leadgen.admin.passwords import hash_password

    conn = await connect(url)
    try:
        async with admin_transaction(conn, actor="demo"):
            owner = await conn.fetchval(
                "SELECT id FROM owners WHERE tenant_id = $1 AND name = 'Michal' LIMIT 1",
                tenant_id)
            await conn.execute(
                """INSERT INTO users (tenant_id, email, password_hash, role, display_name,
                                      owner_id)
                   VALUES ($1, $2, $3, 'platform_admin', 'Demo admin', $4)
                   ON CONFLICT (email) DO UPDATE
                     SET password_hash = EXCLUDED.password_hash, owner_id = EXCLUDED.owner_id,
                         is_active = true""",
                tenant_id, DEMO_EMAIL, hash_password(DEMO_PASSWORD), owner)
    finally:
        await conn.close()


async def _configure_webhook(url: str, tenant_id: UUID, webhook_url: str, secret: str) -> None:
    conn = await connect(url)
    try:
        async with tenant_transaction(conn, tenant_id, actor="demo", role="leadgen_app"):
            await conn.execute(
                """UPDATE tenants SET settings = coalesce(settings, '{}'::jsonb)
                     || jsonb_build_object('n8n', jsonb_build_object(
                          'webhook_url', $2::text, 'webhook_secret', $3::text))
                   WHERE id = $1""", tenant_id, webhook_url, secret)
    finally:
        await conn.close()


def _airtable_stage(out: Console, work: Path, companies: int, seed: int) -> Path:
    """Generate a base, serve it with the emulator at real limits, export it; the snapshot."""
    from leadgen.airtable.emulator import run_emulator
    from leadgen.airtable.export import ExportOptions, export_base
    from leadgen.airtable.generate import write_generated

    source, snapshot = work / "airtable-base", work / "snapshot"
    base = write_generated(source, companies=companies, seed=seed)
    total = sum(len(records) for records in base.records.values())
    out.print(f"airtable: generated a base of {companies} companies, {total:,} records "
              f"(seed {seed}) in {source}")
    with run_emulator(source, rate_limit=5.0, penalty_seconds=30.0) as emu:
        out.print(f"airtable: emulator serving {emu.base_id} at {emu.url} (5 req/s, 30 s penalty)")
        summary = export_base(emu.base_id, snapshot, token=emu.token, endpoint=emu.url,
                              options=ExportOptions(fresh=True), console=out)
    out.print(f"export: {summary.records_read:,} records in {summary.seconds:.1f} s "
              f"({summary.records_per_second:.0f} records/s), "
              f"{summary.stats.get('rate_limited', 0)} × 429 → {snapshot}")
    return snapshot


def demo(
    companies: Annotated[int, typer.Option(help="size of the generated Airtable base")] = 150,
    seed: Annotated[int, typer.Option(help="seed of the generated base")] = 7,
    port: Annotated[int | None, typer.Option(help="port of the API and dashboard")] = None,
    serve: Annotated[bool, typer.Option(help="serve the dashboard at the end")] = True,
) -> None:
    """The whole story locally: database, generated base, emulator, export, migrate, verify,
    then the API and dashboard with a printed login (Ctrl-C stops)."""
    from leadgen.migrate.run import migrate_snapshot
    from leadgen.verify.tenant import verify_tenant

    out = terminal.console()
    settings = get_settings()
    work = settings.data_dir / "demo"
    work.mkdir(parents=True, exist_ok=True)
    out.rule("[bold]leadgen demo")
    where = "DATABASE_URL" if settings.database_url else "the embedded PostgreSQL"
    url = database_url(settings)
    out.print(f"database: {where}")
    applied, tenant_id = asyncio.run(_prepare_database(url))
    out.print(f"schema: {len(applied)} migration(s) applied" if applied else "schema: up to date")
    out.print(f"tenant: {DEMO_SLUG} ({tenant_id})")

    snapshot = _airtable_stage(out, work, companies, seed)

    out.rule("migrate")
    report = asyncio.run(migrate_snapshot(url, snapshot, DEMO_SLUG,
                                          report_path=work / "migration-report.json"))
    report.render(out)
    out.print(f"migration report: {work / 'migration-report.json'}")

    out.rule("verify")
    verified = asyncio.run(verify_tenant(url, snapshot, DEMO_SLUG))
    verified.render(out)
    (work / "verify-report.json").write_text(json.dumps(verified.as_json(), indent=2, default=str))

    asyncio.run(_ensure_login(url, tenant_id))
    if not serve:
        out.print("done (--no-serve): the demo tenant is migrated and verified")
        return
    _serve(out, settings, url, tenant_id, port)


def _serve(out: Console, settings: Settings, url: str, tenant_id: UUID, port: int | None) -> None:
    import uvicorn

    from leadgen.api.app import create_app
    from leadgen.demo_pipeline import PipelineStandIn

    local = settings.model_copy(update={"cookie_secure": False, "database_url": url})
    port = port or local.port
    with PipelineStandIn(url, tenant_id) as stand_in:
        asyncio.run(_configure_webhook(url, tenant_id, stand_in.url, stand_in.secret))
        out.rule("dashboard")
        out.print(f"open http://{local.host}:{port}/  and log in as  {DEMO_EMAIL}"
                  f"  /  {DEMO_PASSWORD}")
        out.print(f"n8n stand-in for pipeline runs: {stand_in.url} (plays the run through the "
                  "n8n query library)")
        uvicorn.run(create_app(local), host=local.host, port=port, log_level="warning")
