-- Enrichment_L2_-_Company: read a company with its L2 research, write the research and tags.

-- name: get_company_for_l2^
-- step: Enrichment_L2_-_Company › Get company
-- The company with what L2 already holds (the 1:1 enrichment row and the tag rows by category).
-- $1 tenant_id uuid <- $json.tenant_id
-- $2 company_id uuid <- $json.company_id
-- returns: zero or one row {company_id, airtable_record_id, name, domain, status, tier, industry, summary, l2 (object or null), tags ({category: [values]})}
SELECT co.id AS company_id, co.airtable_record_id, co.name, co.domain, co.status::text AS status,
       co.tier::text AS tier, co.industry::text AS industry, co.summary,
       (SELECT to_jsonb(l2) - 'tenant_id' - 'company_id'
          FROM company_enrichment_l2 l2
         WHERE l2.tenant_id = co.tenant_id AND l2.company_id = co.id) AS l2,
       COALESCE((SELECT jsonb_object_agg(g.category, g.vals)
                   FROM (SELECT t.category::text AS category,
                                jsonb_agg(t.value ORDER BY t.value) AS vals
                           FROM company_tags t
                          WHERE t.tenant_id = co.tenant_id AND t.company_id = co.id
                          GROUP BY t.category) g), '{}'::jsonb) AS tags
FROM companies co
WHERE co.tenant_id = $1::uuid AND co.id = $2::uuid;

-- name: save_l2_enrichment^
-- step: Enrichment_L2_-_Company › Save L2 enrichment
-- Upserts the 1:1 company_enrichment_l2 row from one JSON object whose keys are its column
-- names (company_intel, recent_news, … quick_wins); unknown keys are ignored, a missing or null
-- key keeps the stored text, and the cost is added. One parameter instead of 23 keeps the node
-- readable and immune to n8n's comma splitting.
-- $1 tenant_id uuid <- $json.tenant_id
-- $2 company_id uuid <- $json.company_id
-- $3 l2 jsonb <- JSON.stringify($json.l2 ?? {})
-- $4 cost_usd numeric <- $json.cost_usd ?? 0
-- returns: one row {company_id, enriched_at, enrichment_cost_usd}
INSERT INTO company_enrichment_l2 AS l2 (
  tenant_id, company_id, company_intel, recent_news, ai_opportunities, pain_hypothesis,
  relevant_case_study, digital_initiatives, leadership_changes, hiring_signals, key_products,
  customer_segments, competitors, tech_stack, funding_history, eu_grants, leadership_team,
  ai_hiring, tech_partnerships, certifications, quick_wins, industry_pain_points,
  cross_functional_pain, adoption_barriers, competitor_ai_moves, enriched_at, enrichment_cost_usd)
SELECT $1::uuid, $2::uuid, r.company_intel, r.recent_news, r.ai_opportunities, r.pain_hypothesis,
  r.relevant_case_study, r.digital_initiatives, r.leadership_changes, r.hiring_signals,
  r.key_products, r.customer_segments, r.competitors, r.tech_stack, r.funding_history,
  r.eu_grants, r.leadership_team, r.ai_hiring, r.tech_partnerships, r.certifications,
  r.quick_wins, r.industry_pain_points, r.cross_functional_pain, r.adoption_barriers,
  r.competitor_ai_moves, now(), COALESCE($4::numeric, 0)
