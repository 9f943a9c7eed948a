"""The n8n query library's read queries, run in PostgreSQL and compared with the Airtable
search each one replaces (the same formula over the snapshot).

Record-set queries are compared like the plan's (verify_queries.py): the library filters by
the promoted batch's *name* (`b.name = $2`) where the workflow's formula does a substring
FIND over the batch names, so each query runs for every batch whose name contains the
needle; PostgreSQL is held to the formula over what the mapping made of each record, and
what differs only from the raw snapshot is explained by the mapping's changes. Point lookups
by id (`get_…^`) return what the cell comparison already proved; write queries are not
reads. Both are listed with that status, never silently skipped.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from leadgen.errors import LeadgenError
from leadgen.sql import queries
from leadgen.verify.mapped import (
    CONTACTS_READ,
    OWNED_CONTACTS_READ,
    STATS_READ,
)
from leadgen.verify.queries import (
    QueryCheck,
    QueryContext,
    batch_formula,
    batches_containing,
    company_groups,
    compare,
    compare_groups,
    contact_reasons,
    contacts_formula,
    plan_parameters,
    select_contacts,
)
from leadgen.verify.rows import all_rows

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
            batches = [b["name"] for b in await batches_containing(ctx, needle)]
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
    pg: dict[str, Any] = {}
    for batch in batches:
        pg.update((r["airtable_record_id"], None) for r in await _run(ctx, sql, batch, owner))
    selected = [select_contacts(view, needle, owner) for view in ctx.views()]
    reads = OWNED_CONTACTS_READ if owner else CONTACTS_READ
    if not companies:
        raw, mapped = (dict.fromkeys(contacts) for contacts in selected)
        compare(check, raw, mapped, pg, contact_reasons(ctx, reads))
        return check
    # company → the selected contacts that reach it (on either side)
    reached: list[dict[str, list[str]]] = []
    for view, contacts in zip(ctx.views(), selected, strict=True):
        found: dict[str, list[str]] = {}
        for rec_id, rec in contacts.items():
            company = view.first_link("Contacts", rec, "Company")
            if company is not None:
                found.setdefault(company["id"], []).append(rec_id)
        reached.append(found)

    def explain(company_id: str) -> str | None:
        company_reads = {**reads, "Contacts": (*reads["Contacts"], "Company")}
        reasons = [ctx.mapped.explain("Companies", company_id, company_reads)]
        for contact in dict.fromkeys(reached[0].get(company_id, []) +
                                     reached[1].get(company_id, [])):
            why = ctx.mapped.explain("Contacts", contact, company_reads)
            reasons.append(f"through contact {contact}: {why}" if why else None)
        return "; ".join(r for r in reasons if r) or None

    compare(check, dict.fromkeys(reached[0]), dict.fromkeys(reached[1]), pg, explain)
    return check


async def _stats(ctx: QueryContext, sql: str, needle: str, batches: list[str]) -> QueryCheck:
    """Group counts against the mapped answer's; the contacts behind them record by record
    (their PostgreSQL rows from the record-level plan query)."""
    formula = batch_formula(needle)
    check = QueryCheck(f"n8n batch_stats: *{needle}*", formula + " → Company → Status, Tier",
                       f"sql/n8n batch_stats for batches {batches}")
    pg_groups: Counter[tuple[Any, Any]] = Counter()
    pg: dict[str, Any] = {}
    for b in await batches_containing(ctx, needle):
        for r in await _run(ctx, sql, b["name"]):
            pg_groups[(r["status"], r["tier"])] += r["contacts"]
        for r in await all_rows(queries("verify/workflow").plan_batch_stats_records(
                ctx.conn, tenant_id=ctx.tenant_id, batch_id=b["id"])):
            pg[r["airtable_record_id"]] = (r["status"], r["tier"])
    raw, mapped = company_groups(ctx, needle)
    compare(check, raw, mapped, pg, contact_reasons(ctx, STATS_READ))
    compare_groups(check, mapped, pg_groups)
    check.postgres = sum(pg_groups.values())
    return check
