-- Person_Enrichment_L2: read a contact, write person enrichment and messages, mark it done.

-- name: get_contact_for_enrichment^
-- step: Person_Enrichment_L2 › Get contact
-- The contact with its company and owner, and what person enrichment already holds.
-- $1 tenant_id uuid <- $json.tenant_id
-- $2 contact_id uuid <- $json.contact_id
-- returns: zero or one row {contact_id, airtable_record_id, full_name, job_title, email_address, linkedin_url, language, company_id, company_name, company_domain, company_tier, owner_name, person_summary, linkedin_profile_summary, relationship_synthesis}
SELECT c.id AS contact_id, c.airtable_record_id, c.full_name, c.job_title, c.email_address,
       c.linkedin_url, c.language::text AS language, c.company_id, co.name AS company_name,
       co.domain AS company_domain, co.tier::text AS company_tier, o.name AS owner_name,
       e.person_summary, e.linkedin_profile_summary, e.relationship_synthesis
FROM contacts c
LEFT JOIN companies co ON co.tenant_id = c.tenant_id AND co.id = c.company_id
LEFT JOIN owners o ON o.tenant_id = c.tenant_id AND o.id = c.owner_id
LEFT JOIN contact_enrichment e ON e.tenant_id = c.tenant_id AND e.contact_id = c.id
WHERE c.tenant_id = $1::uuid AND c.id = $2::uuid;

-- name: save_person_enrichment^
-- step: Person_Enrichment_L2 › Save person enrichment
-- Upserts contact_enrichment and updates the contact's scores in one statement; nulls keep
-- stored values, the cost is added to both rows.
-- $1 tenant_id uuid <- $json.tenant_id
-- $2 contact_id uuid <- $json.contact_id
-- $3 person_summary text <- $json.person_summary ?? null
-- $4 linkedin_profile_summary text <- $json.linkedin_profile_summary ?? null
-- $5 relationship_synthesis text <- $json.relationship_synthesis ?? null
-- $6 cost_usd numeric <- $json.cost_usd ?? 0
-- $7 seniority_level seniority_level <- $json.seniority_level ?? null
-- $8 department department_enum <- $json.department ?? null
-- $9 icp_fit icp_fit <- $json.icp_fit ?? null
-- $10 ai_champion boolean <- $json.ai_champion ?? null
-- $11 ai_champion_score smallint <- $json.ai_champion_score ?? null
-- $12 authority_score smallint <- $json.authority_score ?? null
-- $13 contact_score smallint <- $json.contact_score ?? null
-- returns: zero or one row {contact_id, enriched_at, contact_score, icp_fit, enrichment_cost_usd}
WITH e AS (
  INSERT INTO contact_enrichment AS ce (tenant_id, contact_id, person_summary,
    linkedin_profile_summary, relationship_synthesis, enriched_at, enrichment_cost_usd)
  VALUES ($1::uuid, $2::uuid, $3::text, $4::text, $5::text, now(), COALESCE($6::numeric, 0))
  ON CONFLICT (tenant_id, contact_id) DO UPDATE SET
    person_summary = COALESCE(EXCLUDED.person_summary, ce.person_summary),
    linkedin_profile_summary = COALESCE(EXCLUDED.linkedin_profile_summary, ce.linkedin_profile_summary),
    relationship_synthesis = COALESCE(EXCLUDED.relationship_synthesis, ce.relationship_synthesis),
    enriched_at = EXCLUDED.enriched_at,
    enrichment_cost_usd = COALESCE(ce.enrichment_cost_usd, 0) + EXCLUDED.enrichment_cost_usd
  RETURNING contact_id, enriched_at
)
UPDATE contacts c SET
  seniority_level = COALESCE($7::seniority_level, c.seniority_level),
  department = COALESCE($8::department_enum, c.department),
  icp_fit = COALESCE($9::icp_fit, c.icp_fit),
  ai_champion = COALESCE($10::boolean, c.ai_champion),
  ai_champion_score = COALESCE($11::smallint, c.ai_champion_score),
  authority_score = COALESCE($12::smallint, c.authority_score),
  contact_score = COALESCE($13::smallint, c.contact_score),
  enrichment_cost_usd = COALESCE(c.enrichment_cost_usd, 0) + COALESCE($6::numeric, 0)
FROM e
WHERE c.tenant_id = $1::uuid AND c.id = e.contact_id
RETURNING c.id AS contact_id, e.enriched_at, c.contact_score, c.icp_fit::text AS icp_fit,
          c.enrichment_cost_usd;

-- name: insert_message^
-- step: Person_Enrichment_L2 › Insert message
-- Stores one generated message as a draft for review; owner and batch come from the contact,
-- the language too unless given.
-- $1 tenant_id uuid <- $json.tenant_id
-- $2 contact_id uuid <- $json.contact_id
-- $3 channel message_channel <- $json.channel
-- $4 body text <- $json.body
-- $5 subject text <- $json.subject ?? null
-- $6 sequence_step smallint <- $json.sequence_step ?? 1
-- $7 variant message_variant <- $json.variant ?? 'a'
-- $8 tone message_tone <- $json.tone ?? null
-- $9 language language_enum <- $json.language ?? null
-- $10 label text <- $json.label ?? null
-- $11 generation_cost_usd numeric <- $json.cost_usd ?? null
-- returns: zero or one row {message_id, contact_id, channel, sequence_step, variant, status, created_at}
INSERT INTO messages (tenant_id, contact_id, owner_id, batch_id, label, channel, sequence_step,
                      variant, subject, body, tone, language, generation_cost_usd)
SELECT c.tenant_id, c.id, c.owner_id, c.batch_id, $10::text, $3::message_channel,
       COALESCE($6::smallint, 1), COALESCE($7::message_variant, 'a'), $5::text, $4::text,
       $8::message_tone, COALESCE($9::language_enum, c.language, 'en'), $11::numeric
FROM contacts c
WHERE c.tenant_id = $1::uuid AND c.id = $2::uuid
RETURNING id AS message_id, contact_id, channel::text AS channel, sequence_step,
          variant::text AS variant, status::text AS status, created_at;

-- name: mark_contact_processed^
-- step: Person_Enrichment_L2 › Mark contact processed
-- Sets the processing flags the orchestrator filters on (processed_enrich, message_status)
-- and records or clears the contact's error.
-- $1 tenant_id uuid <- $json.tenant_id
-- $2 contact_id uuid <- $json.contact_id
-- $3 processed_enrich boolean <- $json.processed_enrich ?? true
-- $4 message_status contact_message_status <- $json.message_status ?? null
-- $5 error text <- $json.error ?? null
-- returns: zero or one row {contact_id, processed_enrich, message_status, error}
UPDATE contacts SET
  processed_enrich = COALESCE($3::boolean, true),
  message_status = COALESCE($4::contact_message_status, message_status),
  error = $5::text
WHERE tenant_id = $1::uuid AND id = $2::uuid
RETURNING id AS contact_id, processed_enrich, message_status::text AS message_status, error;
