"""`leadgen tenant export`: everything a tenant owns, as a versioned, self-checking directory.

    DIR/manifest.json        format, version, tenant (id, slug, name), time, and per table:
                             file, columns, row count and the sha256 of the file
    DIR/tables/<table>.jsonl one row per line: the row as PostgreSQL's `to_jsonb` writes it
                             (timestamps in UTC), lines sorted, each ending in "\\n"

The tables are found in the catalog (every table with a `tenant_id` column, migration 0060),
so a table added later is exported without a change here; `tenants` adds the tenant's own
row. Listed in the manifest's `tables` parents first, the order an import inserts them.
Credentials stay behind: no sessions, no API keys, and users without `password_hash` (an
imported user sets a new password). Generated columns are left out: the database computes them.
The tenant owns no files outside the database (research assets are rows), so `attachments`
is an empty list in this version of the format.

A table's digest is the sha256 of its file, and the file is a pure function of the rows, so
the same digest computed over a database (`table_digests`) proves two databases hold the same
rows, ids and timestamps included. It detects a changed file, not a forger who also rewrites
the manifest: keep the manifest's digest somewhere the file does not travel if that matters.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from uuid import UUID

import asyncpg

from leadgen.db.connect import ADMIN_ROLE, quoted_identifier
from leadgen.errors import ConfigError
from leadgen.sql import queries

FORMAT = "leadgen-tenant-export"
VERSION = 1
SKIPPED_TABLES = {"sessions": "credentials", "api_keys": "credentials"}
SKIPPED_COLUMNS = {"users": ("password_hash",)}


@dataclass(frozen=True)
class TableDump:
    name: str
    columns: list[str]
    lines: list[str]

    @property
    def body(self) -> bytes:
        return "".join(line + "\n" for line in self.lines).encode("utf-8")

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.body).hexdigest()


async def exported_tables(conn: asyncpg.Connection) -> list[str]:
    """The tables an export holds, parents first: `tenants`, then every tenant table."""
    found = [r["table_name"] async for r in queries("tenant_lifecycle").tenant_tables(conn)]
    return ["tenants", *[t for t in reversed(found) if t not in SKIPPED_TABLES]]


async def dump_table(conn: asyncpg.Connection, table: str, tenant_id: UUID) -> TableDump:
    """The tenant's rows of `table` as sorted JSON lines (inside a UTC transaction)."""
    columns: list[str] = []
    left_out = list(SKIPPED_COLUMNS.get(table, ()))
    async for col in queries("tenant_lifecycle").stored_columns(conn, table_name=table):
        if col["generated"]:
            left_out.append(col["name"])
        elif col["name"] not in left_out:
            columns.append(col["name"])
    key = "id" if table == "tenants" else "tenant_id"
    sql = (f"SELECT (to_jsonb(t) - $2::text[])::text FROM {quoted_identifier(table)} t "
           f"WHERE t.{key} = $1")
    lines = sorted(r[0] for r in await conn.fetch(sql, tenant_id, left_out))
    return TableDump(table, columns, lines)


@asynccontextmanager
async def export_transaction(conn: asyncpg.Connection) -> AsyncIterator[asyncpg.Connection]:
    """One consistent, read-only view on the admin path (BYPASSRLS: every tenant table),
    with timestamps in UTC and floats written exactly."""
    async with conn.transaction(isolation="repeatable_read", readonly=True):
        await conn.execute(f"SET LOCAL ROLE {ADMIN_ROLE}; SET LOCAL TimeZone = 'UTC'; "
                           "SET LOCAL extra_float_digits = 1")
        yield conn


async def table_digests(conn: asyncpg.Connection, tenant_id: UUID) -> dict[str, tuple[int, str]]:
    """table → (rows, sha256) of the tenant, computed as the export computes them.
    Call inside a transaction (the caller's role must see every tenant table)."""
    await conn.execute("SET LOCAL TimeZone = 'UTC'; SET LOCAL extra_float_digits = 1")
    found = {}
    for table in await exported_tables(conn):
        dump = await dump_table(conn, table, tenant_id)
        found[table] = (len(dump.lines), dump.sha256)
    return found


async def export_tenant(conn: asyncpg.Connection, tenant_id: UUID, out: Path) -> dict[str, Any]:
    """Write the tenant to `out` (created; must be empty) and return the manifest.
    Run inside `export_transaction`."""
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise ConfigError(f"{out} exists and is not an empty directory",
                          hint="pass a new directory to --out; an export never overwrites")
    tenant = await queries("tenant_lifecycle").tenant_by_id(conn, tenant_id=tenant_id)
    schema = await conn.fetchval("SELECT max(version) FROM schema_migrations")
    (out / "tables").mkdir(parents=True, exist_ok=True)
    tables = []
    for table in await exported_tables(conn):
        dump = await dump_table(conn, table, tenant_id)
        (out / "tables" / f"{table}.jsonl").write_bytes(dump.body)
        tables.append({"name": table, "file": f"tables/{table}.jsonl", "columns": dump.columns,
                       "rows": len(dump.lines), "sha256": dump.sha256})
    manifest = {
        "format": FORMAT, "version": VERSION,
        "tenant": {"id": str(tenant["id"]), "slug": tenant["slug"], "name": tenant["name"]},
        "exported_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "schema_version": schema,
        "left_out": {"tables": SKIPPED_TABLES,
                     "columns": {t: list(c) for t, c in SKIPPED_COLUMNS.items()}},
        "attachments": [],
        "tables": tables,
    }
    (out / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n", "utf-8")
    return manifest
