"""Differential check of the workflow queries: each runs in PostgreSQL and, as the same filter,
over the snapshot through the Airtable formula engine; the record sets must match.

Like for like: the plan's orchestrator formula
    AND(FIND('batch-2',ARRAYJOIN({batch_name})), NOT({processed_enrich}), {Owner}='Michal')
matches a *substring* of any batch name of a contact, while the SQL filters `batch_id = $2`.
So the SQL runs once for every promoted batch whose name contains the needle and the record
sets are united.

Each formula is evaluated twice: over the raw snapshot (what Airtable answers) and over what
the mapping made of each record (verify_mapped.py: rejected cells empty, batch spellings
merged, one batch kept, owners from legacy text, empty selects at the column's default, …).
PostgreSQL must return exactly the second answer; any record where it does not is an
unexpected difference. A record where only the raw answer differs is reported as explained,
with the deliberate changes of the mapping behind it.

The plan's three examples run for every batch choice and owner of the base; the n8n library's
record-set read queries (when the library exists) run the same way; its point lookups by id
are covered by the cell comparison and listed as such.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

import asyncpg

from leadgen.migrate.coverage import Catalog
from leadgen.migrate.mapping import Mapping
from leadgen.sql import queries
from leadgen.verify.base_view import BaseView
from leadgen.verify.mapped import (
    DRAFTS_READ,
    OWNED_CONTACTS_READ,
    STATS_READ,
    MappedBase,
    Reads,
)
from leadgen.verify.rows import all_rows

PLAN_NEEDLE, PLAN_OWNER = "batch-2", "Michal"
DRAFT = "{Status}='Draft'"  # the messages dashboard's status filter
ABSENT = object()  # a record not in a query's result


def quote(text: str) -> str:
    """A formula string literal (backslash escapes, as pyairtable writes them)."""
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


@dataclass
class QueryCheck:
    """One query run on both sides (`mapped`: the formula over what the mapping made)."""

    name: str
    formula: str
    sql: str
    airtable: int = 0
    postgres: int = 0
    mapped: int = 0
    explained: list[dict[str, Any]] = field(default_factory=list)
    unexpected: list[dict[str, Any]] = field(default_factory=list)
    note: str = ""

    def as_json(self) -> dict[str, Any]:
        return {"name": self.name, "formula": self.formula, "sql": self.sql,
                "airtable": self.airtable, "postgres": self.postgres, "mapped": self.mapped,
                "explained": self.explained, "unexpected": self.unexpected, "note": self.note}


@dataclass
class QueryContext:
    conn: asyncpg.Connection
    tenant_id: UUID
    base: BaseView  # the snapshot as Airtable answers
    mapped: MappedBase  # the snapshot as the mapping made it
    catalog: Catalog

    @property
    def mapping(self) -> Mapping:
        return self.mapped.mapping

    def views(self) -> tuple[BaseView, BaseView]:
        return self.base, self.mapped.view


def _shown(value: Any) -> Any:
    if value is ABSENT:
        return "absent"
    return list(value) if isinstance(value, tuple) else value


def compare(check: QueryCheck, raw: dict[str, Any], mapped: dict[str, Any],
            pg: dict[str, Any], explain: Callable[[str], str | None]) -> None:
    """Record by record (values: None for a plain record set, else what the query says of
    the record): PostgreSQL against the mapped answer — any difference is unexpected — and,
    where those agree, against the raw answer — explained by the mapping's changes."""
    check.airtable, check.mapped, check.postgres = len(raw), len(mapped), len(pg)
    for rec_id in sorted(set(raw) | set(mapped) | set(pg)):
        was, want, have = (side.get(rec_id, ABSENT) for side in (raw, mapped, pg))
        if want == have and was == have:
            continue
        # held to the mapped answer when PostgreSQL misses it; else shown against Airtable's
        expected = want if want != have else was
        item: dict[str, Any] = {"record": rec_id}
        if (expected is ABSENT) != (have is ABSENT):
            item["side"] = "postgres only" if expected is ABSENT else "airtable only"
            item["expected"] = "absent" if expected is ABSENT else "in the result"
            item["actual"] = "absent" if have is ABSENT else "in the result"
        else:
            item.update(side="value", expected=_shown(expected), actual=_shown(have))
        if want != have:
            if was != want:
                item["airtable"] = _shown(was)
            check.unexpected.append(item)
            continue
        reason = explain(rec_id)
        if reason:
            check.explained.append({**item, "reason": reason})
        else:
            check.unexpected.append(item)


async def batches_containing(ctx: QueryContext, needle: str) -> list[asyncpg.Record]:
    """The tenant's batches whose name contains `needle` (verify/workflow.sql)."""
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


def select_contacts(view: BaseView, needle: str, owner: str | None) -> dict[str, Any]:
    """The contacts the orchestrator formula selects. With an owner, the whole formula is
    evaluated only over the records its leading conjuncts select (no other can match)."""
    in_batch = view.select("Contacts", batch_formula(needle))
    unowned = view.select("Contacts", contacts_formula(needle, None), within=in_batch)
    if owner is None:
        return unowned
    return view.select("Contacts", contacts_formula(needle, owner), within=unowned)


