-- 0013: the archive loses idx_airtable_records_table (tenant_id, base_id, table_id).
--
-- Nothing reads the archive by table: every query (the re-run's digests, verify, the sync's
-- rebuild of a base) selects a whole base, which the primary key's (tenant_id, base_id) prefix
-- serves. The index cost every first load an insert per archived record (docs/decisions.md).
DROP INDEX idx_airtable_records_table;
