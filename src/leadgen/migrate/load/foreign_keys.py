"""Foreign keys checked in bulk, for a first load's INSERTs that ran without row triggers.

PostgreSQL checks a foreign key with one row trigger per inserted row and key; a first load
of a 231k-record base makes 1.6 million such checks, the largest single cost of the load
(docs/benchmarks.md, Migrate). For a table the tenant has no rows in yet, the loader runs
its plain INSERT with `session_replication_role = replica` (bootstrap.sql lets the owner) and
then calls `check_foreign_keys`: one anti-join per key over the tenant's rows, as
`ALTER TABLE … ADD FOREIGN KEY` validates a new constraint. A row whose key has no parent
raises (the run's transaction then rolls back: nothing of it is kept), exactly where the
per-row check would have raised.

    if await bulk_checks_allowed(conn): …            (inside the load's transaction)
    await check_foreign_keys(conn, {"contacts", "messages"}, tenant_id)
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass
from uuid import UUID

import asyncpg

from leadgen.db.connect import quoted_identifier as _q
from leadgen.db.connect import try_setting
from leadgen.errors import DatabaseUnavailable
from leadgen.sql import queries

REPLICA = "SET LOCAL session_replication_role = replica"
ORIGIN = "SET LOCAL session_replication_role = origin"


@dataclass(frozen=True)
class ForeignKey:
    name: str
    child: str
    child_columns: tuple[str, ...]
    parent: str
    parent_columns: tuple[str, ...]

    def violation_sql(self, count: bool = True) -> str:
        """How many of the tenant's rows have a key (all columns set: MATCH SIMPLE) with no
        parent row — counted, so that the planner hashes the parents instead of probing
        them row by row — or (count=False) the first such key."""
        cols = [f"c.{_q(c)}" for c in self.child_columns]
        match = " AND ".join(f"p.{_q(pc)} = c.{_q(cc)}"
                             for cc, pc in zip(self.child_columns, self.parent_columns,
                                               strict=True))
        present = " AND ".join(f"{c} IS NOT NULL" for c in cols)
        return (f"SELECT {'count(*)' if count else ', '.join(cols)} FROM {_q(self.child)} c "
                f"WHERE c.tenant_id = $1 AND {present} AND NOT EXISTS "
                f"(SELECT 1 FROM {_q(self.parent)} p WHERE {match})"
                + ("" if count else " LIMIT 1"))


async def foreign_keys(conn: asyncpg.Connection, tables: Collection[str]) -> list[ForeignKey]:
    rows = await conn.fetch(queries("migration/foreign_keys").of_tables.sql, sorted(tables))
    return [ForeignKey(r["name"], r["child"], tuple(r["child_columns"]), r["parent"],
                       tuple(r["parent_columns"])) for r in rows]


async def bulk_checks_allowed(conn: asyncpg.Connection) -> bool:
    """Whether this role may turn row triggers off (bootstrap.sql granted it; PostgreSQL ≥
    15). Asked inside a savepoint, so a refusal leaves the caller's transaction usable."""
    return await try_setting(conn, ORIGIN)


async def check_foreign_keys(conn: asyncpg.Connection, tables: Collection[str],
                             tenant_id: UUID, *, settled: Callable[[str], bool] | None = None,
                             checked: set[tuple[str, str]] | None = None) -> int:
    """Check every foreign key of `tables` over the tenant's rows; return how many keys were
    checked. Raises DatabaseUnavailable (exit 4, like any failed load) naming the first
    violation. With `settled`, only keys whose parent table it accepts (the loader checks a
    table as soon as it and its parents are complete); `checked` collects the (table, key)
    pairs done, and those already in it are skipped."""
    if not tables:
        return 0
    keys = [fk for fk in await foreign_keys(conn, tables)
            if (settled is None or settled(fk.parent))
            and (checked is None or (fk.child, fk.name) not in checked)]
    for fk in keys:
        if await conn.fetchval(fk.violation_sql(), tenant_id):
            bad = await conn.fetchrow(fk.violation_sql(count=False), tenant_id) or ()
            key = ", ".join(f"{c}={v}" for c, v in zip(fk.child_columns, bad, strict=False))
            raise DatabaseUnavailable(
                f"the load failed and was rolled back, the tenant is unchanged: a row of "
                f"{fk.child} ({key}) has no row in {fk.parent} (foreign key {fk.name})",
                hint="this is a bug in the migration's transform or data another tool "
                     "wrote into the tenant; please report it with the snapshot")
        if checked is not None:
            checked.add((fk.child, fk.name))
    return len(keys)