FROM jsonb_populate_record(NULL::company_enrichment_l2, $3::jsonb) AS r
ON CONFLICT (tenant_id, company_id) DO UPDATE SET
  company_intel = COALESCE(EXCLUDED.company_intel, l2.company_intel),
  recent_news = COALESCE(EXCLUDED.recent_news, l2.recent_news),
  ai_opportunities = COALESCE(EXCLUDED.ai_opportunities, l2.ai_opportunities),
  pain_hypothesis = COALESCE(EXCLUDED.pain_hypothesis, l2.pain_hypothesis),
  relevant_case_study = COALESCE(EXCLUDED.relevant_case_study, l2.relevant_case_study),
  digital_initiatives = COALESCE(EXCLUDED.digital_initiatives, l2.digital_initiatives),
  leadership_changes = COALESCE(EXCLUDED.leadership_changes, l2.leadership_changes),
  hiring_signals = COALESCE(EXCLUDED.hiring_signals, l2.hiring_signals),
  key_products = COALESCE(EXCLUDED.key_products, l2.key_products),
  customer_segments = COALESCE(EXCLUDED.customer_segments, l2.customer_segments),
  competitors = COALESCE(EXCLUDED.competitors, l2.competitors),
  tech_stack = COALESCE(EXCLUDED.tech_stack, l2.tech_stack),
  funding_history = COALESCE(EXCLUDED.funding_history, l2.funding_history),
  eu_grants = COALESCE(EXCLUDED.eu_grants, l2.eu_grants),
  leadership_team = COALESCE(EXCLUDED.leadership_team, l2.leadership_team),
  ai_hiring = COALESCE(EXCLUDED.ai_hiring, l2.ai_hiring),
  tech_partnerships = COALESCE(EXCLUDED.tech_partnerships, l2.tech_partnerships),
  certifications = COALESCE(EXCLUDED.certifications, l2.certifications),
  quick_wins = COALESCE(EXCLUDED.quick_wins, l2.quick_wins),
  industry_pain_points = COALESCE(EXCLUDED.industry_pain_points, l2.industry_pain_points),
  cross_functional_pain = COALESCE(EXCLUDED.cross_functional_pain, l2.cross_functional_pain),
  adoption_barriers = COALESCE(EXCLUDED.adoption_barriers, l2.adoption_barriers),
  competitor_ai_moves = COALESCE(EXCLUDED.competitor_ai_moves, l2.competitor_ai_moves),
  enriched_at = EXCLUDED.enriched_at,
  enrichment_cost_usd = COALESCE(l2.enrichment_cost_usd, 0) + EXCLUDED.enrichment_cost_usd
RETURNING company_id, enriched_at, enrichment_cost_usd;

-- name: replace_company_tags^
-- step: Enrichment_L2_-_Company › Save tags
-- Sets the tag rows of the categories named in the object ({"pain_area": ["ops", …], …};
-- categories are tag_category labels) to exactly the listed values: others of those categories
-- are deleted, new ones added; categories not named are left alone. One statement, so a
-- concurrent reader sees the old or the new set, never a mix.
-- $1 tenant_id uuid <- $json.tenant_id
-- $2 company_id uuid <- $json.company_id
-- $3 tags jsonb <- JSON.stringify($json.tags ?? {})
-- returns: one row {company_id, added, removed}
WITH wanted AS (
  SELECT DISTINCT k.category::tag_category AS category, v.value
  FROM jsonb_each($3::jsonb) AS k(category, vals)
  CROSS JOIN LATERAL jsonb_array_elements_text(k.vals) AS v(value)
), named AS (
  SELECT k.category::tag_category AS category FROM jsonb_object_keys($3::jsonb) AS k(category)
), removed AS (
  DELETE FROM company_tags t
  WHERE t.tenant_id = $1::uuid AND t.company_id = $2::uuid
    AND t.category IN (SELECT category FROM named)
    AND NOT EXISTS (SELECT 1 FROM wanted w WHERE w.category = t.category AND w.value = t.value)
  RETURNING 1
), added AS (
  INSERT INTO company_tags (tenant_id, company_id, category, value)
  SELECT $1::uuid, $2::uuid, w.category, w.value FROM wanted w
  ON CONFLICT (tenant_id, company_id, category, value) DO NOTHING
  RETURNING 1
)
SELECT $2::uuid AS company_id, (SELECT count(*) FROM added)::int AS added,
       (SELECT count(*) FROM removed)::int AS removed;
