"""COPY straight into a table the tenant has no rows in yet, as `leadgen_loader`.

COPY FROM refuses a table under row level security ("COPY FROM not supported with row-level
security"), and every tenant table FORCEs it, so the loader stages rows in a temp table and
INSERTs them from there: each row is written twice, and the INSERT … SELECT was the largest
single cost of a first load (docs/benchmarks.md, Migrate). For a table the tenant has no rows
in yet (and the rejects of a new run), the loader instead switches, for the COPY alone, to
`leadgen_loader`: BYPASSRLS, INSERT on the loaded tables and nothing else (bootstrap.sql,
migration 0012). What RLS's WITH CHECK would have done row by row is then done once per
table, back under RLS as the owner: the tenant's rows are counted, and the count must be what
the tenant had before plus what was copied — a copied row that named another tenant (a bug)
would be missing from it, and the run rolls back.

    tables = await loader_tables(conn, LOAD_ORDER)    (LoadSetup.of_transaction does this)
    async with as_loader(conn, back_to="leadgen_owner"):
        await conn.copy_records_to_table("contacts", records=rows, columns=columns)
    await check_tenant_rows(conn, {"contacts": (0, n)}, tenant_id)
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Collection, Mapping
from contextlib import asynccontextmanager
from uuid import UUID

import asyncpg

from leadgen.db.connect import quoted_identifier as _q
from leadgen.errors import DatabaseUnavailable
from leadgen.sql import queries

LOADER_ROLE = "leadgen_loader"


async def loader_tables(conn: asyncpg.Connection, tables: Collection[str]) -> set[str]:
    """Those of `tables` the loader may COPY into as LOADER_ROLE (empty when it may not)."""
    found = await conn.fetchval(queries("migration/direct_copy").loader_tables.sql,
                                sorted(tables))
    return set(found or ())


@asynccontextmanager
async def as_loader(conn: asyncpg.Connection, back_to: str) -> AsyncIterator[None]:
    """Run the body (one COPY) as LOADER_ROLE, then go back to the role `back_to` (the one
    the transaction runs as). If the body fails, the caller's transaction is aborted, and
    its end resets the role."""
    await conn.execute(f"SET LOCAL ROLE {_q(LOADER_ROLE)}")
    yield
    await conn.execute(f"SET LOCAL ROLE {_q(back_to)}")


async def check_tenant_rows(conn: asyncpg.Connection, copied: Mapping[str, tuple[int, int]],
                            tenant_id: UUID) -> None:
    """For each table → (the tenant's rows before, rows copied as the loader): the tenant
    now has exactly their sum, counted under RLS. Raises DatabaseUnavailable (exit 4, the
    run rolls back) otherwise."""
    for table, (before, n) in sorted(copied.items()):
        now = await tenant_rows(conn, table, tenant_id)
        if now != before + n:
            raise DatabaseUnavailable(
                f"the load failed and was rolled back, the tenant is unchanged: {n} rows were "
                f"copied into {table}, where the tenant had {before}, but it now has {now}",
                hint="another session wrote into the tenant during the load, or the transform "
                     "produced a row of another tenant (a bug; please report it with the "
                     "snapshot); re-run the migration")


async def tenant_rows(conn: asyncpg.Connection, table: str, tenant_id: UUID) -> int:
    """How many rows of `table` the tenant has (under RLS for a role bound by it)."""
    return int(await conn.fetchval(f"SELECT count(*) FROM {_q(table)} WHERE tenant_id = $1",
                                   tenant_id))

