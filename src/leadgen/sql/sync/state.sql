-- The parallel run's state (tables of db/migrations/0040_sync_state.sql). Every query names its
-- tenant; callers run them inside tenant_transaction as the owner role.

-- name: get_state^
-- Params: tenant_id, base_id. The state row of one tenant's base, or nothing before the first cycle.
SELECT tenant_id, base_id, interval_seconds, watermark, last_cycle_at, last_status,
       last_message, baseline_schema, mapping_sha256
FROM sync_state
WHERE tenant_id = :tenant_id AND base_id = :base_id;

-- name: states
-- Params: tenant_id. Every base this tenant syncs.
SELECT tenant_id, base_id, interval_seconds, watermark, last_cycle_at, last_status,
       last_message, mapping_sha256
FROM sync_state
WHERE tenant_id = :tenant_id
ORDER BY base_id;

-- name: save_state!
-- Params: tenant_id, base_id, interval_seconds, watermark, last_cycle_at, last_status,
-- last_message, baseline_schema (jsonb text), mapping_sha256. Upserts the state row.
INSERT INTO sync_state AS s (tenant_id, base_id, interval_seconds, watermark, last_cycle_at,
                             last_status, last_message, baseline_schema, mapping_sha256)
VALUES (:tenant_id, :base_id, :interval_seconds, :watermark, :last_cycle_at, :last_status,
        :last_message, :baseline_schema::jsonb, :mapping_sha256)
ON CONFLICT (tenant_id, base_id) DO UPDATE SET
  interval_seconds = EXCLUDED.interval_seconds,
  watermark = EXCLUDED.watermark,
  last_cycle_at = EXCLUDED.last_cycle_at,
  last_status = EXCLUDED.last_status,
  last_message = EXCLUDED.last_message,
  baseline_schema = EXCLUDED.baseline_schema,
  mapping_sha256 = EXCLUDED.mapping_sha256,
  updated_at = clock_timestamp();

-- name: record_cycle<!
-- Params: tenant_id, base_id, started_at, status, window_start, changed, deleted, rejected,
-- requests, lag_seconds, tables (jsonb text), message. Returns the cycle's id.
INSERT INTO sync_cycles (tenant_id, base_id, started_at, status, window_start, changed, deleted,
                         rejected, requests, lag_seconds, tables, message)
VALUES (:tenant_id, :base_id, :started_at, :status, :window_start, :changed, :deleted,
        :rejected, :requests, :lag_seconds, :tables::jsonb, :message)
RETURNING id;

-- name: recent_cycles
-- Params: tenant_id, base_id, limit. The latest cycles, newest first.
SELECT id, started_at, finished_at, status, window_start, changed, deleted, rejected, requests,
       lag_seconds, tables, message
FROM sync_cycles
WHERE tenant_id = :tenant_id AND base_id = :base_id
ORDER BY started_at DESC
LIMIT :limit;

-- name: last_ok_cycle^
-- Params: tenant_id. The newest successful cycle of any base of the tenant (the cutover gate).
SELECT base_id, started_at, finished_at, changed, deleted, rejected, requests
FROM sync_cycles
WHERE tenant_id = :tenant_id AND status = 'ok'
ORDER BY finished_at DESC
LIMIT 1;

-- name: archive
-- Params: tenant_id, base_id. Every archived raw record of the base, in creation order (the
-- order the export wrote them), for rebuilding the base as a snapshot.
SELECT table_id, record_id, created_time, fields::text AS fields, raw
FROM airtable_records
WHERE tenant_id = :tenant_id AND base_id = :base_id
ORDER BY table_id, created_time NULLS FIRST, record_id;

-- name: base_migration^
-- Params: tenant_id, base_id. The newest migration run of the base (baseline of a first cycle).
SELECT snapshot, exported_at, mapping_sha256, started_at
FROM migration_runs
WHERE tenant_id = :tenant_id AND base_id = :base_id
ORDER BY started_at DESC
LIMIT 1;
