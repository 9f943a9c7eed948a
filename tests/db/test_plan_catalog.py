"""The plan's DDL is the floor: every table, column, enum, named index and trigger it defines
exists in our schema with the same name and type. Loaded into a scratch database and compared
through the catalogs, so the check follows the database, not our reading of the SQL."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import asyncpg

from leadgen.db.tables import TENANT_TABLES
from support import run_async

PLAN_DDL = Path(__file__).parent / "fixtures" / "plan_ddl.sql"

Catalog = dict[str, object]


def plan_sql() -> str:
    """The plan's DDL as written, minus the contrib extensions it names (not needed: core
    gen_random_uuid() stands in for uuid_generate_v4(), and the plan uses no pg_trgm index)."""
    text = PLAN_DDL.read_text("utf-8")
    text = re.sub(r"CREATE EXTENSION[^;]*;", "", text)
    return text.replace("uuid_generate_v4()", "gen_random_uuid()")


async def read_catalog(url: str) -> Catalog:
    conn = await asyncpg.connect(url)
    try:
        tables = {r["relname"] for r in await conn.fetch(
            "SELECT relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = 'public' AND relkind = 'r' AND relname <> 'schema_migrations'")}
        columns = {(r["t"], r["c"]): r["type"] for r in await conn.fetch(
            """SELECT c.relname AS t, a.attname AS c, format_type(a.atttypid, a.atttypmod) AS type
               FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
               JOIN pg_namespace n ON n.oid = c.relnamespace
               WHERE n.nspname = 'public' AND c.relkind = 'r' AND a.attnum > 0
                 AND NOT a.attisdropped""")}
        enums: dict[str, list[str]] = {}
        for r in await conn.fetch(
            """SELECT t.typname, e.enumlabel FROM pg_enum e JOIN pg_type t ON t.oid = e.enumtypid
               ORDER BY t.typname, e.enumsortorder"""):
            enums.setdefault(r["typname"], []).append(r["enumlabel"])
        indexes = {r["indexname"] for r in await conn.fetch(
            "SELECT indexname FROM pg_indexes WHERE schemaname = 'public'")}
        triggers = {(r["t"], r["tgname"]) for r in await conn.fetch(
            """SELECT c.relname AS t, tg.tgname FROM pg_trigger tg
               JOIN pg_class c ON c.oid = tg.tgrelid WHERE NOT tg.tgisinternal""")}
        functions = {r["proname"] for r in await conn.fetch(
            "SELECT proname FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace "
            "WHERE n.nspname = 'public'")}
        return {"tables": tables, "columns": columns, "enums": enums, "indexes": indexes,
                "triggers": triggers, "functions": functions}
    finally:
        await conn.close()


def missing_from(plan: Catalog, ours: Catalog) -> list[str]:
    """Everything of the plan that our schema lacks or types differently."""
    problems: list[str] = []
    for table in sorted(plan["tables"] - ours["tables"]):  # type: ignore[operator]
        problems.append(f"table {table}")
    ours_columns: dict[tuple[str, str], str] = ours["columns"]  # type: ignore[assignment]
    for key, typ in sorted(plan["columns"].items()):  # type: ignore[attr-defined]
        if key not in ours_columns:
            problems.append(f"column {key[0]}.{key[1]}")
        elif ours_columns[key] != typ:
            problems.append(f"column {key[0]}.{key[1]} is {ours_columns[key]}, plan says {typ}")
    ours_enums: dict[str, list[str]] = ours["enums"]  # type: ignore[assignment]
    for name, labels in sorted(plan["enums"].items()):  # type: ignore[attr-defined]
        if name not in ours_enums:
            problems.append(f"enum {name}")
        elif ours_enums[name] != labels:
            problems.append(f"enum {name} labels {ours_enums[name]} != plan {labels}")
    for index in sorted(plan["indexes"] - ours["indexes"]):  # type: ignore[operator]
        if not index.endswith(("_pkey", "_key")):  # constraint-generated names follow the keys
            problems.append(f"index {index}")
    for table, trigger in sorted(plan["triggers"] - ours["triggers"]):  # type: ignore[operator]
        problems.append(f"trigger {trigger} on {table}")
    for function in sorted(plan["functions"] - ours["functions"]):  # type: ignore[operator]
        problems.append(f"function {function}")
    return problems


def _plan_catalog(scratch_database: Callable[[], str]) -> Catalog:
    url = scratch_database()

    async def load() -> None:
        conn = await asyncpg.connect(url)
        try:
            await conn.execute(plan_sql())
        finally:
            await conn.close()

    run_async(load())
    return run_async(read_catalog(url))


def test_plan_ddl_is_fully_present(
    scratch_database: Callable[[], str], database_url: str
) -> None:
    plan = _plan_catalog(scratch_database)
    assert len(plan["tables"]) == 19  # type: ignore[arg-type]
    # the plan's tables are ours, each one a tenant table of the one table order but tenants
    assert plan["tables"] - {"tenants"} <= set(TENANT_TABLES)  # type: ignore[operator]
    assert len(plan["enums"]) >= 30  # type: ignore[arg-type]
    assert missing_from(plan, run_async(read_catalog(database_url))) == []


def test_comparison_catches_a_removed_plan_object(
    scratch_database: Callable[[], str], fresh_database: Callable[[], str]
) -> None:
    """The check can fail: remove one object of each kind and every removal is reported."""
    plan = _plan_catalog(scratch_database)
    url = fresh_database()

    async def damage() -> None:
        conn = await asyncpg.connect(url)
        try:
            await conn.execute(
                """ALTER TABLE messages DROP COLUMN label;
                   ALTER TABLE contacts ALTER COLUMN notes TYPE varchar(10);
                   DROP INDEX idx_contacts_email;
                   DROP TRIGGER trg_tasks_updated_at ON tasks;
                   DROP TABLE task_activities;
                   ALTER TYPE message_tone RENAME VALUE 'bold' TO 'brave';""")
        finally:
            await conn.close()

    run_async(damage())
    problems = missing_from(plan, run_async(read_catalog(url)))
    assert "column messages.label" in problems
    assert any(p.startswith("column contacts.notes is character varying(10)") for p in problems)
    assert "index idx_contacts_email" in problems
    assert "trigger trg_tasks_updated_at on tasks" in problems
    assert "table task_activities" in problems
    assert any(p.startswith("enum message_tone labels") for p in problems)
