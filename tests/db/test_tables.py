"""leadgen.db.tables, the one table order, held to the catalog of the migrated schema."""

from __future__ import annotations

from collections.abc import Callable

import asyncpg
import pytest

from leadgen.db import tables
from leadgen.db.tables import HAS_UPDATED_AT, TENANT_TABLES, in_order, order_problems
from support import run_async


async def _problems(url: str, ddl: str = "") -> list[str]:
    conn = await asyncpg.connect(url)
    try:
        if ddl:
            await conn.execute(ddl)
        return await tables.catalog_problems(conn)
    finally:
        await conn.close()


def test_the_declared_order_is_the_catalogs(database_url: str) -> None:
    """Every tenant table of the schema, each after the tables its foreign keys reference,
    and exactly those with an updated_at column in HAS_UPDATED_AT."""
    assert run_async(_problems(database_url)) == []
    assert len(TENANT_TABLES) == len(set(TENANT_TABLES)) >= 20
    assert TENANT_TABLES.index("contacts") < TENANT_TABLES.index("messages")


def test_a_schema_change_the_order_misses_is_named(
        fresh_database: Callable[[], str]) -> None:
    """The check can fail: a new tenant table, a foreign key to a table listed later and a
    new updated_at column are each reported."""
    problems = run_async(_problems(fresh_database(), """
        CREATE TABLE notes (tenant_id uuid NOT NULL, body text);
        ALTER TABLE owners ADD COLUMN contact_id uuid;
        ALTER TABLE owners ADD CONSTRAINT owners_contact_fk
            FOREIGN KEY (tenant_id, contact_id) REFERENCES contacts (tenant_id, id);
        ALTER TABLE audit_log ADD COLUMN updated_at timestamptz;
        ALTER TABLE users DROP COLUMN updated_at;"""))
    assert "notes: a tenant table of the database missing from TENANT_TABLES" in problems
    assert ("owners: listed before contacts, which its foreign key owners_contact_fk "
            "references (parents come first)") in problems
    assert "audit_log: has an updated_at column, missing from HAS_UPDATED_AT" in problems
    assert "users: in HAS_UPDATED_AT but has no updated_at column" in problems
    assert len(problems) == 4


def test_a_listed_table_the_database_lacks_is_named() -> None:
    present = {t: t in HAS_UPDATED_AT for t in TENANT_TABLES if t != "sync_cycles"}
    assert order_problems(present, []) == [
        "sync_cycles: in TENANT_TABLES but not a tenant table of the database"]


def test_in_order_sorts_and_refuses_unknown_tables() -> None:
    assert in_order({"messages", "owners", "contacts"}) == ("owners", "contacts", "messages")
    with pytest.raises(ValueError, match=r"not tenant tables of leadgen.db.tables: \['nope'\]"):
        in_order({"owners", "nope"})
