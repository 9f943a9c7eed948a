"""`leadgen verify`: prove a tenant's PostgreSQL data equals an Airtable snapshot.

    report = await verify_tenant(url, "snap/", "acme", sample=None)
    report.raise_for_differences()          # VerifyFailed, exit 9

1. the snapshot goes through the migration's own transform (`transform_snapshot`, the same
   mapping) — verify never interprets the mapping a second time; its rejects are expected;
2. every target table: row counts, then every row and every mapped column compared with the
   tenant's rows (links are FK columns and junction rows, named by Airtable record); rows in
   the tenant that no snapshot record explains are orphans (verify_rows.py);
3. the workflow queries, SQL against the formula over what the mapping made of each record
   (verify_mapped.py); where the raw snapshot answers otherwise, the mapping's deliberate
   changes explain it (verify_queries.py, verify_library.py);
4. the cutover verdict: a recent successful sync cycle, no unexpected difference, a ledger
   with nothing unaccounted (cutover.py).
`--sample N` compares N random records per Airtable table (counts and queries stay complete).
"""

from __future__ import annotations

import asyncio
import random
import time
from pathlib import Path
from typing import Any
from uuid import UUID

import asyncpg
import typer

from leadgen.admin.tenants import tenant_id_for
from leadgen.airtable.snapshot import Snapshot
from leadgen.db.connect import admin_transaction, connect, database_url, tenant_transaction
from leadgen.db.tables import TENANT_TABLES
from leadgen.errors import ConfigError
from leadgen.migrate.coverage import Catalog, check_against_database, read_catalog
from leadgen.migrate.mapping import Mapping, load_mapping
from leadgen.migrate.transform.rules import row_id
from leadgen.migrate.transform.snapshot_rows import Transformed, transform_snapshot
from leadgen.sql import queries
from leadgen.sync.cutover import cutover_verdict
from leadgen.terminal import console
from leadgen.verify.base_view import BaseView
from leadgen.verify.library import library_checks
from leadgen.verify.mapped import MappedBase
from leadgen.verify.queries import QueryContext, plan_checks
from leadgen.verify.report import TableCount, VerifyReport
from leadgen.verify.rows import (
    NOT_MIGRATED,
    Difference,
    Namer,
    TableShape,
    all_rows,
    compare_table,
    qi,
    read_rows,
    table_shapes,
    volatile_fields,
    without_volatile,
)


async def verify_tenant(
    url: str, snapshot: Snapshot | Path | str, tenant_slug: str, *,
    mapping: Mapping | Path | str | None = None, sample: int | None = None,
    seed: int | None = None, max_sync_age: float | None = None,
) -> VerifyReport:
    """Compare the tenant with the snapshot; the report lists every unexpected difference."""
    t0 = time.perf_counter()
    snap = snapshot if isinstance(snapshot, Snapshot) else Snapshot.open(snapshot)
    if sample is not None and sample < 1:
        raise ConfigError("--sample must be at least 1", hint="omit it to check every record")
    if not isinstance(mapping, Mapping):
        mapping = load_mapping(mapping, schema=snap.schema)
    conn = await connect(url)
    try:
        async with admin_transaction(conn, actor="verify"):
            tenant_id = await tenant_id_for(conn, tenant_slug)
        catalog = await read_catalog(conn)
        check_against_database(mapping, catalog)
        transformed = transform_snapshot(snap, mapping, catalog, tenant_id)
        report = VerifyReport(tenant=tenant_slug, tenant_id=str(tenant_id),
                              snapshot=str(snap.root), base_id=snap.base_id, sample=sample)
        async with tenant_transaction(conn, tenant_id, actor="verify", role="leadgen_owner"):
            await conn.execute("SET TRANSACTION READ ONLY")
            await _compare_rows(conn, tenant_id, snap, mapping, catalog, transformed, report,
                                sample, seed)
            await _expected_rejects(conn, tenant_id, transformed, report)
            base = BaseView.from_snapshot(snap)
            ctx = QueryContext(conn, tenant_id, base,
                               MappedBase.build(base, mapping, transformed, catalog),
                               catalog)
            report.queries = await plan_checks(ctx)
            lib_checks, report.library = await library_checks(ctx)
            report.queries.extend(lib_checks)
            report.cutover = await cutover_verdict(
                conn, tenant_id, unexpected=report.unexpected, sample=sample,
                max_age=max_sync_age)
    finally:
        await conn.close()
    report.seconds = time.perf_counter() - t0
    return report


def _sampled(snap: Snapshot, transformed: Transformed, tenant_id: UUID, sample: int,
             seed: int | None) -> set[Any]:
    """Row ids and record ids of `sample` random records of every Airtable table."""
    rng = random.Random(seed)
    chosen: set[Any] = set()
    for table in snap.tables:
        ids = sorted(r["id"] for r in snap.iter_records(table["id"]))
        for rec_id in rng.sample(ids, min(sample, len(ids))):
            chosen.add(rec_id)
            chosen.add(row_id(tenant_id, rec_id))
    return chosen


