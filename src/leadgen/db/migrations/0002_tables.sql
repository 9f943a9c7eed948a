-- 0002: the plan's tables, tightened for tenants.
--
-- Every column, type and named index of the plan exists. What changes:
--   * tenant_id on every tenant-owned table, the 1:1 and junction tables included;
--   * primary keys are (tenant_id, id) and every foreign key between tenant tables is
--     (tenant_id, x_id) → x(tenant_id, id): the database refuses a row that points into another
--     tenant (foreign-key checks bypass RLS:
--     https://www.postgresql.org/docs/15/ddl-rowsecurity.html) and Citus can co-locate the
--     tables by tenant_id;
--   * named indexes lead with tenant_id; airtable_record_id is unique per tenant;
--   * gen_random_uuid() (core) instead of uuid-ossp, so no contrib extension is needed.

-- ── TENANTS (reference-like: one row per customer) ───────────
CREATE TABLE tenants (
  id          UUID PRIMARY KEY DEFAULT gen_random_uuid(),
  name        TEXT NOT NULL,
  slug        TEXT NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9][a-z0-9-]{0,62}$'),
  domain      TEXT,
  settings    JSONB DEFAULT '{}',
  is_active   BOOLEAN DEFAULT true,
  created_at  TIMESTAMPTZ DEFAULT now(),
  updated_at  TIMESTAMPTZ DEFAULT now()
);

-- ── OWNERS ───────────────────────────────────────────────────
CREATE TABLE owners (
  id                      UUID NOT NULL DEFAULT gen_random_uuid(),
  tenant_id               UUID NOT NULL REFERENCES tenants(id),
  name                    TEXT NOT NULL,
  email                   TEXT,
  linkedin_profile_url    TEXT,
  signature_block         TEXT,
  lemlist_configured      BOOLEAN DEFAULT false,
  lemlist_default_campaign TEXT,
  default_tone            message_tone,
  default_language        language_enum DEFAULT 'en',
  is_active               BOOLEAN DEFAULT true,
  created_at              TIMESTAMPTZ DEFAULT now(),
  updated_at              TIMESTAMPTZ DEFAULT now(),
  airtable_record_id      TEXT,
  PRIMARY KEY (tenant_id, id),
  UNIQUE (tenant_id, email)
);
CREATE INDEX idx_owners_tenant ON owners(tenant_id);
CREATE UNIQUE INDEX idx_owners_airtable ON owners(tenant_id, airtable_record_id)
  WHERE airtable_record_id IS NOT NULL;

-- ── BATCHES ──────────────────────────────────────────────────
CREATE TABLE batches (
  id          UUID NOT NULL DEFAULT gen_random_uuid(),
  tenant_id   UUID NOT NULL REFERENCES tenants(id),
  name        TEXT NOT NULL,
  description TEXT,
  owner_id    UUID,
  is_active   BOOLEAN DEFAULT true,
  created_at  TIMESTAMPTZ DEFAULT now(),
  PRIMARY KEY (tenant_id, id),
  UNIQUE (tenant_id, name),
  FOREIGN KEY (tenant_id, owner_id) REFERENCES owners(tenant_id, id)
);
CREATE INDEX idx_batches_tenant ON batches(tenant_id);

