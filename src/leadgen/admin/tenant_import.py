"""`leadgen tenant import`: recreate an exported tenant (tenant_export.py) in this database.

The tenant keeps its id, slug and row ids (row ids derive from the tenant, DESIGN.md). Before
anything is written the manifest is checked (format, version, every file's row count and
sha256), and the tenant must not exist here yet, by id or by slug. Rows go in as the owner
role with the audit trigger and the score triggers stepped aside for the transaction (the
bulk loader's switches, migrations 0004 and 0022), and only INSERT triggers could fire at all
(`updated_at` and the message version are UPDATE triggers), so every value, ids and
timestamps included, is the exported one. Afterwards the tenant's rows are digested the way
the export digested them; any difference rolls the whole import back.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any
from uuid import UUID

import asyncpg

from leadgen.admin.tenant_export import FORMAT, VERSION, table_digests
from leadgen.db.connect import OWNER_ROLE, quoted_identifier, tenant_transaction
from leadgen.errors import ConfigError
from leadgen.sql import queries

CHUNK = 1000
# Users come back without a password: "!" is no Argon2 hash, so no password matches it.
NO_PASSWORD = {"users": ("password_hash", "!")}


def read_manifest(folder: Path) -> dict[str, Any]:
    """The export's manifest, after checking every file against it (ConfigError otherwise)."""
    path = folder / "manifest.json"
    try:
        manifest: dict[str, Any] = json.loads(path.read_text("utf-8"))
    except FileNotFoundError as exc:
        raise ConfigError(f"{path} does not exist",
                          hint="pass the directory `leadgen tenant export --out` wrote") from exc
    except (ValueError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path} is not valid JSON: {exc}",
                          hint="the export is damaged: export the tenant again") from exc
    if manifest.get("format") != FORMAT or manifest.get("version") != VERSION:
        raise ConfigError(
            f"{path} is not a {FORMAT} file of version {VERSION} "
            f"(format {manifest.get('format')!r}, version {manifest.get('version')!r})",
            hint="import it with the leadgen release that exported it")
    for table in manifest["tables"]:
        file = folder / table["file"]
        if not file.resolve().is_relative_to(folder.resolve()):
            raise ConfigError(f"the manifest names a file outside {folder}: {table['file']}")
        try:
            body = file.read_bytes()
        except FileNotFoundError as exc:
            raise ConfigError(f"{file} is missing from the export",
                              hint="copy the whole export directory") from exc
        digest = hashlib.sha256(body).hexdigest()
        if digest != table["sha256"]:
            raise ConfigError(
                f"{table['file']} was changed after the export: its sha256 is {digest}, "
                f"the manifest says {table['sha256']}",
                hint="nothing was imported; use an unmodified export")
        rows = body.count(b"\n")
        if rows != table["rows"]:
            raise ConfigError(f"{table['file']} holds {rows} rows, the manifest says "
                              f"{table['rows']}", hint="nothing was imported")
    return manifest


async def _refuse_existing(conn: asyncpg.Connection, tenant: dict[str, str]) -> None:
    sql = queries("tenant_lifecycle")
    for found in (await sql.tenant_by_id(conn, tenant_id=UUID(tenant["id"])),
                  await sql.tenant_by_slug(conn, slug=tenant["slug"])):
        if found is not None:
            raise ConfigError(
                f"tenant {found['slug']!r} ({found['id']}) already exists in this database",
                hint="import into a database without it, or erase it first with "
                     "`leadgen tenant erase`; nothing was imported")


async def _insert(conn: asyncpg.Connection, table: dict[str, Any], lines: list[str]) -> None:
    stored = {r["name"] async for r in
              queries("tenant_lifecycle").stored_columns(conn, table_name=table["name"])}
    missing = [c for c in table["columns"] if c not in stored]
    if not stored or missing:
        raise ConfigError(
            f"table {table['name']} here lacks {', '.join(missing) or 'everything'}",
            hint="run `leadgen db upgrade` so this database has the exporter's schema "
                 f"({table['name']} columns: {', '.join(table['columns'])})")
    name = quoted_identifier(table["name"])
    cols = [quoted_identifier(c) for c in table["columns"]]
    values = list(cols)
    extra = NO_PASSWORD.get(table["name"])
    if extra is not None:
        cols.append(quoted_identifier(extra[0]))
        values.append("$2::text")
    sql = (f"INSERT INTO {name} ({', '.join(cols)}) SELECT {', '.join(values)} "
           f"FROM jsonb_populate_recordset(NULL::{name}, $1::jsonb)")
    for start in range(0, len(lines), CHUNK):
        chunk = "[" + ",".join(lines[start:start + CHUNK]) + "]"
        await conn.execute(sql, chunk, *([extra[1]] if extra else []))


async def import_tenant(conn: asyncpg.Connection, folder: Path) -> dict[str, Any]:
    """Recreate the exported tenant; returns the manifest. Needs a connection whose user may
    SET ROLE leadgen_owner (DATABASE_URL's)."""
    manifest = read_manifest(folder)
    tenant_id = UUID(manifest["tenant"]["id"])
    async with tenant_transaction(conn, tenant_id, actor="import", role=OWNER_ROLE):
        await _refuse_existing(conn, manifest["tenant"])
        await conn.execute("SET LOCAL app.audit = 'off'; SET LOCAL app.bulk_load = 'on'; "
                           "SET LOCAL TimeZone = 'UTC'")
        for table in manifest["tables"]:
            text = (folder / table["file"]).read_text("utf-8")
            try:
                await _insert(conn, table, text.splitlines())
            except asyncpg.UniqueViolationError as exc:  # e.g. an email another tenant has
                raise ConfigError(
                    f"a row of {table['name']} collides with one already here: {exc.detail}",
                    hint="users' emails and API-key prefixes are unique across tenants; "
                         "nothing was imported") from exc
        found = await table_digests(conn, tenant_id)
        for table in manifest["tables"]:
            rows, digest = found.get(table["name"], (0, ""))
            if (rows, digest) != (table["rows"], table["sha256"]):
                raise ConfigError(
                    f"{table['name']} differs after the import ({rows} rows, sha256 {digest}; "
                    f"exported {table['rows']} rows, sha256 {table['sha256']})",
                    hint="nothing was imported; the schemas probably differ: "
                         "run `leadgen db upgrade` on both databases")
    return manifest
