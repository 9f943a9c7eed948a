"""`leadgen tenant|user|apikey create` end to end, through the real entry point."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid

import asyncpg

from leadgen.admin.apikeys import secret_matches, split_key
from leadgen.admin.passwords import verify_password
from leadgen.db.connect import admin_transaction
from support import run_async


def leadgen(database_url: str, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": database_url}
    return subprocess.run([sys.executable, "-m", "leadgen", *args], input=stdin, text=True,
                          capture_output=True, env=env, check=False, timeout=60)


async def _fetchrow(url: str, sql: str, *args: object) -> asyncpg.Record:
    conn = await asyncpg.connect(url)
    try:
        async with admin_transaction(conn):
            return await conn.fetchrow(sql, *args)
    finally:
        await conn.close()


def test_tenant_user_and_key_creation(database_url: str) -> None:
    slug = f"t-{uuid.uuid4().hex[:8]}"
    created = leadgen(database_url, "tenant", "create", "--slug", slug, "--name", "Tenant")
    assert created.returncode == 0, created.stderr
    again = leadgen(database_url, "tenant", "create", "--slug", slug, "--name", "Tenant")
    assert again.returncode == 2 and "already exists" in again.stderr

    email = f"Admin-{slug}@Example.test"
    user = leadgen(database_url, "user", "create", "--tenant", slug, "--email", email,
                   "--role", "tenant_admin", stdin="correct horse battery\n")
    assert user.returncode == 0, user.stderr
    row = run_async(_fetchrow(database_url, "SELECT * FROM users WHERE email = $1",
                              email.lower()))
    assert row["password_hash"].startswith("$argon2id$")
    assert verify_password(row["password_hash"], "correct horse battery")
    assert "correct horse" not in user.stdout + user.stderr

    key = leadgen(database_url, "apikey", "create", "--tenant", slug, "--name", "n8n")
    assert key.returncode == 0, key.stderr
    printed = key.stdout.strip()
    parts = split_key(printed)
    assert parts is not None
    stored = run_async(_fetchrow(database_url, "SELECT * FROM api_keys WHERE prefix = $1",
                                 parts[0]))
    assert printed not in str(dict(stored))
    assert secret_matches(parts[1], stored["secret_hash"])


def test_bad_input_is_explained(database_url: str) -> None:
    missing = leadgen(database_url, "apikey", "create", "--tenant", "no-such", "--name", "x")
    assert missing.returncode == 8 and "no tenant with slug" in missing.stderr
    bad_slug = leadgen(database_url, "tenant", "create", "--slug", "Bad Slug!", "--name", "x")
    assert bad_slug.returncode == 2 and "invalid tenant slug" in bad_slug.stderr
    slug = f"t-{uuid.uuid4().hex[:8]}"
    leadgen(database_url, "tenant", "create", "--slug", slug, "--name", "x")
    short = leadgen(database_url, "user", "create", "--tenant", slug, "--email", "a@b.test",
                    stdin="short\n")
    assert short.returncode == 2 and "password too short" in short.stderr
    role = leadgen(database_url, "user", "create", "--tenant", slug, "--email", "c@b.test",
                   "--role", "god", stdin="long enough password\n")
    assert role.returncode == 2 and "unknown role" in role.stderr
    for result in (missing, bad_slug, short, role):
        assert "Traceback" not in result.stderr


def test_unreachable_database_is_explained() -> None:
    result = leadgen("postgresql://postgres@127.0.0.1:1/postgres", "db", "upgrade")
    assert result.returncode == 4
    assert "cannot connect to PostgreSQL" in result.stderr and "Traceback" not in result.stderr