def contact_reasons(ctx: QueryContext, reads: Reads) -> Callable[[str], str | None]:
    return lambda rec_id: ctx.mapped.explain("Contacts", rec_id, reads)


async def orchestrator(ctx: QueryContext, needle: str, owner: str) -> QueryCheck:
    formula = contacts_formula(needle, owner)
    batches = await batches_containing(ctx, needle)
    check = QueryCheck(f"orchestrator: unprocessed contacts of *{needle}* owned by {owner}",
                       formula, f"plan_unprocessed_contacts for batches "
                       f"{[b['name'] for b in batches]}")
    pg: dict[str, Any] = {}
    for b in batches:
        rows = await all_rows(queries("verify/workflow").plan_unprocessed_contacts(
            ctx.conn, tenant_id=ctx.tenant_id, batch_id=b["id"], owner_name=owner))
        pg.update((r["airtable_record_id"], None) for r in rows)
    raw, mapped = (dict.fromkeys(select_contacts(v, needle, owner)) for v in ctx.views())
    compare(check, raw, mapped, pg, contact_reasons(ctx, OWNED_CONTACTS_READ))
    return check


def company_groups(ctx: QueryContext, needle: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """(raw, mapped): contact → (status, tier) of its first company, for the contacts the
    batch formula selects; raw selects are shown as the mapping labels their choices."""
    formula = batch_formula(needle)
    out: list[dict[str, Any]] = []
    mb = ctx.mapped
    for view in ctx.views():
        found: dict[str, Any] = {}
        for rec_id, rec in view.select("Contacts", formula).items():
            company = view.first_link("Contacts", rec, "Company")
            if company is None:
                continue
            if view is ctx.base:
                found[rec_id] = (mb.raw_value("Companies", company, "Status"),
                                 mb.raw_value("Companies", company, "Tier"))
            else:
                found[rec_id] = (mb.loaded_value("Companies", company["id"], "Status"),
                                 mb.loaded_value("Companies", company["id"], "Tier"))
        out.append(found)
    return out[0], out[1]


def compare_groups(check: QueryCheck, mapped: dict[str, Any],
                   pg_groups: Counter[tuple[Any, Any]]) -> None:
    """The GROUP BY's counts against the mapped answer's, group by group."""
    want = Counter(mapped.values())
    for group in sorted(set(want) | set(pg_groups), key=str):
        if want[group] != pg_groups[group]:
            check.unexpected.append({"record": f"group {group[0]}/{group[1]}", "side": "value",
                                     "expected": want[group], "actual": pg_groups[group]})
    check.note = "groups: " + ", ".join(f"{s}/{t}: {n}" for (s, t), n in sorted(
        pg_groups.items(), key=lambda kv: (str(kv[0][0]), str(kv[0][1]))))


async def batch_stats(ctx: QueryContext, needle: str) -> QueryCheck:
    formula = batch_formula(needle)
    batches = await batches_containing(ctx, needle)
    check = QueryCheck(f"batch stats: companies of contacts in *{needle}* by status and tier",
                       formula + " → Company → Status, Tier",
                       f"plan_batch_stats for batches {[b['name'] for b in batches]}")
    q = queries("verify/workflow")
    pg: dict[str, Any] = {}
    pg_groups: Counter[tuple[Any, Any]] = Counter()
    for b in batches:
        for r in await all_rows(q.plan_batch_stats_records(ctx.conn, tenant_id=ctx.tenant_id,
                                                           batch_id=b["id"])):
            pg[r["airtable_record_id"]] = (r["status"], r["tier"])
        for r in await all_rows(q.plan_batch_stats(ctx.conn, tenant_id=ctx.tenant_id,
                                                   batch_id=b["id"])):
            pg_groups[(r["status"], r["tier"])] += r["count"]
    raw, mapped = company_groups(ctx, needle)
    compare(check, raw, mapped, pg, contact_reasons(ctx, STATS_READ))
    compare_groups(check, mapped, pg_groups)
    return check


async def owner_drafts(ctx: QueryContext, owner: str) -> QueryCheck:
    formula = f"AND({{Owner}}={quote(owner)}, {DRAFT})"
    q = queries("verify/workflow")
    owner_ids = [r["id"] for r in await all_rows(q.owners_named(ctx.conn, tenant_id=ctx.tenant_id,
                                                         owner_name=owner))]
    check = QueryCheck(f"messages dashboard: drafts of {owner}", formula,
                       f"plan_owner_drafts for {len(owner_ids)} owner row(s) named {owner!r}")
    pg: dict[str, Any] = {}
    for oid in owner_ids:
        rows = await all_rows(q.plan_owner_drafts(ctx.conn, tenant_id=ctx.tenant_id, owner_id=oid))
        pg.update((r["airtable_record_id"], None) for r in rows)
    # Only a draft can match: the owner's formula runs over the drafts (cached per view).
    raw, mapped = (dict.fromkeys(v.select("Messages", formula, within=v.select(
        "Messages", DRAFT))) for v in ctx.views())
    compare(check, raw, mapped, pg, lambda r: ctx.mapped.explain("Messages", r, DRAFTS_READ))
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
