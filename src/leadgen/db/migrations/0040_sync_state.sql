-- 0040: the parallel run's memory (`leadgen sync`): one state row per tenant and base, one row
-- per cycle.
--
-- sync_state.watermark is the start of the last cycle that committed: the next cycle asks
-- Airtable for records modified after (watermark - overlap), so a clock difference between us
-- and Airtable smaller than the overlap loses nothing. baseline_schema is the base's schema the
-- mapping was last accepted against; a cycle that sees another schema stops (drift) until a
-- changed mapping covers it. sync_cycles keeps the figures `leadgen sync --status` and the
-- cutover gate of `leadgen verify` read: lag, changed / deleted / rejected, requests used.

CREATE TABLE sync_state (
  tenant_id        UUID NOT NULL REFERENCES tenants(id),
  base_id          TEXT NOT NULL,
  interval_seconds NUMERIC NOT NULL DEFAULT 60,
  watermark        TIMESTAMPTZ,
  last_cycle_at    TIMESTAMPTZ,
  last_status      TEXT,
  last_message     TEXT,
  baseline_schema  JSONB,
  mapping_sha256   TEXT,
  updated_at       TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp(),
  PRIMARY KEY (tenant_id, base_id)
);

CREATE TABLE sync_cycles (
  id             UUID NOT NULL DEFAULT gen_random_uuid(),
  tenant_id      UUID NOT NULL REFERENCES tenants(id),
  base_id        TEXT NOT NULL,
  started_at     TIMESTAMPTZ NOT NULL,
  finished_at    TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp(),
  status         TEXT NOT NULL CHECK (status IN ('ok', 'drift', 'failed')),
  window_start   TIMESTAMPTZ,
  changed        INTEGER NOT NULL DEFAULT 0,
  deleted        INTEGER NOT NULL DEFAULT 0,
  rejected       INTEGER NOT NULL DEFAULT 0,
  requests       INTEGER NOT NULL DEFAULT 0,
  lag_seconds    DOUBLE PRECISION,
  tables         JSONB NOT NULL DEFAULT '{}',
  message        TEXT,
  PRIMARY KEY (tenant_id, id)
);
CREATE INDEX idx_sync_cycles_tenant_time ON sync_cycles(tenant_id, base_id, started_at DESC);

-- The application (dashboard) may read how the parallel run stands; only the owner role
-- (`leadgen sync`) writes.
SELECT protect_tenant_table(t::regclass, 'SELECT')
FROM unnest(ARRAY['sync_state', 'sync_cycles']) AS t;