-- ── COMPANIES ────────────────────────────────────────────────
CREATE TABLE companies (
  id                      UUID NOT NULL DEFAULT gen_random_uuid(),
  tenant_id               UUID NOT NULL REFERENCES tenants(id),
  name                    TEXT NOT NULL,
  domain                  TEXT,
  batch_id                UUID,
  owner_id                UUID,

  status                  company_status DEFAULT 'new',
  tier                    company_tier,
  business_model          business_model,
  company_size            company_size,
  ownership_type          ownership_type,
  geo_region              geo_region,
  industry                industry_enum,
  industry_category       TEXT,
  revenue_range           revenue_range,
  buying_stage            buying_stage,
  engagement_status       engagement_status,
  crm_status              crm_status_enum,
  ai_adoption             confidence_level,
  news_confidence         confidence_level,
  business_type           business_type,
  cohort                  cohort_enum,

  summary                 TEXT,
  hq_city                 TEXT,
  hq_country              TEXT,
  triage_notes            TEXT,
  triage_score            NUMERIC(4,1),
  verified_revenue_eur_m  NUMERIC(10,1),
  verified_employees      NUMERIC(10,1),
  enrichment_cost_usd     NUMERIC(10,4) DEFAULT 0,
  pre_score               NUMERIC(4,1),
  batch_number            NUMERIC(4,1),

  lemlist_synced          BOOLEAN DEFAULT false,
  error_message           TEXT,
  notes                   TEXT,

  created_at              TIMESTAMPTZ DEFAULT now(),
  updated_at              TIMESTAMPTZ DEFAULT now(),
  airtable_record_id      TEXT,
  PRIMARY KEY (tenant_id, id),
  FOREIGN KEY (tenant_id, batch_id) REFERENCES batches(tenant_id, id),
  FOREIGN KEY (tenant_id, owner_id) REFERENCES owners(tenant_id, id)
);
CREATE INDEX idx_companies_tenant_status ON companies(tenant_id, status);
CREATE INDEX idx_companies_tenant_batch ON companies(tenant_id, batch_id);
CREATE INDEX idx_companies_tenant_tier ON companies(tenant_id, tier);
CREATE INDEX idx_companies_domain ON companies(tenant_id, domain);
CREATE UNIQUE INDEX idx_companies_airtable ON companies(tenant_id, airtable_record_id)
  WHERE airtable_record_id IS NOT NULL;
CREATE INDEX idx_companies_tenant_owner ON companies(tenant_id, owner_id);

-- ── COMPANY ENRICHMENT L2 (1:1) ─────────────────────────────
CREATE TABLE company_enrichment_l2 (
  tenant_id               UUID NOT NULL REFERENCES tenants(id),
  company_id              UUID NOT NULL,
  company_intel           TEXT,
  recent_news             TEXT,
  ai_opportunities        TEXT,
  pain_hypothesis         TEXT,
  relevant_case_study     TEXT,
  digital_initiatives     TEXT,
  leadership_changes      TEXT,
  hiring_signals          TEXT,
  key_products            TEXT,
  customer_segments       TEXT,
  competitors             TEXT,
  tech_stack              TEXT,
  funding_history         TEXT,
  eu_grants               TEXT,
  leadership_team         TEXT,
  ai_hiring               TEXT,
  tech_partnerships       TEXT,
  certifications          TEXT,
  quick_wins              JSONB,
  industry_pain_points    TEXT,
  cross_functional_pain   TEXT,
  adoption_barriers       TEXT,
  competitor_ai_moves     TEXT,
  enriched_at             TIMESTAMPTZ,
  enrichment_cost_usd     NUMERIC(10,4) DEFAULT 0,
  created_at              TIMESTAMPTZ DEFAULT now(),
  updated_at              TIMESTAMPTZ DEFAULT now(),
  PRIMARY KEY (tenant_id, company_id),
  FOREIGN KEY (tenant_id, company_id) REFERENCES companies(tenant_id, id) ON DELETE CASCADE
);

