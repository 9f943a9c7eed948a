-- What `leadgen verify` and `leadgen sync` need to know about the target tables besides their
-- columns (sql/migration/catalog.sql): how a row is identified.

-- name: primary_keys
-- The primary-key columns of every table of the public schema, in key order.
SELECT c.relname AS table_name, a.attname AS column_name, k.ord AS position
FROM pg_index i
JOIN pg_class c ON c.oid = i.indrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, ord)
JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = k.attnum
WHERE i.indisprimary AND n.nspname = 'public'
ORDER BY c.relname, k.ord;

-- name: latest_migration_run^
-- Params: tenant_id. The tenant's newest migration run (its ledger and reject count).
SELECT id, base_id, snapshot, started_at, finished_at, records, cells, rejected, mapping_sha256
FROM migration_runs
WHERE tenant_id = :tenant_id
ORDER BY started_at DESC, finished_at DESC
LIMIT 1;

-- name: run_rejects
-- Params: tenant_id, run_id. The rejects one run recorded.
SELECT table_name, record_id, field_name, value, reason
FROM migration_rejects
WHERE tenant_id = :tenant_id AND run_id = :run_id
ORDER BY seq;
