-- 0011: a digest of each archived record's fields, so a re-run (and the parallel-run sync)
-- re-sends and re-compares only the records that changed instead of every JSONB document.
ALTER TABLE airtable_records ADD COLUMN fields_sha256 BYTEA;