-- ── COMPANY TAGS ─────────────────────────────────────────────
CREATE TABLE company_tags (
  id          UUID NOT NULL DEFAULT gen_random_uuid(),
  tenant_id   UUID NOT NULL REFERENCES tenants(id),
  company_id  UUID NOT NULL,
  category    tag_category NOT NULL,
  value       TEXT NOT NULL,
  PRIMARY KEY (tenant_id, id),
  UNIQUE (tenant_id, company_id, category, value),
  FOREIGN KEY (tenant_id, company_id) REFERENCES companies(tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX idx_company_tags_company ON company_tags(tenant_id, company_id);
CREATE INDEX idx_company_tags_lookup ON company_tags(tenant_id, category, value);

-- ── CONTACTS ─────────────────────────────────────────────────
CREATE TABLE contacts (
  id                    UUID NOT NULL DEFAULT gen_random_uuid(),
  tenant_id             UUID NOT NULL REFERENCES tenants(id),
  company_id            UUID,
  owner_id              UUID,
  batch_id              UUID,

  full_name             TEXT NOT NULL,
  job_title             TEXT,
  email_address         TEXT,
  linkedin_url          TEXT,
  phone_number          TEXT,
  profile_photo_url     TEXT,

  seniority_level       seniority_level,
  department            department_enum,
  location_city         TEXT,
  location_country      TEXT,
  icp_fit               icp_fit DEFAULT 'unknown',
  relationship_status   relationship_status DEFAULT 'prospect',
  contact_source        contact_source,
  language              language_enum DEFAULT 'en',
  message_status        contact_message_status DEFAULT 'not_started',

  ai_champion           BOOLEAN DEFAULT false,
  ai_champion_score     SMALLINT,
  authority_score       SMALLINT,
  contact_score         SMALLINT,

  enrichment_cost_usd   NUMERIC(10,4) DEFAULT 0,
  processed_enrich      BOOLEAN DEFAULT false,
  email_lookup          BOOLEAN DEFAULT false,
  duplicity_check       BOOLEAN DEFAULT false,
  duplicity_conflict    BOOLEAN DEFAULT false,
  duplicity_detail      TEXT,
  notes                 TEXT,
  error                 TEXT,

  created_at            TIMESTAMPTZ DEFAULT now(),
  updated_at            TIMESTAMPTZ DEFAULT now(),
  airtable_record_id    TEXT,
  PRIMARY KEY (tenant_id, id),
  FOREIGN KEY (tenant_id, company_id) REFERENCES companies(tenant_id, id),
  FOREIGN KEY (tenant_id, owner_id) REFERENCES owners(tenant_id, id),
  FOREIGN KEY (tenant_id, batch_id) REFERENCES batches(tenant_id, id)
);
CREATE INDEX idx_contacts_tenant_batch ON contacts(tenant_id, batch_id);
CREATE INDEX idx_contacts_tenant_company ON contacts(tenant_id, company_id);
CREATE INDEX idx_contacts_unprocessed ON contacts(tenant_id, batch_id) WHERE NOT processed_enrich;
CREATE INDEX idx_contacts_tenant_owner ON contacts(tenant_id, owner_id);
CREATE INDEX idx_contacts_email ON contacts(tenant_id, email_address)
  WHERE email_address IS NOT NULL;
CREATE UNIQUE INDEX idx_contacts_airtable ON contacts(tenant_id, airtable_record_id)
  WHERE airtable_record_id IS NOT NULL;

-- ── CONTACT ENRICHMENT (1:1) ─────────────────────────────────
CREATE TABLE contact_enrichment (
  tenant_id               UUID NOT NULL REFERENCES tenants(id),
  contact_id              UUID NOT NULL,
  person_summary          TEXT,
  linkedin_profile_summary TEXT,
  relationship_synthesis  TEXT,
  enriched_at             TIMESTAMPTZ,
  enrichment_cost_usd     NUMERIC(10,4) DEFAULT 0,
  created_at              TIMESTAMPTZ DEFAULT now(),
  updated_at              TIMESTAMPTZ DEFAULT now(),
  PRIMARY KEY (tenant_id, contact_id),
  FOREIGN KEY (tenant_id, contact_id) REFERENCES contacts(tenant_id, id) ON DELETE CASCADE
);

-- ── CAMPAIGNS ────────────────────────────────────────────────
CREATE TABLE campaigns (
  id                    UUID NOT NULL DEFAULT gen_random_uuid(),
  tenant_id             UUID NOT NULL REFERENCES tenants(id),
  owner_id              UUID,
  name                  TEXT NOT NULL,
  lemlist_campaign_id   TEXT,
  channel               campaign_channel,
  batch_id              UUID,
  is_active             BOOLEAN DEFAULT true,
  created_at            TIMESTAMPTZ DEFAULT now(),
  updated_at            TIMESTAMPTZ DEFAULT now(),
  airtable_record_id    TEXT,
  PRIMARY KEY (tenant_id, id),
  FOREIGN KEY (tenant_id, owner_id) REFERENCES owners(tenant_id, id),
  FOREIGN KEY (tenant_id, batch_id) REFERENCES batches(tenant_id, id)
);
CREATE INDEX idx_campaigns_tenant ON campaigns(tenant_id);
CREATE UNIQUE INDEX idx_campaigns_airtable ON campaigns(tenant_id, airtable_record_id)
  WHERE airtable_record_id IS NOT NULL;

-- ── MESSAGES ─────────────────────────────────────────────────
CREATE TABLE messages (
  id                    UUID NOT NULL DEFAULT gen_random_uuid(),
  tenant_id             UUID NOT NULL REFERENCES tenants(id),
  contact_id            UUID NOT NULL,
  owner_id              UUID,
  campaign_id           UUID,
  label                 TEXT,
  channel               message_channel NOT NULL,
  sequence_step         SMALLINT NOT NULL DEFAULT 1,
  variant               message_variant DEFAULT 'a',
  subject               TEXT,
  body                  TEXT NOT NULL,
  status                message_review_status DEFAULT 'draft',
  tone                  message_tone,
  language              language_enum DEFAULT 'en',
  generation_cost_usd   NUMERIC(10,4),
  approved_at           TIMESTAMPTZ,
  sent_at               TIMESTAMPTZ,
  batch_id              UUID,
  review_notes          TEXT,
  created_at            TIMESTAMPTZ DEFAULT now(),
  updated_at            TIMESTAMPTZ DEFAULT now(),
  airtable_record_id    TEXT,
  PRIMARY KEY (tenant_id, id),
  FOREIGN KEY (tenant_id, contact_id) REFERENCES contacts(tenant_id, id),
  FOREIGN KEY (tenant_id, owner_id) REFERENCES owners(tenant_id, id),
  FOREIGN KEY (tenant_id, campaign_id) REFERENCES campaigns(tenant_id, id),
  FOREIGN KEY (tenant_id, batch_id) REFERENCES batches(tenant_id, id)
);
CREATE INDEX idx_messages_contact ON messages(tenant_id, contact_id);
CREATE INDEX idx_messages_tenant_status ON messages(tenant_id, status);
CREATE INDEX idx_messages_tenant_owner ON messages(tenant_id, owner_id, status);
CREATE UNIQUE INDEX idx_messages_airtable ON messages(tenant_id, airtable_record_id)
  WHERE airtable_record_id IS NOT NULL;

-- ── ACTIVITIES ───────────────────────────────────────────────
CREATE TABLE activities (
  id                    UUID NOT NULL DEFAULT gen_random_uuid(),
  tenant_id             UUID NOT NULL REFERENCES tenants(id),
  contact_id            UUID,
  owner_id              UUID,
  activity_name         TEXT NOT NULL,
  source                activity_source,
  occurred_at           TIMESTAMPTZ NOT NULL DEFAULT now(),
  activity_type         activity_type_enum,
  activity_detail       TEXT,
  external_id           TEXT,
  processed             BOOLEAN DEFAULT false,
  batch_id              UUID,
  cost_usd              NUMERIC(10,4),
  created_at            TIMESTAMPTZ DEFAULT now(),
  airtable_record_id    TEXT,
  PRIMARY KEY (tenant_id, id),
  FOREIGN KEY (tenant_id, contact_id) REFERENCES contacts(tenant_id, id),
  FOREIGN KEY (tenant_id, owner_id) REFERENCES owners(tenant_id, id),
  FOREIGN KEY (tenant_id, batch_id) REFERENCES batches(tenant_id, id)
);
CREATE INDEX idx_activities_tenant ON activities(tenant_id);
CREATE INDEX idx_activities_contact ON activities(tenant_id, contact_id);
CREATE UNIQUE INDEX idx_activities_dedup ON activities(tenant_id, contact_id, source, occurred_at);
CREATE UNIQUE INDEX idx_activities_airtable ON activities(tenant_id, airtable_record_id)
  WHERE airtable_record_id IS NOT NULL;

-- ── CRM EVENTS ───────────────────────────────────────────────
CREATE TABLE crm_events (
  id                    UUID NOT NULL DEFAULT gen_random_uuid(),
  tenant_id             UUID NOT NULL REFERENCES tenants(id),
  event_name            TEXT NOT NULL,
  event_type            crm_event_type,
  event_date            TIMESTAMPTZ,
  company_id            UUID,
  summary               TEXT,
  event_outcome         crm_event_outcome,
  next_steps            TEXT,
  created_by            UUID,
  created_at            TIMESTAMPTZ DEFAULT now(),
  updated_at            TIMESTAMPTZ DEFAULT now(),
  airtable_record_id    TEXT,
  PRIMARY KEY (tenant_id, id),
  FOREIGN KEY (tenant_id, company_id) REFERENCES companies(tenant_id, id),
  FOREIGN KEY (tenant_id, created_by) REFERENCES owners(tenant_id, id)
);
CREATE INDEX idx_crm_events_tenant ON crm_events(tenant_id);
CREATE INDEX idx_crm_events_company ON crm_events(tenant_id, company_id);
CREATE UNIQUE INDEX idx_crm_events_airtable ON crm_events(tenant_id, airtable_record_id)
  WHERE airtable_record_id IS NOT NULL;

CREATE TABLE crm_event_participants (
  tenant_id     UUID NOT NULL REFERENCES tenants(id),
  crm_event_id  UUID NOT NULL,
  contact_id    UUID NOT NULL,
  PRIMARY KEY (tenant_id, crm_event_id, contact_id),
  FOREIGN KEY (tenant_id, crm_event_id) REFERENCES crm_events(tenant_id, id) ON DELETE CASCADE,
  FOREIGN KEY (tenant_id, contact_id) REFERENCES contacts(tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX idx_crm_event_participants_contact ON crm_event_participants(tenant_id, contact_id);

-- ── TASKS ────────────────────────────────────────────────────
CREATE TABLE tasks (
  id                    UUID NOT NULL DEFAULT gen_random_uuid(),
  tenant_id             UUID NOT NULL REFERENCES tenants(id),
  task_name             TEXT NOT NULL,
  task_detail           TEXT,
  owner_id              UUID,
  scheduled_at          DATE,
  completed_at          DATE,
  completion_detail     TEXT,
  calendar_id           TEXT,
  created_at            TIMESTAMPTZ DEFAULT now(),
  updated_at            TIMESTAMPTZ DEFAULT now(),
  airtable_record_id    TEXT,
  PRIMARY KEY (tenant_id, id),
  FOREIGN KEY (tenant_id, owner_id) REFERENCES owners(tenant_id, id)
);
CREATE INDEX idx_tasks_tenant ON tasks(tenant_id);
CREATE INDEX idx_tasks_open ON tasks(tenant_id, owner_id, scheduled_at) WHERE completed_at IS NULL;
CREATE UNIQUE INDEX idx_tasks_airtable ON tasks(tenant_id, airtable_record_id)
  WHERE airtable_record_id IS NOT NULL;

CREATE TABLE task_contacts (
  tenant_id   UUID NOT NULL REFERENCES tenants(id),
  task_id     UUID NOT NULL,
  contact_id  UUID NOT NULL,
  PRIMARY KEY (tenant_id, task_id, contact_id),
  FOREIGN KEY (tenant_id, task_id) REFERENCES tasks(tenant_id, id) ON DELETE CASCADE,
  FOREIGN KEY (tenant_id, contact_id) REFERENCES contacts(tenant_id, id) ON DELETE CASCADE
);

CREATE TABLE task_activities (
  tenant_id   UUID NOT NULL REFERENCES tenants(id),
  task_id     UUID NOT NULL,
  activity_id UUID NOT NULL,
  PRIMARY KEY (tenant_id, task_id, activity_id),
  FOREIGN KEY (tenant_id, task_id) REFERENCES tasks(tenant_id, id) ON DELETE CASCADE,
  FOREIGN KEY (tenant_id, activity_id) REFERENCES activities(tenant_id, id) ON DELETE CASCADE
);

-- ── RESEARCH ASSETS (polymorphic) ────────────────────────────
-- entity_type + entity_id as the plan has them; the generated company_id / contact_id columns
-- let the database check the polymorphic link with ordinary composite foreign keys.
CREATE TABLE research_assets (
  id                    UUID NOT NULL DEFAULT gen_random_uuid(),
  tenant_id             UUID NOT NULL REFERENCES tenants(id),
  entity_type           TEXT NOT NULL CHECK (entity_type IN ('company', 'contact')),
  entity_id             UUID NOT NULL,
  name                  TEXT NOT NULL,
  tool_name             TEXT,
  tool_config           TEXT,
  cost_usd              NUMERIC(10,4),
  research_data         TEXT,
  confidence_score      SMALLINT,
  quality_score         SMALLINT,
  created_at            TIMESTAMPTZ DEFAULT now(),
  airtable_record_id    TEXT,
  company_id            UUID GENERATED ALWAYS AS
                          (CASE WHEN entity_type = 'company' THEN entity_id END) STORED,
  contact_id            UUID GENERATED ALWAYS AS
                          (CASE WHEN entity_type = 'contact' THEN entity_id END) STORED,
  PRIMARY KEY (tenant_id, id),
  FOREIGN KEY (tenant_id, company_id) REFERENCES companies(tenant_id, id) ON DELETE CASCADE,
  FOREIGN KEY (tenant_id, contact_id) REFERENCES contacts(tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX idx_research_assets_entity ON research_assets(tenant_id, entity_type, entity_id);
CREATE INDEX idx_research_assets_tenant ON research_assets(tenant_id);
CREATE UNIQUE INDEX idx_research_assets_airtable ON research_assets(tenant_id, airtable_record_id)
  WHERE airtable_record_id IS NOT NULL;

-- ── PIPELINE RUNS ────────────────────────────────────────────
CREATE TABLE pipeline_runs (
  id                    UUID NOT NULL DEFAULT gen_random_uuid(),
  tenant_id             UUID NOT NULL REFERENCES tenants(id),
  execution_id          TEXT,
  batch_id              UUID,
  owner_id              UUID,
  total_companies       INTEGER DEFAULT 0,
  total_contacts        INTEGER DEFAULT 0,
  l1_total              INTEGER DEFAULT 0,
  l1_done               INTEGER DEFAULT 0,
  l2_total              INTEGER DEFAULT 0,
  l2_done               INTEGER DEFAULT 0,
  person_total          INTEGER DEFAULT 0,
  person_done           INTEGER DEFAULT 0,
  cost_usd              NUMERIC(10,4) DEFAULT 0,
  status                TEXT DEFAULT 'running' CHECK (status IN ('running', 'completed', 'failed')),
  config                JSONB DEFAULT '{}',
  started_at            TIMESTAMPTZ DEFAULT now(),
  completed_at          TIMESTAMPTZ,
  updated_at            TIMESTAMPTZ DEFAULT now(),
  PRIMARY KEY (tenant_id, id),
  FOREIGN KEY (tenant_id, batch_id) REFERENCES batches(tenant_id, id),
  FOREIGN KEY (tenant_id, owner_id) REFERENCES owners(tenant_id, id)
);
CREATE INDEX idx_pipeline_runs_tenant ON pipeline_runs(tenant_id);
CREATE INDEX idx_pipeline_runs_tenant_started ON pipeline_runs(tenant_id, started_at DESC);

-- ── AUDIT LOG ────────────────────────────────────────────────
-- tenant_id is NOT NULL here (the plan allowed NULL): every change belongs to one tenant.
CREATE TABLE audit_log (
  id          UUID NOT NULL DEFAULT gen_random_uuid(),
  tenant_id   UUID NOT NULL REFERENCES tenants(id),
  table_name  TEXT NOT NULL,
  entity_id   UUID NOT NULL,
  field_name  TEXT,
  old_value   TEXT,
  new_value   TEXT,
  event       TEXT NOT NULL,
  changed_by  TEXT,
  changed_at  TIMESTAMPTZ DEFAULT now(),
  airtable_record_id TEXT,
  PRIMARY KEY (tenant_id, id)
);
CREATE INDEX idx_audit_log_entity ON audit_log(tenant_id, table_name, entity_id);
CREATE INDEX idx_audit_log_tenant_time ON audit_log(tenant_id, changed_at DESC);
CREATE UNIQUE INDEX idx_audit_log_airtable ON audit_log(tenant_id, airtable_record_id)
  WHERE airtable_record_id IS NOT NULL;

-- ── updated_at TRIGGERS (the plan's list) ────────────────────
CREATE OR REPLACE FUNCTION update_updated_at()
RETURNS TRIGGER AS $$
BEGIN
  NEW.updated_at = now();
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;

DO $$
DECLARE tbl TEXT;
BEGIN
  FOR tbl IN SELECT unnest(ARRAY[
    'tenants','owners','companies','company_enrichment_l2',
    'contacts','contact_enrichment','campaigns','messages',
    'crm_events','tasks','pipeline_runs'
  ]) LOOP
    EXECUTE format(
      'CREATE TRIGGER trg_%s_updated_at BEFORE UPDATE ON %I
       FOR EACH ROW EXECUTE FUNCTION update_updated_at()', tbl, tbl);
  END LOOP;
END;$$;
