"""The n8n query library's read queries, run in PostgreSQL and compared with the Airtable
search each one replaces (the same formula over the snapshot).

Record-set queries are compared like the plan's (verify_queries.py): the library filters by
the promoted batch's *name* (`b.name = $2`) where the workflow's formula does a substring
FIND over the batch names, so each query runs for every batch whose name contains the
needle. Point lookups by id (`get_…^`) return what the cell comparison already proved; write
queries are not reads. Both are listed with that status, never silently skipped.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from leadgen.errors import LeadgenError
from leadgen.migration.verify_queries import (
    QueryCheck,
    QueryContext,
    _batches,
    _contact_reasons,
    _diff_sets,
    batch_formula,
    contacts_formula,
    plan_parameters,
    select_contacts,
)
from leadgen.migration.verify_rows import all_rows
from leadgen.sql import queries

RECORD_SET_QUERIES = ("load_unprocessed_contacts", "load_batch_companies", "batch_stats")


async def _run(ctx: QueryContext, sql: str, *args: Any) -> list[Any]:
    return list(await ctx.conn.fetch(sql, ctx.tenant_id, *args))


async def library_checks(ctx: QueryContext) -> tuple[list[QueryCheck], list[dict[str, Any]]]:
    """(checks, one status entry per library query)."""
    try:
        from leadgen.n8n.library import load_library

        library = load_library()
    except (ImportError, LeadgenError, OSError) as exc:
        return [], [{"name": "(library)", "status": f"not available: {exc}"}]
    needles, owners = plan_parameters(ctx.base)
    checks: list[QueryCheck] = []
    status: list[dict[str, Any]] = []
    for q in library:
        if q.name not in RECORD_SET_QUERIES:
            kind = ("point lookup by id: covered by the cell comparison"
                    if q.name.startswith("get_") else "not a read query")
            status.append({"name": q.name, "status": kind})
            continue
        for needle in needles:
            batches = [b["name"] for b in await _batches(ctx, needle)]
            if q.name == "batch_stats":
                checks.append(await _stats(ctx, q.sql, needle, batches))
                continue
            for owner in (None, *owners):
                checks.append(await _contacts_or_companies(ctx, q.name, q.sql, needle, owner,
                                                           batches))
        status.append({"name": q.name, "status": "compared"})
    return checks, status


async def _contacts_or_companies(ctx: QueryContext, name: str, sql: str, needle: str,
                                 owner: str | None, batches: list[str]) -> QueryCheck:
    formula = contacts_formula(needle, owner)
    who = f" owned by {owner}" if owner else ""
    companies = name == "load_batch_companies"
    check = QueryCheck(f"n8n {name}: *{needle}*{who}",
                       formula + (" → Company" if companies else ""),
                       f"sql/n8n {name} for batches {batches}")
    pg: set[str] = set()
    for batch in batches:
        pg.update(r["airtable_record_id"] for r in await _run(ctx, sql, batch, owner))
    contacts = select_contacts(ctx, needle, owner)
    names = set(batches)
    fields = ("Owner",) if owner else ()
    if not companies:
        _diff_sets(check, set(contacts), pg,
                   lambda r: _contact_reasons(ctx, r, needle, names, owner_fields=fields))
        return check
    reached: dict[str, list[str]] = {}
    for rec_id, rec in contacts.items():
        company = ctx.base.first_link("Contacts", rec, "Company")
        if company is not None:
            reached.setdefault(company["id"], []).append(rec_id)
    linked: dict[str, list[str]] = {}
    company_field = ctx.base.field_id("Companies", "Contacts")
    for rec_id in pg - set(reached):
        company = ctx.base.records["Companies"].get(rec_id)
        linked[rec_id] = list(((company or {}).get("fields") or {}).get(company_field) or [])

    def explain(company_id: str) -> str | None:
        for contact in reached.get(company_id, []) + linked.get(company_id, []):
            why = ctx.rejected("Contacts", contact, ("Company",)) or _contact_reasons(
                ctx, contact, needle, names, owner_fields=fields)
            if why:
                return f"through contact {contact}: {why}"
        return None

    _diff_sets(check, set(reached), pg, explain)
    return check


async def _stats(ctx: QueryContext, sql: str, needle: str, batches: list[str]) -> QueryCheck:
    """Group counts on both sides, after taking out the contacts that differ for a documented
    reason (their rows on the PostgreSQL side come from the record-level plan query)."""
    formula = batch_formula(needle)
    check = QueryCheck(f"n8n batch_stats: *{needle}*", formula + " → Company → Status, Tier",
                       f"sql/n8n batch_stats for batches {batches}")
    names = set(batches)
    pg: Counter[tuple[Any, Any]] = Counter()
    pg_rows: dict[str, tuple[Any, Any]] = {}
    for b in await _batches(ctx, needle):
        for r in await _run(ctx, sql, b["name"]):
            pg[(r["status"], r["tier"])] += r["contacts"]
        for r in await all_rows(queries("verify/workflow").plan_batch_stats_records(
                ctx.conn, tenant_id=ctx.tenant_id, batch_id=b["id"])):
            pg_rows[r["airtable_record_id"]] = (r["status"], r["tier"])
    at: Counter[tuple[Any, Any]] = Counter()
    at_rows: dict[str, tuple[Any, Any]] = {}
    for rec_id, rec in ctx.base.select("Contacts", formula).items():
        company = ctx.base.first_link("Contacts", rec, "Company")
        if company is not None:
            at_rows[rec_id] = (
                ctx.label("Companies", "Status", ctx.base.cell("Companies", company, "Status")),
                ctx.label("Companies", "Tier", ctx.base.cell("Companies", company, "Tier")))
    check.airtable, check.postgres = len(at_rows), sum(pg.values())
    explained = {rec_id for rec_id in set(at_rows) | set(pg_rows)
                 if ctx.rejected("Contacts", rec_id, ("Company",)) or _contact_reasons(
                     ctx, rec_id, needle, names, owner_fields=())}
    at.update(v for k, v in at_rows.items() if k not in explained)
    pg.subtract(v for k, v in pg_rows.items() if k in explained)
    for rec_id in sorted(explained & (set(at_rows) ^ set(pg_rows))):
        check.explained.append({"record": rec_id, "side": "group member",
                                "expected": at_rows.get(rec_id), "actual": pg_rows.get(rec_id),
                                "reason": _contact_reasons(ctx, rec_id, needle, names,
                                                           owner_fields=())
                                or ctx.rejected("Contacts", rec_id, ("Company",))})
    for group in sorted(set(at) | set(pg), key=str):
        if at[group] != pg[group]:
            check.unexpected.append({"record": f"group {group[0]}/{group[1]}", "side": "value",
                                     "expected": at[group], "actual": pg[group]})
    return check
