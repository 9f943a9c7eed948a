"""`leadgen tenant disable|enable|export|import|erase` end to end, through the real entry point."""

from __future__ import annotations

import json
import shutil
import uuid
from collections.abc import Callable
from pathlib import Path

import asyncpg
from test_admin_commands import leadgen

from leadgen.admin.tenant_export import table_digests
from leadgen.db.connect import admin_transaction
from support import run_async
from support.tenants import SeededTenant, seed_tenant

CATALOG_TENANT_TABLES = """
SELECT c.relname FROM pg_class c
  JOIN pg_namespace n ON n.oid = c.relnamespace
  JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'tenant_id' AND NOT a.attisdropped
 WHERE n.nspname = 'public' AND c.relkind = 'r' ORDER BY 1
"""


async def _digests(url: str, tenant_id: uuid.UUID) -> dict[str, tuple[int, str]]:
    conn = await asyncpg.connect(url)
    try:
        async with admin_transaction(conn):
            return await table_digests(conn, tenant_id)
    finally:
        await conn.close()


async def _rows_per_table(url: str, tenant_id: uuid.UUID) -> dict[str, int]:
    """The tenant's rows in every table with tenant_id, found by a catalog query here."""
    conn = await asyncpg.connect(url)
    try:
        async with admin_transaction(conn):
            tables = [r[0] for r in await conn.fetch(CATALOG_TENANT_TABLES)]
            return {t: await conn.fetchval(f'SELECT count(*) FROM "{t}" WHERE tenant_id = $1',
                                           tenant_id) for t in tables}
    finally:
        await conn.close()


async def _fetch(url: str, sql: str, *args: object) -> list[asyncpg.Record]:
    conn = await asyncpg.connect(url)
    try:
        async with admin_transaction(conn):
            return list(await conn.fetch(sql, *args))
    finally:
        await conn.close()


def _seed(url: str, prefix: str) -> SeededTenant:
    tenant = run_async(seed_tenant(url, f"{prefix}-{uuid.uuid4().hex[:6]}"))
    # a row that triggers and defaults would change if an import did not keep it as it was
    run_async(_fetch(url, "UPDATE companies SET name = 'Acme 2' "
                          "WHERE tenant_id = $1", tenant.id))
    return tenant


def test_export_then_import_on_another_database_is_equal_by_digests(
    database_url: str, fresh_database: Callable[[], str], tmp_path: Path,
) -> None:
    tenant = _seed(database_url, "exp")
    out = tmp_path / "export"
    exported = leadgen(database_url, "tenant", "export", "--tenant", tenant.slug,
                       "--out", str(out))
    assert exported.returncode == 0, exported.stderr
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["tenant"] == {"id": str(tenant.id), "slug": tenant.slug, "name": tenant.slug}
    listed = {t["name"]: (t["rows"], t["sha256"]) for t in manifest["tables"]}
    source = run_async(_digests(database_url, tenant.id))
    assert listed == source
    assert "sessions" not in listed and "api_keys" not in listed
    assert "password_hash" not in (out / "tables" / "users.jsonl").read_text()
    rows = run_async(_rows_per_table(database_url, tenant.id))
    assert all(listed[t][0] == n for t, n in rows.items() if t in listed)

    other = fresh_database()
    imported = leadgen(other, "tenant", "import", "--in", str(out))
    assert imported.returncode == 0, imported.stderr
    assert run_async(_digests(other, tenant.id)) == source
    users = run_async(_fetch(other, "SELECT id, password_hash FROM users WHERE tenant_id = $1",
                             tenant.id))
    assert [(u["id"], u["password_hash"]) for u in users] == [(tenant.ids["users"], "!")]
    audit = run_async(_fetch(other, "SELECT count(*) AS n FROM audit_log WHERE tenant_id = $1",
                             tenant.id))
    assert audit[0]["n"] == listed["audit_log"][0]  # the import itself wrote no audit rows


