"""What a `Stager` knows before the first row, fixed for its transaction (`LoadSetup`).

`LoadSetup.of_transaction` asks the database what the transaction's role may do: turn row
triggers off and check foreign keys in bulk (foreign_keys.bulk_checks_allowed; bootstrap.sql
grants it), and COPY into which tables as leadgen_loader (direct_copy.loader_tables).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

import asyncpg

from leadgen.migrate.load.direct_copy import loader_tables
from leadgen.migrate.load.foreign_keys import bulk_checks_allowed


@dataclass(frozen=True)
class LoadSetup:
    """archive_empty: the base has no archived records for the tenant yet. bulk_checks:
    plain INSERTs may run without row triggers, their foreign keys then checked in bulk.
    loader: the tables the session may COPY into as leadgen_loader. appended: tables every
    row of which is new in this run (the rejects of a new run id): they go straight in too,
    though the tenant has rows there."""

    archive_empty: bool = False
    bulk_checks: bool = False
    loader: frozenset[str] = frozenset()
    appended: frozenset[str] = frozenset()

    @classmethod
    async def of_transaction(cls, conn: asyncpg.Connection, tables: Collection[str], *,
                             archive_empty: bool, appended: Collection[str] = ()) -> LoadSetup:
        """The setup of the transaction `conn` is in, for loading `tables` and `appended`."""
        return cls(archive_empty=archive_empty, bulk_checks=await bulk_checks_allowed(conn),
                   loader=frozenset(await loader_tables(conn, (*tables, *appended))),
                   appended=frozenset(appended))
