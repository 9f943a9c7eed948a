-- 0010: what `leadgen migrate` keeps besides the target rows: the raw archive of every Airtable
-- record (so a dropped field is always recoverable), one row per run, and the run's rejects.
--
-- airtable_records.fields is the record's `fields` object as JSONB. JSONB cannot hold U+0000,
-- so a record whose JSON contains it is stored with U+0000 replaced by U+FFFD in `fields`
-- and, byte for byte, in `raw` (the original JSONL line); `raw` is NULL for every other record.

CREATE TABLE airtable_records (
  tenant_id     UUID NOT NULL REFERENCES tenants(id),
  base_id       TEXT NOT NULL,
  table_id      TEXT NOT NULL,
  record_id     TEXT NOT NULL,
  created_time  TIMESTAMPTZ,
  fields        JSONB NOT NULL,
  raw           BYTEA,
  PRIMARY KEY (tenant_id, base_id, record_id)
);
CREATE INDEX idx_airtable_records_table ON airtable_records(tenant_id, base_id, table_id);

CREATE TABLE migration_runs (
  id            UUID NOT NULL DEFAULT gen_random_uuid(),
  tenant_id     UUID NOT NULL REFERENCES tenants(id),
  base_id       TEXT NOT NULL,
  snapshot      TEXT,
  exported_at   TEXT,
  mapping_sha256 TEXT NOT NULL,
  started_at    TIMESTAMPTZ NOT NULL,
  finished_at   TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp(),
  records       INTEGER NOT NULL,
  cells         JSONB NOT NULL,
  tables        JSONB NOT NULL,
  findings      JSONB NOT NULL,
  rejected      INTEGER NOT NULL,
  changed_rows  JSONB NOT NULL,
  PRIMARY KEY (tenant_id, id)
);
CREATE INDEX idx_migration_runs_tenant_time ON migration_runs(tenant_id, started_at DESC);

CREATE TABLE migration_rejects (
  tenant_id     UUID NOT NULL REFERENCES tenants(id),
  run_id        UUID NOT NULL,
  seq           INTEGER NOT NULL,
  table_name    TEXT NOT NULL,
  record_id     TEXT NOT NULL,
  field_name    TEXT,
  value         JSONB,
  reason        TEXT NOT NULL,
  PRIMARY KEY (tenant_id, run_id, seq),
  FOREIGN KEY (tenant_id, run_id) REFERENCES migration_runs(tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX idx_migration_rejects_record ON migration_rejects(tenant_id, record_id);

-- The application may read what was migrated and why something was rejected; only the
-- owner role (the migration) writes these tables.
SELECT protect_tenant_table(t::regclass, 'SELECT')
FROM unnest(ARRAY['airtable_records', 'migration_runs', 'migration_rejects']) AS t;