def test_import_refuses_an_existing_tenant_and_a_changed_file(
    database_url: str, fresh_database: Callable[[], str], tmp_path: Path,
) -> None:
    tenant = _seed(database_url, "imp")
    out = tmp_path / "export"
    assert leadgen(database_url, "tenant", "export", "--tenant", tenant.slug,
                   "--out", str(out)).returncode == 0
    again = leadgen(database_url, "tenant", "import", "--in", str(out))
    assert again.returncode == 2 and "already exists" in again.stderr, again.stderr

    tampered = tmp_path / "tampered"
    shutil.copytree(out, tampered)
    companies = tampered / "tables" / "companies.jsonl"
    companies.write_text(companies.read_text().replace("Acme 2", "Acme 3"))
    other = fresh_database()
    refused = leadgen(other, "tenant", "import", "--in", str(tampered))
    assert refused.returncode == 2, refused.stderr
    assert "tables/companies.jsonl was changed after the export" in refused.stderr
    assert run_async(_fetch(other, "SELECT id FROM tenants WHERE id = $1", tenant.id)) == []
    missing = leadgen(other, "tenant", "import", "--in", str(tmp_path / "nowhere"))
    assert missing.returncode == 2 and "does not exist" in missing.stderr

    taken = fresh_database()  # another tenant there already has the exported user's email
    host = run_async(seed_tenant(taken, f"host-{uuid.uuid4().hex[:6]}"))
    run_async(_fetch(taken, "UPDATE users SET email = $1 WHERE tenant_id = $2",
                     f"user@{tenant.slug}.test", host.id))
    clash = leadgen(taken, "tenant", "import", "--in", str(out))
    assert clash.returncode == 2 and "collides with one already here" in clash.stderr
    assert run_async(_fetch(taken, "SELECT id FROM tenants WHERE id = $1", tenant.id)) == []
    for result in (again, refused, missing, clash):
        assert "Traceback" not in result.stderr


def test_erase_refuses_without_the_slug_confirmed(database_url: str) -> None:
    tenant = _seed(database_url, "keep")
    before = run_async(_digests(database_url, tenant.id))
    bare = leadgen(database_url, "tenant", "erase", "--tenant", tenant.slug)
    wrong = leadgen(database_url, "tenant", "erase", "--tenant", tenant.slug,
                    "--confirm", "someone-else")
    assert bare.returncode == 2 and f"needs --confirm {tenant.slug}" in bare.stderr
    assert wrong.returncode == 2 and "does not name the tenant" in wrong.stderr
    assert run_async(_digests(database_url, tenant.id)) == before


def test_erase_leaves_no_row_of_the_tenant_and_others_unchanged(database_url: str) -> None:
    gone, kept = _seed(database_url, "gone"), _seed(database_url, "kept")
    kept_before = run_async(_digests(database_url, kept.id))
    counted = run_async(_rows_per_table(database_url, gone.id))
    assert counted["sessions"] == 1 and counted["api_keys"] == 1

    erased = leadgen(database_url, "tenant", "erase", "--tenant", gone.slug,
                     "--confirm", gone.slug)
    assert erased.returncode == 0, erased.stderr
    receipt = json.loads(erased.stdout)
    assert receipt["tenant_id"] == str(gone.id) and receipt["slug"] == gone.slug
    assert receipt["row_counts"] == {**counted, "tenants": 1}
    assert set(run_async(_rows_per_table(database_url, gone.id)).values()) == {0}
    assert run_async(_fetch(database_url, "SELECT 1 FROM tenants WHERE id = $1", gone.id)) == []
    assert run_async(_digests(database_url, kept.id)) == kept_before
    kept_rows = run_async(_fetch(database_url, "SELECT erased_tenant_id, row_counts "
                                               "FROM tenant_erasures WHERE slug = $1", gone.slug))
    assert [r["erased_tenant_id"] for r in kept_rows] == [gone.id]
    assert "@" not in kept_rows[0]["row_counts"]  # counts only: no email, no names


def test_disable_and_enable(database_url: str) -> None:
    tenant = _seed(database_url, "tog")

    def active() -> bool:
        found = run_async(_fetch(database_url, "SELECT is_active FROM tenants WHERE id = $1",
                                 tenant.id))
        return bool(found[0]["is_active"])

    assert leadgen(database_url, "tenant", "disable", "--tenant", tenant.slug).returncode == 0
    assert not active()
    assert leadgen(database_url, "tenant", "enable", "--tenant", tenant.slug).returncode == 0
    assert active()
    unknown = leadgen(database_url, "tenant", "disable", "--tenant", "no-such-tenant")
    assert unknown.returncode == 8 and "no tenant with slug" in unknown.stderr
