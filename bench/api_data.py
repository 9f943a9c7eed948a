"""The API bench's data: 100 tenants × 5 owners, 111,000 companies, 555,000 contacts and
1,110,000 messages made with generate_series in the database `leadgen_bench`, triggers off
during the load (session_replication_role = replica)."""

from __future__ import annotations

import time

import asyncpg

from leadgen.admin.passwords import hash_password
from leadgen.db import migrate

SERVER = "postgresql://postgres@127.0.0.1:5432/postgres"


DB = "leadgen_bench"


TENANTS = 100


OWNERS = 5


STATUSES = "ARRAY['draft','draft','draft','draft','approved','approved','rejected','sent'," \
           "'delivered','replied']::message_review_status[]"


def tenant_uuid(t: int) -> str:
    return f"00000000-0000-4000-8000-{100000000000 + t}"


def owner_uuid(t: int, o: int) -> str:
    return f"00000000-0000-4000-9000-{100000000000 + t * 10 + o}"


def batch_uuid(t: int, b: int) -> str:
    return f"00000000-0000-4000-a000-{100000000000 + t * 100 + b}"


GENERATE = f"""
SET session_replication_role = replica;
CREATE FUNCTION pg_temp.tid(t int) RETURNS uuid LANGUAGE sql IMMUTABLE AS
  $$ SELECT ('00000000-0000-4000-8000-' || (100000000000 + t))::uuid $$;
CREATE FUNCTION pg_temp.oid_(t int, o int) RETURNS uuid LANGUAGE sql IMMUTABLE AS
  $$ SELECT ('00000000-0000-4000-9000-' || (100000000000 + t * 10 + o))::uuid $$;
CREATE FUNCTION pg_temp.bid(t int, b int) RETURNS uuid LANGUAGE sql IMMUTABLE AS
  $$ SELECT ('00000000-0000-4000-a000-' || (100000000000 + t * 100 + b))::uuid $$;
INSERT INTO tenants (id, slug, name)
  SELECT pg_temp.tid(t), 'bench-' || t, 'Bench ' || t FROM generate_series(1, {TENANTS}) t;
INSERT INTO owners (id, tenant_id, name, email)
  SELECT pg_temp.oid_(t, o), pg_temp.tid(t), 'Owner ' || o, 'owner' || o || '@t' || t || '.test'
  FROM generate_series(1, {TENANTS}) t, generate_series(1, {OWNERS}) o;
INSERT INTO batches (id, tenant_id, name, owner_id)
  SELECT pg_temp.bid(t, b), pg_temp.tid(t), 'batch-' || b, pg_temp.oid_(t, 1 + b % {OWNERS})
  FROM generate_series(1, {TENANTS}) t, generate_series(1, 10) b;
INSERT INTO companies (tenant_id, name, domain, batch_id, owner_id, status, tier,
                       enrichment_cost_usd)
  SELECT pg_temp.tid(t), 'Company ' || t || '-' || c, 'c' || c || '.t' || t || '.example',
         pg_temp.bid(t, CASE WHEN t = 1 AND c <= 10000 THEN 1 ELSE 2 + c % 9 END),
         pg_temp.oid_(t, 1 + c % {OWNERS}),
         (enum_range(NULL::company_status))[1 + c % 11],
         (enum_range(NULL::company_tier))[1 + c % 6], (c % 100) / 100.0
  FROM generate_series(1, {TENANTS}) t,
       LATERAL generate_series(1, CASE WHEN t = 1 THEN 11000 ELSE 1000 END) c;
INSERT INTO contacts (tenant_id, company_id, owner_id, batch_id, full_name, job_title,
                      contact_score, processed_enrich, enrichment_cost_usd)
  SELECT co.tenant_id, co.id, co.owner_id, co.batch_id, 'Person ' || n || ' of ' || co.name,
         'Head of ' || n, CASE WHEN random() < 0.1 THEN NULL ELSE (random() * 100)::int END,
         random() < 0.7, 0.01
  FROM companies co, generate_series(1, 5) n;
INSERT INTO messages (tenant_id, contact_id, owner_id, batch_id, channel, sequence_step, subject,
                      body, status, tone, generation_cost_usd, contact_score)
  SELECT c.tenant_id, c.id, c.owner_id, c.batch_id,
         CASE WHEN s = 1 THEN 'linkedin_connect' ELSE 'email' END::message_channel, s,
         'Idea for ' || c.full_name,
         'Hi ' || c.full_name || ', ' || repeat('we help teams like yours automate. ', 6),
         ({STATUSES})[1 + floor(random() * 10)::int], 'professional', 0.0042, c.contact_score
  FROM contacts c, generate_series(1, 2) s;
INSERT INTO users (tenant_id, email, password_hash, role, owner_id)
  SELECT pg_temp.tid(t), 'reviewer@t' || t || '.test', $1, 'reviewer', pg_temp.oid_(t, 1)
  FROM generate_series(1, {TENANTS}) t;
INSERT INTO sessions (token_hash, tenant_id, user_id, expires_at)
  SELECT sha256(convert_to('bench-token-' || t, 'UTF8')), u.tenant_id, u.id,
         now() + interval '1 day'
  FROM generate_series(1, {TENANTS}) t JOIN users u ON u.tenant_id = pg_temp.tid(t);
SET session_replication_role = DEFAULT;
"""


async def prepare(url: str) -> dict[str, int]:
    admin = await asyncpg.connect(SERVER)
    try:
        await admin.execute(f"DROP DATABASE IF EXISTS {DB} WITH (FORCE)")
        await admin.execute(f"CREATE DATABASE {DB} TEMPLATE template0 ENCODING 'UTF8'")
    finally:
        await admin.close()
    await migrate.upgrade(url)
    conn = await asyncpg.connect(url)
    try:
        started = time.perf_counter()
        async with conn.transaction():
            for statement in _split(GENERATE):
                if "$1" in statement:
                    await conn.execute(statement, hash_password("bench password 1"))
                else:
                    await conn.execute(statement)
        print(f"generated rows in {time.perf_counter() - started:.0f} s", flush=True)
        await conn.execute("VACUUM ANALYZE")
        return {t: int(await conn.fetchval(f"SELECT count(*) FROM {t}"))
                for t in ("tenants", "companies", "contacts", "messages")}
    finally:
        await conn.close()


async def existing_counts(url: str) -> dict[str, int]:
    """Row counts of a database kept by an earlier `--keep` run (for `--reuse`)."""
    await migrate.upgrade(url)
    conn = await asyncpg.connect(url)
    try:
        return {t: int(await conn.fetchval(f"SELECT count(*) FROM {t}"))
                for t in ("tenants", "companies", "contacts", "messages")}
    finally:
        await conn.close()


def _split(script: str) -> list[str]:
    """Statements of GENERATE (none contains a semicolon inside a literal but $$ bodies)."""
    parts, buf, in_body = [], [], False
    for line in script.strip().splitlines():
        buf.append(line)
        in_body ^= line.count("$$") % 2 == 1
        if line.rstrip().endswith(";") and not in_body:
            parts.append("\n".join(buf))
            buf = []
    return parts
