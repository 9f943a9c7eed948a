"""The tenant tables of the schema, parents before children, and which have `updated_at`.

This is the one place the order of the tables is written down. The load upserts in this
order and deletes in reverse (migrate.load.stager.LOAD_ORDER keeps the tables the migration
writes), the transform handles the mapping's tables in it (a contact is known before its
messages), verify compares in it, and the formula compiler reads `HAS_UPDATED_AT` for
LAST_MODIFIED_TIME(); the tests parametrize over it.

Why a declared fact and not an order read from the database on each run: the transform, the
formula compiler and the tests that choose their parameters at collection time run without
a database, and the migration's own statements are built from a closed set of tables known
before any connection. So the fact is declared here and held to the catalog:
`catalog_problems` reads every table with a `tenant_id` column and every foreign key from
`pg_class` / `pg_constraint` (sql/db/tables.sql) and names each difference — a tenant table
missing here or listed here but absent, a parent listed after its child, an `updated_at`
column not recorded. tests/db/test_tables.py runs it against the migrated test database,
so a schema migration that adds a table or a foreign key fails there until this file
follows. The order itself is the order in which the migrations create the tables (each
table is created after the tables it references), which is a topological order of the
foreign keys: https://www.postgresql.org/docs/15/catalog-pg-constraint.html
"""

from __future__ import annotations

import asyncpg

from leadgen.sql import queries

TENANT_TABLES: tuple[str, ...] = (
    "owners", "batches", "companies", "company_enrichment_l2", "company_tags", "contacts",
    "contact_enrichment", "campaigns", "messages", "activities", "crm_events",
    "crm_event_participants", "tasks", "task_contacts", "task_activities", "research_assets",
    "pipeline_runs", "audit_log", "users", "sessions", "api_keys", "airtable_records",
    "migration_runs", "migration_rejects", "sync_state", "sync_cycles",
)
# Tenant tables with an updated_at column (LAST_MODIFIED_TIME() reads it)
HAS_UPDATED_AT: frozenset[str] = frozenset({
    "owners", "companies", "company_enrichment_l2", "contacts", "contact_enrichment",
    "campaigns", "messages", "crm_events", "tasks", "pipeline_runs", "users", "sync_state",
})


def in_order(tables: set[str] | frozenset[str]) -> tuple[str, ...]:
    """`tables` (tenant tables, each of them) in the order of TENANT_TABLES."""
    unknown = sorted(set(tables) - set(TENANT_TABLES))
    if unknown:
        raise ValueError(f"not tenant tables of leadgen.db.tables: {unknown}; add them to "
                         "TENANT_TABLES in their place (parents first)")
    return tuple(t for t in TENANT_TABLES if t in tables)


def order_problems(tables: dict[str, bool], foreign_keys: list[tuple[str, str, str]],
                   ) -> list[str]:
    """How TENANT_TABLES / HAS_UPDATED_AT differ from a catalog: `tables` maps each tenant
    table to whether it has updated_at, `foreign_keys` are (child, parent, constraint)."""
    problems = [f"{t}: a tenant table of the database missing from TENANT_TABLES"
                for t in sorted(set(tables) - set(TENANT_TABLES))]
    problems += [f"{t}: in TENANT_TABLES but not a tenant table of the database"
                 for t in TENANT_TABLES if t not in tables]
    position = {t: i for i, t in enumerate(TENANT_TABLES)}
    for child, parent, name in foreign_keys:
        if child in position and parent in position and child != parent \
                and position[parent] > position[child]:
            problems.append(f"{child}: listed before {parent}, which its foreign key {name} "
                            "references (parents come first)")
    has = {t for t, flag in tables.items() if flag}
    problems += [f"{t}: has an updated_at column, missing from HAS_UPDATED_AT"
                 for t in sorted(has - HAS_UPDATED_AT)]
    problems += [f"{t}: in HAS_UPDATED_AT but has no updated_at column"
                 for t in sorted(HAS_UPDATED_AT - has)]
    return problems


async def catalog_problems(conn: asyncpg.Connection) -> list[str]:
    """`order_problems` against the database `conn` is connected to (empty: they agree)."""
    q = queries("db/tables")
    tables = {r["table_name"]: r["has_updated_at"] for r in await conn.fetch(
        q.tenant_tables.sql)}
    keys = [(r["child"], r["parent"], r["name"]) for r in await conn.fetch(
        q.foreign_keys.sql)]
    return order_problems(tables, keys)
