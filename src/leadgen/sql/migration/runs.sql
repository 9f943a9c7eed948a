-- The record of each `leadgen migrate` run (inside the run's own tenant transaction).

-- name: record_run(id, tenant_id, base_id, snapshot, exported_at, mapping_sha256, started_at, records, cells, tables, findings, rejected, changed_rows)!
-- Params: the run's id, tenant, base, snapshot path, export time, mapping checksum, start
-- time, record count and the report's JSON sections.
INSERT INTO migration_runs (id, tenant_id, base_id, snapshot, exported_at, mapping_sha256,
                            started_at, records, cells, tables, findings, rejected, changed_rows)
VALUES (:id, :tenant_id, :base_id, :snapshot, :exported_at, :mapping_sha256, :started_at,
        :records, :cells::jsonb, :tables::jsonb, :findings::jsonb, :rejected,
        :changed_rows::jsonb);

-- name: last_run(tenant_id)^
-- Params: tenant_id. The tenant's latest migration run.
SELECT id, base_id, snapshot, started_at, finished_at, records, cells, rejected, changed_rows
FROM migration_runs WHERE tenant_id = :tenant_id ORDER BY started_at DESC LIMIT 1;

-- name: archive_digests(tenant_id, base_id)
-- Params: tenant_id, base_id. The digest of every archived record of the base.
SELECT record_id, table_id, created_time, fields_sha256, raw IS NOT NULL AS has_raw
FROM airtable_records WHERE tenant_id = :tenant_id AND base_id = :base_id;
