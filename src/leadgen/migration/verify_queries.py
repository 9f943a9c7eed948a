"""Differential check of the workflow queries: each runs in PostgreSQL and, as the same filter,
over the snapshot through the Airtable formula engine; the record sets must match.

Like for like: the plan's orchestrator formula
    AND(FIND('batch-2',ARRAYJOIN({batch_name})), NOT({processed_enrich}), {Owner}='Michal')
matches a *substring* of any batch name of a contact, while the SQL filters `batch_id = $2`.
So the SQL runs once for every promoted batch whose name contains the needle and the record
sets are united. What remains different is either explained by a documented rule of the
mapping — a contact in several batches keeps one batch_id (the first), batch spellings merged
into one batch, an owner taken from the legacy fallback field, a cell that is a reject, an
empty select loaded as the column's default — or it is an unexpected difference.

The plan's three examples run for every batch choice and owner of the base; the n8n library's
record-set read queries (when the library exists) run the same way; its point lookups by id
are covered by the cell comparison and listed as such.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

import asyncpg

from leadgen.errors import MappingError
from leadgen.migration.convert import constant_default
from leadgen.migration.coverage import Catalog
from leadgen.migration.mapping import Mapping
from leadgen.migration.verify_base import BaseView
from leadgen.migration.verify_rows import all_rows
from leadgen.sql import queries

PLAN_NEEDLE, PLAN_OWNER = "batch-2", "Michal"


def quote(text: str) -> str:
    """A formula string literal (backslash escapes, as pyairtable writes them)."""
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


@dataclass
class QueryCheck:
    """One query run on both sides."""

    name: str
    formula: str
    sql: str
    airtable: int = 0
    postgres: int = 0
    explained: list[dict[str, Any]] = field(default_factory=list)
    unexpected: list[dict[str, Any]] = field(default_factory=list)
    note: str = ""

    def as_json(self) -> dict[str, Any]:
        return {"name": self.name, "formula": self.formula, "sql": self.sql,
                "airtable": self.airtable, "postgres": self.postgres,
                "explained": self.explained, "unexpected": self.unexpected, "note": self.note}


@dataclass
class QueryContext:
    conn: asyncpg.Connection
    tenant_id: UUID
    base: BaseView
    mapping: Mapping
    catalog: Catalog
    rejects: set[tuple[str, str, str | None]]  # (Airtable table, record id, field or None)

    def rejected(self, table: str, rec_id: str, fields: Iterable[str]) -> str | None:
        for name in (*fields, None):
            if (table, rec_id, name) in self.rejects:
                return f"reject: {table}.{name or '(record)'} of {rec_id} was not loaded"
        return None

    def label(self, table: str, name: str, value: Any) -> str | None:
        """A select cell as the enum label the mapping loads it as (empty: None, or the
        column's default when the mapping says empty = "default")."""
        f = self.mapping.table(table).field(name)
        if value is None:
            if f.empty == "default" and f.target_table and f.column:
                return self.default_of(f.target_table, f.column)  # type: ignore[no-any-return]
            return None
        return f.enum_label(str(value)) or f"?{value}"

    def defaulted(self, table: str, rec_id: str, name: str) -> str | None:
        """Why a record is in a PostgreSQL result it is not in on Airtable: its empty select
        was loaded as the column's default (the mapping's empty = "default")."""
        f = self.mapping.table(table).field(name)
        rec = self.base.records.get(table, {}).get(rec_id)
        if f.empty != "default" or rec is None or self.base.cell(table, rec, name) is not None:
            return None
        assert f.target_table is not None and f.column is not None
        return (f"empty select: {table}.{name} of {rec_id} was loaded as the default "
                f"{self.default_of(f.target_table, f.column)!r} of {f.target_table}.{f.column}")

    def default_of(self, table: str, column: str) -> Any:
        col = self.catalog.column(table, column)
        known, value = constant_default(col) if col is not None else (False, None)
        return value if known else None


def _contact_reasons(ctx: QueryContext, rec_id: str, needle: str, sql_batches: set[str],
                     owner_fields: tuple[str, ...] = ("Owner",)) -> str | None:
    base = ctx.base
    rec = base.records["Contacts"].get(rec_id)
    if rec is None:
        return None
    why = ctx.rejected("Contacts", rec_id, ("batch_name", "processed_enrich", *owner_fields))
    if why:
        return why
    names = base.cell("Contacts", rec, "batch_name") or []
    names = names if isinstance(names, list) else [names]
    if len({n.strip().casefold() for n in names}) > 1:
        return (f"contact is in several batches {names}; the schema keeps one batch_id "
                f"(the first, {names[0]!r})")
    # A single batch whose spelling is not itself a promoted batch name containing the
    # needle was merged (case, spaces) into a batch spelled otherwise: FIND sees the raw text.
    if names and isinstance(names[0], str) and names[0] not in sql_batches:
        return f"batch name spelled {names[0]!r} was merged into a promoted batch spelled otherwise"
    owner = mapping_fallback(ctx, "Contacts", "Owner")
    if owner_fields and not base.cell("Contacts", rec, "Owner") and owner and base.cell(
            "Contacts", rec, owner):
        return f"Owner link is empty; the owner comes from the legacy fallback field {owner!r}"
    return None


def mapping_fallback(ctx: QueryContext, table: str, name: str) -> str | None:
    try:
        return ctx.mapping.table(table).field(name).fallback
    except MappingError:  # a mapping without that field: nothing to fall back on
        return None


def _diff_sets(check: QueryCheck, airtable: set[str], postgres: set[str],
               explain: Callable[[str], str | None]) -> None:
    check.airtable, check.postgres = len(airtable), len(postgres)
    sides = (("airtable only", airtable - postgres), ("postgres only", postgres - airtable))
    for side, ids in sides:
        for rec_id in sorted(ids):
            item = {"record": rec_id, "side": side,
                    "expected": "in the result" if side == "airtable only" else "absent",
                    "actual": "absent" if side == "airtable only" else "in the result"}
            reason = explain(rec_id)
            (check.explained if reason else check.unexpected).append(
                {**item, "reason": reason} if reason else item)


async def _batches(ctx: QueryContext, needle: str) -> list[asyncpg.Record]:
    return list(await all_rows(queries("verify/workflow").batches_containing(
        ctx.conn, tenant_id=ctx.tenant_id, needle=needle)))


def batch_formula(needle: str) -> str:
    """Contacts in any batch whose name contains `needle` (the batch-stats selection)."""
    return f"FIND({quote(needle)},ARRAYJOIN({{batch_name}}))"


def contacts_formula(needle: str, owner: str | None) -> str:
    """The orchestrator's Airtable search (the plan's, for needle 'batch-2' and 'Michal')."""
    parts = [batch_formula(needle), "NOT({processed_enrich})"]
    if owner is not None:
        parts.append(f"{{Owner}}={quote(owner)}")
    return "AND(" + ", ".join(parts) + ")"


def select_contacts(ctx: QueryContext, needle: str, owner: str | None) -> dict[str, Any]:
    """The contacts the orchestrator formula selects. With an owner, the whole formula is
    evaluated only over the records its leading conjuncts select (no other can match)."""
    in_batch = ctx.base.select("Contacts", batch_formula(needle))
    unowned = ctx.base.select("Contacts", contacts_formula(needle, None), within=in_batch)
    if owner is None:
        return unowned
    return ctx.base.select("Contacts", contacts_formula(needle, owner), within=unowned)


async def orchestrator(ctx: QueryContext, needle: str, owner: str) -> QueryCheck:
    formula = contacts_formula(needle, owner)
    batches = await _batches(ctx, needle)
    check = QueryCheck(f"orchestrator: unprocessed contacts of *{needle}* owned by {owner}",
                       formula, f"plan_unprocessed_contacts for batches "
                       f"{[b['name'] for b in batches]}")
    pg: set[str] = set()
    for b in batches:
        rows = await all_rows(queries("verify/workflow").plan_unprocessed_contacts(
            ctx.conn, tenant_id=ctx.tenant_id, batch_id=b["id"], owner_name=owner))
        pg.update(r["airtable_record_id"] for r in rows)
    at = set(select_contacts(ctx, needle, owner))
    names = {b["name"] for b in batches}
    _diff_sets(check, at, pg, lambda r: _contact_reasons(ctx, r, needle, names))
    return check


async def batch_stats(ctx: QueryContext, needle: str) -> QueryCheck:
    formula = batch_formula(needle)
    batches = await _batches(ctx, needle)
    check = QueryCheck(f"batch stats: companies of contacts in *{needle}* by status and tier",
                       formula + " → Company → Status, Tier",
                       f"plan_batch_stats for batches {[b['name'] for b in batches]}")
    q = queries("verify/workflow")
    pg: dict[str, tuple[Any, Any]] = {}
    pg_groups: Counter[tuple[Any, Any]] = Counter()
    for b in batches:
        for r in await all_rows(q.plan_batch_stats_records(ctx.conn, tenant_id=ctx.tenant_id,
                                                  batch_id=b["id"])):
            pg[r["airtable_record_id"]] = (r["status"], r["tier"])
        for r in await all_rows(q.plan_batch_stats(ctx.conn, tenant_id=ctx.tenant_id,
                                                   batch_id=b["id"])):
            pg_groups[(r["status"], r["tier"])] += r["count"]
    base, at = ctx.base, {}
    companies: dict[str, str] = {}
    for rec_id, rec in base.select("Contacts", formula).items():
        company = base.first_link("Contacts", rec, "Company")
        if company is None:
            continue
        companies[rec_id] = company["id"]
        at[rec_id] = (ctx.label("Companies", "Status", base.cell("Companies", company, "Status")),
                      ctx.label("Companies", "Tier", base.cell("Companies", company, "Tier")))
    names = {b["name"] for b in batches}

    def explain(rec_id: str) -> str | None:
        return ctx.rejected("Contacts", rec_id, ("Company",)) or _contact_reasons(
            ctx, rec_id, needle, names, owner_fields=())

    _diff_sets(check, set(at), set(pg), explain)
    defaults = (ctx.default_of("companies", "status"), ctx.default_of("companies", "tier"))
    for rec_id in sorted(set(at) & set(pg)):
        if at[rec_id] == pg[rec_id]:
            continue
        item = {"record": rec_id, "side": "value", "expected": list(at[rec_id]),
                "actual": list(pg[rec_id])}
        why = ctx.rejected("Companies", companies[rec_id], ("Status", "Tier"))
        if why is None and all(a == p or (a is None and p == d)
                               for a, p, d in zip(at[rec_id], pg[rec_id], defaults, strict=True)):
            why = "an empty select of the company was loaded as the column's default"
        (check.explained if why else check.unexpected).append(
            {**item, "reason": why} if why else item)
    if sum(pg_groups.values()) != len(pg):
        check.unexpected.append({"record": "(groups)", "side": "value",
                                 "expected": len(pg), "actual": sum(pg_groups.values())})
    check.note = "groups: " + ", ".join(f"{s}/{t}: {n}" for (s, t), n in sorted(
        pg_groups.items(), key=lambda kv: (str(kv[0][0]), str(kv[0][1]))))
    return check


async def owner_drafts(ctx: QueryContext, owner: str) -> QueryCheck:
    formula = f"AND({{Owner}}={quote(owner)}, {{Status}}='Draft')"
    q = queries("verify/workflow")
    owner_ids = [r["id"] for r in await all_rows(q.owners_named(ctx.conn, tenant_id=ctx.tenant_id,
                                                         owner_name=owner))]
    check = QueryCheck(f"messages dashboard: drafts of {owner}", formula,
                       f"plan_owner_drafts for {len(owner_ids)} owner row(s) named {owner!r}")
    pg: set[str] = set()
    for oid in owner_ids:
        rows = await all_rows(q.plan_owner_drafts(ctx.conn, tenant_id=ctx.tenant_id, owner_id=oid))
        pg.update(r["airtable_record_id"] for r in rows)
    at = set(ctx.base.select("Messages", formula))
    _diff_sets(check, at, pg, lambda r: ctx.rejected(
        "Messages", r, ("Owner", "Status", "Contact")) or ctx.defaulted("Messages", r, "Status"))
    return check


def plan_parameters(base: BaseView) -> tuple[list[str], list[str]]:
    """Needles (the plan's 'batch-2' and every batch choice) and owners (the plan's + all)."""
    needles = [PLAN_NEEDLE, *base.choices("Contacts", "batch_name")]
    owners_table = base.table("Owners")
    owner_names = [str((r.get("fields") or {}).get(owners_table["primaryFieldId"]) or "")
                   for r in base.records.get("Owners", {}).values()]
    owners = [PLAN_OWNER, *sorted(n for n in owner_names if n)]
    return list(dict.fromkeys(needles)), list(dict.fromkeys(owners))


async def plan_checks(ctx: QueryContext) -> list[QueryCheck]:
    needles, owners = plan_parameters(ctx.base)
    checks = []
    for needle in needles:
        for owner in owners:
            checks.append(await orchestrator(ctx, needle, owner))
        checks.append(await batch_stats(ctx, needle))
    for owner in owners:
        checks.append(await owner_drafts(ctx, owner))
    return checks
