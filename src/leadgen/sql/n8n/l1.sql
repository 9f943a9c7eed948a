-- Enrich_company_L1: read one company, write its L1 (triage) results and status.

-- name: get_company_for_l1^
-- step: Enrich_company_L1 › Get company
-- The company as L1 needs it (replaces the Airtable "get" of the company record).
-- $1 tenant_id uuid <- $json.tenant_id
-- $2 company_id uuid <- $json.company_id
-- returns: zero or one row {company_id, airtable_record_id, name, domain, status, tier, hq_country, industry, summary, owner_name, batch_name}
SELECT co.id AS company_id, co.airtable_record_id, co.name, co.domain, co.status::text AS status,
       co.tier::text AS tier, co.hq_country, co.industry::text AS industry, co.summary,
       o.name AS owner_name, b.name AS batch_name
FROM companies co
LEFT JOIN owners o ON o.tenant_id = co.tenant_id AND o.id = co.owner_id
LEFT JOIN batches b ON b.tenant_id = co.tenant_id AND b.id = co.batch_id
WHERE co.tenant_id = $1::uuid AND co.id = $2::uuid;

-- name: save_l1_result^
-- step: Enrich_company_L1 › Save L1 result
-- Writes what L1 found; a null leaves the stored value alone (a partial answer never erases),
-- and the cost is added, not replaced, so retries account for every call.
-- $1 tenant_id uuid <- $json.tenant_id
-- $2 company_id uuid <- $json.company_id
-- $3 status company_status <- $json.status
-- $4 tier company_tier <- $json.tier ?? null
-- $5 summary text <- $json.summary ?? null
-- $6 hq_city text <- $json.hq_city ?? null
-- $7 hq_country text <- $json.hq_country ?? null
-- $8 industry industry_enum <- $json.industry ?? null
-- $9 business_model business_model <- $json.business_model ?? null
-- $10 company_size company_size <- $json.company_size ?? null
-- $11 revenue_range revenue_range <- $json.revenue_range ?? null
-- $12 verified_revenue_eur_m numeric <- $json.verified_revenue_eur_m ?? null
-- $13 verified_employees numeric <- $json.verified_employees ?? null
-- $14 triage_score numeric <- $json.triage_score ?? null
-- $15 triage_notes text <- $json.triage_notes ?? null
-- $16 cost_usd numeric <- $json.cost_usd ?? 0
-- returns: zero or one row {company_id, status, tier, triage_score, enrichment_cost_usd, updated_at}
UPDATE companies SET
  status = $3::company_status,
  tier = COALESCE($4::company_tier, tier),
  summary = COALESCE($5::text, summary),
  hq_city = COALESCE($6::text, hq_city),
  hq_country = COALESCE($7::text, hq_country),
  industry = COALESCE($8::industry_enum, industry),
  business_model = COALESCE($9::business_model, business_model),
  company_size = COALESCE($10::company_size, company_size),
  revenue_range = COALESCE($11::revenue_range, revenue_range),
  verified_revenue_eur_m = COALESCE($12::numeric, verified_revenue_eur_m),
  verified_employees = COALESCE($13::numeric, verified_employees),
  triage_score = COALESCE($14::numeric, triage_score),
  triage_notes = COALESCE($15::text, triage_notes),
  enrichment_cost_usd = COALESCE(enrichment_cost_usd, 0) + COALESCE($16::numeric, 0),
  error_message = NULL
WHERE tenant_id = $1::uuid AND id = $2::uuid
RETURNING id AS company_id, status::text AS status, tier::text AS tier, triage_score,
          enrichment_cost_usd, updated_at;

-- name: set_company_status^
-- step: Enrich_company_L1 › Set status (also L2 and error branches)
-- Moves a company to a status, recording (or clearing) the error that put it there.
-- $1 tenant_id uuid <- $json.tenant_id
-- $2 company_id uuid <- $json.company_id
-- $3 status company_status <- $json.status
-- $4 error_message text <- $json.error_message ?? null
-- returns: zero or one row {company_id, status, error_message, updated_at}
UPDATE companies SET status = $3::company_status, error_message = $4::text
WHERE tenant_id = $1::uuid AND id = $2::uuid
RETURNING id AS company_id, status::text AS status, error_message, updated_at;