async def _compare_rows(conn: asyncpg.Connection, tenant_id: UUID, snap: Snapshot,
                        mapping: Mapping, catalog: Catalog, transformed: Transformed,
                        report: VerifyReport, sample: int | None, seed: int | None) -> None:
    shapes = await table_shapes(conn, transformed.columns)
    tables = [t for t in TENANT_TABLES if t in shapes] + sorted(set(shapes) - set(TENANT_TABLES))
    chosen = _sampled(snap, transformed, tenant_id, sample, seed) if sample else None
    namer = Namer(mapping)
    expected: dict[str, list[tuple[Any, ...]]] = {}
    actual: dict[str, list[tuple[Any, ...]]] = {}
    for table in tables:
        shape = shapes[table]
        rows = shape.project(transformed.rows.get(table, []))
        owners: list[Any] | None = None
        if chosen is not None and table != "batches":
            owner_at = shape.columns.index(shape.owner)
            rows = [r for r in rows if r[owner_at] in chosen]
            # The archive is keyed by record id (text), every other table by row uuid.
            kind = str if table == "airtable_records" else UUID
            owners = sorted((c for c in chosen if isinstance(c, kind)), key=str)
        expected[table] = rows
        actual[table] = await read_rows(conn, tenant_id, shape, snap.base_id, owners)
        namer.learn(table, rows, shape.columns)
        namer.learn(table, actual[table], shape.columns)
    volatile = volatile_fields(snap.schema)
    for table in tables:
        shape = shapes[table]
        if table == "airtable_records":  # volatile formulas (NOW()) never stay equal
            expected[table] = without_volatile(expected[table], shape.columns, volatile)
            actual[table] = without_volatile(actual[table], shape.columns, volatile)
        diff = compare_table(shape, expected[table], actual[table], catalog, namer)
        total = len(transformed.rows.get(table, []))
        count = await _count(conn, tenant_id, shape, snap.base_id)
        report.counts.append(TableCount(table, namer.airtable_of.get(table), total, count,
                                        diff.compared, len(diff.differences),
                                        diff.compared * len(shape.columns)))
        report.differences.extend(diff.differences)
        if chosen is not None and total != count:
            report.differences.append(Difference("row count", table, None, None, total, count,
                                                 airtable_table=namer.airtable_of.get(table)))


async def _count(conn: asyncpg.Connection, tenant_id: UUID, shape: TableShape,
                 base_id: str) -> int:
    where = "tenant_id = $1"
    args: list[Any] = [tenant_id]
    if shape.table == "airtable_records":
        where += " AND base_id = $2"
        args.append(base_id)
    if shape.table in NOT_MIGRATED:
        where += " AND " + NOT_MIGRATED[shape.table]
    return int(await conn.fetchval(f"SELECT count(*) FROM {qi(shape.table)} WHERE {where}",
                                   *args))


async def _expected_rejects(conn: asyncpg.Connection, tenant_id: UUID, transformed: Transformed,
                            report: VerifyReport) -> None:
    """The mapping's rejects are expected; say whether the last run recorded the same ones."""
    report.expected_rejects = [r.as_json() for r in transformed.ledger.rejects]
    q = queries("verify/catalog")
    run = await q.latest_migration_run(conn, tenant_id=tenant_id)
    if run is None:
        report.reject_notes.append("the tenant has no migration run yet")
        return
    recorded = {(r["table_name"], r["record_id"], r["field_name"])
                for r in await all_rows(q.run_rejects(conn, tenant_id=tenant_id, run_id=run["id"]))}
    derived = {(r.table, r.record_id, r.field) for r in transformed.ledger.rejects}
    if recorded != derived:
        report.reject_notes.append(
            f"the last load recorded {len(recorded)} rejects, this snapshot gives "
            f"{len(derived)} ({len(derived - recorded)} new, {len(recorded - derived)} gone): "
            "the snapshot is not the one last loaded")


def verify_command(
    snapshot: Path = typer.Option(..., "--snapshot", help="Snapshot directory to compare with."),
    tenant: str = typer.Option(..., "--tenant", help="Tenant slug."),
    report: Path | None = typer.Option(None, "--report", help="Write the JSON report here."),
    sample: int | None = typer.Option(
        None, "--sample", min=1, help="Compare only N random records per table (quick look)."),
    mapping: Path | None = typer.Option(
        None, "--mapping", help="Mapping file (default: the customer's bundled mapping)."),
    seed: int | None = typer.Option(None, "--seed", help="Seed of the --sample choice."),
    max_sync_age: float | None = typer.Option(
        None, "--max-sync-age",
        help="Seconds a sync cycle counts as recent for cutover "
             "(default: 2 × the sync interval, or 900 without a sync state)."),
) -> None:
    """Prove the tenant's data equals the snapshot: rows, every mapped cell, links, orphans,
    the workflow queries; then say whether the tenant is ready for cutover.

    Exit 0 with no unexpected difference; 9 (VerifyFailed) otherwise — each difference names
    table, record, field, expected and actual value.
    """
    result = asyncio.run(verify_tenant(database_url(), snapshot, tenant, mapping=mapping,
                                       sample=sample, seed=seed, max_sync_age=max_sync_age))
    result.render(console())
    if report is not None:
        result.write(report)
    result.raise_for_differences()
