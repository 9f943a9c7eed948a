"""Loading: COPY into temp staging tables, upsert what changed, delete what disappeared.

All inside the caller's ONE tenant transaction (as leadgen_owner, app.tenant_id set, audit
off), so a crash leaves the tenant as it was and RLS keeps every statement inside the tenant.

    stage_<t>  ← copy_records_to_table (binary COPY) as the transform streams chunks
    <t>        ← INSERT … SELECT FROM stage_<t> ON CONFLICT (key) DO UPDATE SET …
                 WHERE (row) IS DISTINCT FROM (excluded)        (unchanged rows untouched)
                 as soon as an Airtable table is done (`complete`), parents first, so the
                 database works while the transform moves on to the next table
    DELETE     at the end (`finish`), children first: rows the migration owns
               (airtable_record_id set, or a parent that has one) that are not in the
               stage — records that disappeared from the snapshot.
    UPDATE     then messages.contact_score from contacts, set-based, only where it differs
               (`fill_contact_scores`; each chunk of messages already carries its
               contact's score from this run: wire.ContactScores).

A table the tenant has no rows in yet (a first load) takes a faster path when the role may
turn row triggers off (`bulk_checks`, bootstrap.sql): each chunk is INSERTed as soon as it
is staged, with `session_replication_role = replica` (no per-row foreign-key checks; our
own triggers step aside for a bulk load anyway), the stage emptied again, and no delete
(every row of such a table is this run's); before the deletes, `check_keys` checks every
foreign key of those tables for the tenant in bulk (foreign_keys.py). Where the session may
also become `leadgen_loader` (`loader`, direct_copy.py), such a table skips the stage: each
chunk is COPYed straight into it, and its rows are counted back under RLS at the end.
Everything else — upserts, deletes, the score UPDATE — runs with the triggers on.

Statements are built from the closed set of tables and columns below and in the plan (the
catalog checked them), with identifiers quoted; values are always parameters.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Any
from uuid import UUID

import asyncpg

from leadgen.db.connect import OWNER_ROLE, quoted_identifier
from leadgen.db.tables import in_order
from leadgen.migrate.load.direct_copy import as_loader, check_tenant_rows, tenant_rows
from leadgen.migrate.load.foreign_keys import ORIGIN, REPLICA, check_foreign_keys
from leadgen.migrate.load.setup import LoadSetup
from leadgen.migrate.load.wire import ContactScores, Encoded, as_records, loaded_columns
from leadgen.migrate.transform.rules import batch_id, batch_key

# The tables the migration writes, in the one table order (leadgen.db.tables): upserts run
# in it (parents first), deletes in reverse.
LOAD_ORDER = in_order({
    "owners", "batches", "companies", "company_enrichment_l2", "company_tags", "contacts",
    "contact_enrichment", "campaigns", "messages", "activities", "crm_events",
    "crm_event_participants", "tasks", "task_contacts", "task_activities", "research_assets",
    "audit_log", "airtable_records",
})


@dataclass(frozen=True)
class Shape:
    """How one table is keyed and which of its rows a migration owns."""

    key: tuple[str, ...]
    parent: tuple[str, str] | None = None  # (parent table, FK column) for child tables
    update: bool = True  # False: every non-key column is part of the key (junctions, tags)
    changed_only: str | None = None  # a stage column that is NULL for rows known unchanged


ENTITY = Shape(("tenant_id", "id"))
SHAPES: dict[str, Shape] = {
    "company_enrichment_l2": Shape(("tenant_id", "company_id"), ("companies", "company_id")),
    "contact_enrichment": Shape(("tenant_id", "contact_id"), ("contacts", "contact_id")),
    "company_tags": Shape(("tenant_id", "id"), ("companies", "company_id"), update=False),
    "crm_event_participants": Shape(("tenant_id", "crm_event_id", "contact_id"),
                                    ("crm_events", "crm_event_id"), update=False),
    "task_contacts": Shape(("tenant_id", "task_id", "contact_id"), ("tasks", "task_id"),
                           update=False),
    "task_activities": Shape(("tenant_id", "task_id", "activity_id"), ("tasks", "task_id"),
                             update=False),
    "airtable_records": Shape(("tenant_id", "base_id", "record_id"), changed_only="fields"),
    "batches": Shape(("tenant_id", "id")),
    "migration_rejects": Shape(("tenant_id", "run_id", "seq"), update=False),
}

q = quoted_identifier


class Stager:
    """Temp staging tables of one transaction, filled chunk by chunk."""

    def __init__(self, conn: asyncpg.Connection, columns: dict[str, tuple[str, ...]],
                 tenant_id: UUID | None = None, setup: LoadSetup = LoadSetup()) -> None:
        """`columns`: each table's columns (the caller adds the plans' as the transform
        compiles them); `setup`: what is fixed for the transaction (setup.py)."""
        self.conn, self.columns, self.tenant_id = conn, columns, tenant_id
        self.setup = setup
        self.created: set[str] = set()
        self.counts: dict[str, int] = {}
        self.changed: dict[str, dict[str, int]] = {}
        self.empty: dict[str, bool] = {}  # the tenant had no rows in the table at the start
        self.unchecked: set[str] = set()  # tables whose foreign keys are still to check
        self._replica = False  # row triggers are off (session_replication_role = replica)
        # Tables the tenant had no rows in: each chunk is inserted as soon as it is staged
        # (then the stage is emptied), so the database works while the transform runs
        # instead of after it; nothing of them can have disappeared, so no delete either.
        self.streamed: set[str] = set()
        # The role the transaction runs as, and the tables COPYed straight into as the
        # loader: table → (the tenant's rows before, rows copied), counted in `check_keys`.
        self.role = OWNER_ROLE
        self.direct: dict[str, tuple[int, int]] = {}
        self.scores = ContactScores()  # messages.contact_score, for chunks of rows
        # Tables whose every row is in (complete), and what was checked of them already:
        # their foreign keys to complete parents and, copied as the loader, the tenant's rows
        # are checked while the transform works on the next table, not all at the end.
        self.completed: set[str] = set()
        self.checked_keys: set[tuple[str, str]] = set()
        self.counted: set[str] = set()

    async def ensure(self, table: str) -> None:
        if table in self.created:
            return
        # Only the columns we load: other columns (added by later schema migrations) keep
        # their defaults in the target and never block the stage.
        cols = ", ".join(q(c) for c in self.cols(table))
        await self.conn.execute(
            f"CREATE TEMP TABLE {q('stage_' + table)} ON COMMIT DROP AS "
            f"SELECT {cols} FROM {q(table)} WITH NO DATA")
        self.created.add(table)
        self.counts.setdefault(table, 0)
        if self.setup.bulk_checks and self.tenant_id is not None and table in LOAD_ORDER \
                and table != "batches" and await self.is_empty(table):
            # Foreign keys are checked at the end (bulk_checks), so a chunk need not wait
            # for its parents' table to complete.
            self.streamed.add(table)
        setup = self.setup
        if table in setup.loader and (table in self.streamed or (
                table in setup.appended and setup.bulk_checks and self.tenant_id is not None)):
            self.direct[table] = (await self._tenant_rows(table), 0)

    async def _tenant_rows(self, table: str) -> int:
        """The tenant's rows in `table` (0 for a table `is_empty` found empty; the archive
        may hold other bases)."""
        if table != "airtable_records" and self.empty.get(table):
            return 0
        assert self.tenant_id is not None  # (a direct table is always a tenant's)
        return await tenant_rows(self.conn, table, self.tenant_id)

    async def is_empty(self, table: str) -> bool:
        """The tenant has no rows in `table` yet (the archive: none of this base)."""
        if table == "airtable_records":
            return self.setup.archive_empty
        if table not in self.empty:
            self.empty[table] = not await self.conn.fetchval(
                f"SELECT EXISTS (SELECT 1 FROM {q(table)} WHERE tenant_id = $1)",
                self.tenant_id)
        return self.empty[table]

    def cols(self, table: str) -> tuple[str, ...]:
        """The columns `table` is staged and loaded with (wire.loaded_columns)."""
        return loaded_columns(table, self.columns[table])

    async def copy(self, table: str, rows: Sequence[Sequence[Any]] | Encoded) -> None:
        """One chunk of `table`: rows, or their binary COPY stream (wire.py)."""
        await self.ensure(table)
        if table in self.completed or table in self.counted:  # more rows: check it again
            self.completed.discard(table)
            self.counted.discard(table)
            self.checked_keys = {k for k in self.checked_keys if k[0] != table}
        if not isinstance(rows, Encoded):
            _, rows = self.scores.apply(table, self.columns[table], rows)
        n = rows.rows if isinstance(rows, Encoded) else len(rows)
        if n and table in self.direct:
            await self._copy_direct(table, rows)
        elif n:
            await self._copy_into("stage_" + table, table, rows)
            self.counts[table] += n
            if table in self.streamed:
                self._count(table, "upserted", await self.upsert(table, plain=True))
                await self.conn.execute(f"TRUNCATE {q('stage_' + table)}")

    async def _copy_into(self, target: str, table: str,
                         rows: Sequence[Sequence[Any]] | Encoded) -> int:
        if isinstance(rows, Encoded):
            if rows.columns != self.cols(table):
                raise ValueError(f"{table}: a chunk of columns {rows.columns}, "
                                 f"expected {self.cols(table)}")
            status = await self.conn.copy_to_table(
                target, source=rows.pieces(), columns=list(rows.columns), format="binary")
        else:
            columns = self.cols(table)
            status = await self.conn.copy_records_to_table(
                target, records=as_records(table, columns, rows), columns=list(columns))
        return _count(status)

    async def _copy_direct(self, table: str, rows: Sequence[Sequence[Any]] | Encoded) -> None:
        """COPY straight into the table, without row triggers (as an INSERT of a first load:
        foreign keys and the tenant's rows are checked in `check_keys`)."""
        await self._triggers(False)
        self.unchecked.add(table)
        async with as_loader(self.conn, back_to=self.role):
            n = await self._copy_into(table, table, rows)
        before, copied = self.direct[table]
        self.direct[table] = (before, copied + n)
        self.counts[table] += n
        self._count(table, "upserted", n)

    async def complete(self, tables: Sequence[str], table_id: str, tenant_id: UUID) -> None:
        """Upsert the tables one Airtable table filled (their stage is complete), while the
        transform works on the next one. Batches seen so far go in first (their FK target)."""
        await self.ensure("batches")
        self._count("batches", "upserted", await self.upsert("batches", insert_only=True))
        for table in tables:
            await self.ensure(table)
            if table in self.streamed:
                continue  # inserted chunk by chunk already
            # First load of this table for the tenant: a plain INSERT skips the
            # speculative insertion of ON CONFLICT (nothing can conflict).
            plain = await self.is_empty(table)
            if table == "activities":
                # a vanished activity may hold the dedup key a new one now takes
                self._count(table, "deleted", await self.delete(table, tenant_id))
            self._count(table, "upserted", await self.upsert(table, plain=plain))
        await self.ensure("airtable_records")
        if "airtable_records" not in self.streamed:
            self._count("airtable_records", "upserted", await self.upsert(
                "airtable_records", "table_id = $1", table_id,
                plain=self.setup.archive_empty))
        self.completed.update(tables)
        await self.check_completed(tenant_id)

    async def check_completed(self, tenant_id: UUID) -> None:
        """The checks of `check_keys` that can be made now: foreign keys from a complete
        table to a complete parent (or one the migration does not load; batches hold every
        batch named so far), and the tenant's rows of a complete table copied as the loader."""
        ready = self.unchecked & self.completed
        if ready:
            await check_foreign_keys(
                self.conn, ready, tenant_id, checked=self.checked_keys,
                settled=lambda parent: parent in self.completed or parent == "batches"
                or parent not in LOAD_ORDER)
        await self._count_back(tenant_id, self.completed)

    async def finish(self, tenant_id: UUID, base_id: str,
                     batches: Sequence[Sequence[Any]]) -> dict[str, dict[str, int]]:
        """The batches' final names, then delete what disappeared (children first)."""
        await self.ensure("batches")
        await self.conn.execute('TRUNCATE "stage_batches"')
        await self.copy("batches", batches)
        self._count("batches", "upserted", await self.upsert("batches"))
        for table in LOAD_ORDER:
            await self.ensure(table)
            # key columns only: cheap, and all the joins need (streamed stages are empty)
            if self.counts[table] > 1000 and table not in self.streamed:
                key = ", ".join(q(c) for c in SHAPES.get(table, ENTITY).key)
                await self.conn.execute(f"ANALYZE {q('stage_' + table)} ({key})")
        # the run's row (the rejects' parent) is written after the load: run._record_run
        # checks those keys then
        await self.check_keys(tenant_id, later={"migration_runs"})
        for table in reversed(LOAD_ORDER):
            if table in self.streamed:
                n = 0  # the tenant had none before this run: all are this run's rows
            elif table == "batches":
                n = await self.delete_batches(tenant_id)
            elif table == "airtable_records":
                # Nothing of this base was archived before the run: every archived row came
                # from this run's stage, so none can have disappeared. (Skipping also avoids
                # the anti-join planned on an archive without statistics yet: a nested loop,
                # ~40 s for the first load of a 20k-record base into a fresh database.)
                n = 0 if self.setup.archive_empty \
                    else await self.delete_archive(tenant_id, base_id)
            else:
                n = await self.delete(table, tenant_id)
            self._count(table, "deleted", n)
        await self.fill_contact_scores(tenant_id)
        return {t: self.changed.get(t, {"upserted": 0, "deleted": 0}) for t in LOAD_ORDER}

    def _count(self, table: str, what: str, n: int) -> None:
        counts = self.changed.setdefault(table, {"upserted": 0, "deleted": 0})
        counts[what] += n

    async def upsert(self, table: str, where: str = "", *args: Any,
                     insert_only: bool = False, plain: bool = False) -> int:
        if not self.counts.get(table):
            return 0  # nothing staged: nothing to insert or update
        shape = SHAPES.get(table, ENTITY)
        cols = list(self.cols(table))
        values = [f"s.{q(c)}" for c in cols]
        source = f"{q('stage_' + table)} s"
        col_list = ", ".join(q(c) for c in cols)
        target = ", ".join(q(c) for c in shape.key)
        rest = [c for c in cols if c not in shape.key]
        sql = f"INSERT INTO {q(table)} AS t ({col_list}) SELECT {', '.join(values)} " \
              f"FROM {source} "
        conditions = [where] if where else []
        if shape.changed_only:
            conditions.append(f"s.{q(shape.changed_only)} IS NOT NULL")
        if conditions:
            sql += "WHERE " + " AND ".join(conditions) + " "
        if plain:
            return await self._insert(table, sql, *args)
        await self._triggers(True)
        sql += f"ON CONFLICT ({target}) "
        if shape.update and rest and not insert_only:
            sets = ", ".join(f"{q(c)} = EXCLUDED.{q(c)}" for c in rest)
            old = ", ".join(f"t.{q(c)}" for c in rest)
            new = ", ".join(f"EXCLUDED.{q(c)}" for c in rest)
            sql += f"DO UPDATE SET {sets} WHERE ({old}, NULL) IS DISTINCT FROM ({new}, NULL)"
        else:
            sql += "DO NOTHING"
        return _count(await self.conn.execute(sql, *args))

    async def _insert(self, table: str, sql: str, *args: Any) -> int:
        """A plain INSERT: without row triggers when allowed (every trigger of ours steps
        aside for a bulk load anyway; the foreign keys are checked in `check_keys`)."""
        if self.setup.bulk_checks:
            await self._triggers(False)
            self.unchecked.add(table)
        return _count(await self.conn.execute(sql, *args))

    async def _triggers(self, on: bool) -> None:
        """Row triggers on (origin) or off (replica), switched only when it changes: a
        round trip per chunk matters while the transform holds the GIL."""
        if self._replica == on:
            await self.conn.execute(ORIGIN if on else REPLICA)
            self._replica = not on

    async def check_keys(self, tenant_id: UUID, later: Collection[str] = ()) -> None:
        """The foreign keys of every table inserted without row triggers, in bulk; keys to a
        table in `later` (written after this call) are left for the next call."""
        await self._triggers(True)
        await check_foreign_keys(self.conn, self.unchecked, tenant_id,
                                 checked=self.checked_keys,
                                 settled=(lambda parent: parent not in later) if later else None)
        if not later:
            self.unchecked.clear()
        await self._count_back(tenant_id)

    async def _count_back(self, tenant_id: UUID, among: Collection[str] | None = None) -> None:
        """The tenant's rows of each table copied as the loader (of `among`, when given) and
        not counted yet: before + copied, under RLS (direct_copy.check_tenant_rows)."""
        counts = {t: n for t, n in self.direct.items()
                  if t not in self.counted and (among is None or t in among)}
        await check_tenant_rows(self.conn, counts, tenant_id)
        self.counted.update(counts)

    async def fill_contact_scores(self, tenant_id: UUID) -> int:
        """Every message of the tenant (the API's too) takes its contact's current score, in
        one statement: under app.bulk_load the per-row triggers of 0020 leave that to the
        load. Only rows that differ are written, so a no-op re-run changes nothing (and
        with the triggers active it finds none)."""
        await self._triggers(True)  # the version and updated_at triggers of an UPDATE
        return _count(await self.conn.execute(
            "UPDATE messages m SET contact_score = c.contact_score FROM contacts c "
            "WHERE m.tenant_id = $1 AND c.tenant_id = m.tenant_id AND c.id = m.contact_id "
            "AND m.contact_score IS DISTINCT FROM c.contact_score", tenant_id))

    async def delete(self, table: str, tenant_id: UUID) -> int:
        await self._triggers(True)  # ON DELETE actions are row triggers
        shape = SHAPES.get(table, ENTITY)
        match = " AND ".join(f"s.{q(c)} = t.{q(c)}" for c in shape.key)
        if shape.parent is None:
            owned = "t.airtable_record_id IS NOT NULL"
        else:
            parent, fk = shape.parent
            owned = (f"EXISTS (SELECT 1 FROM {q(parent)} p WHERE p.tenant_id = t.tenant_id "
                     f"AND p.id = t.{q(fk)} AND p.airtable_record_id IS NOT NULL)")
        sql = (f"DELETE FROM {q(table)} t WHERE t.tenant_id = $1 AND {owned} AND NOT EXISTS "
               f"(SELECT 1 FROM {q('stage_' + table)} s WHERE {match})")
        return _count(await self.conn.execute(sql, tenant_id))

    async def delete_archive(self, tenant_id: UUID, base_id: str) -> int:
        await self._triggers(True)  # ON DELETE actions are row triggers
        sql = ("DELETE FROM airtable_records t WHERE t.tenant_id = $1 AND t.base_id = $2 AND "
               "NOT EXISTS (SELECT 1 FROM stage_airtable_records s WHERE "
               "s.record_id = t.record_id AND s.base_id = t.base_id)")
        return _count(await self.conn.execute(sql, tenant_id, base_id))

    async def delete_batches(self, tenant_id: UUID) -> int:
        """Batches the migration promoted (id = uuid5 of their name) that nothing names now."""
        await self._triggers(True)  # ON DELETE actions are row triggers
        staged = {r["id"] for r in await self.conn.fetch("SELECT id FROM stage_batches")}
        rows = await self.conn.fetch("SELECT id, name FROM batches WHERE tenant_id = $1",
                                     tenant_id)
        gone = [r["id"] for r in rows if r["id"] not in staged
                and r["id"] == batch_id(tenant_id, batch_key(r["name"]))]
        if not gone:
            return 0
        return _count(await self.conn.execute(
            "DELETE FROM batches WHERE tenant_id = $1 AND id = ANY($2::uuid[])", tenant_id, gone))


def _count(status: str) -> int:
    try:
        return int(status.rsplit(" ", 1)[-1])
    except ValueError:
        return 0
