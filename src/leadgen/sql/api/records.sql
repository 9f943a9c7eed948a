-- Read APIs over the tenant's records (owners, campaigns, companies, contacts, audit).
-- Lists are keyset-paginated on (name, id); text comparisons are leakproof under RLS.

-- name: list_owners
SELECT id, name, email, is_active FROM owners WHERE tenant_id = :tenant_id ORDER BY name, id;

-- name: list_campaigns
SELECT id, name, owner_id, batch_id, channel::text AS channel, is_active
  FROM campaigns WHERE tenant_id = :tenant_id ORDER BY name, id;

-- name: list_companies
SELECT id, name, domain, status::text AS status, tier::text AS tier, batch_id, owner_id,
       hq_country, industry::text AS industry, enrichment_cost_usd::float8 AS enrichment_cost_usd
  FROM companies
 WHERE tenant_id = :tenant_id
   AND (name, id) > (:after_name, :after_id)
   AND (:q::text IS NULL OR name ILIKE :q OR domain ILIKE :q)
   AND (:status::company_status IS NULL OR status = :status::company_status)
   AND (:tier::company_tier IS NULL OR tier = :tier::company_tier)
   AND (:batch_id::uuid IS NULL OR batch_id = :batch_id)
 ORDER BY name, id LIMIT :fetch;

-- name: company_detail$
SELECT row_to_json(x)::text FROM (
  SELECT co.id, co.name, co.domain, co.status, co.tier, co.batch_id, co.owner_id,
         co.hq_country, co.industry, co.enrichment_cost_usd::float8 AS enrichment_cost_usd,
         co.summary, co.hq_city, co.geo_region, co.company_size,
         co.triage_score::float8 AS triage_score, co.pre_score::float8 AS pre_score, co.notes,
         co.created_at, co.updated_at,
         (SELECT to_jsonb(l2) - 'tenant_id' - 'company_id'
            FROM company_enrichment_l2 l2
           WHERE l2.tenant_id = co.tenant_id AND l2.company_id = co.id) AS enrichment_l2,
         coalesce((SELECT json_agg(json_build_object('category', t.category, 'value', t.value)
                                   ORDER BY t.category, t.value)
                     FROM company_tags t
                    WHERE t.tenant_id = co.tenant_id AND t.company_id = co.id), '[]') AS tags
    FROM companies co WHERE co.tenant_id = :tenant_id AND co.id = :company_id) x;

-- name: list_contacts
SELECT c.id, c.full_name, c.job_title, c.company_id, co.name AS company_name, c.owner_id,
       c.batch_id, c.contact_score::int AS contact_score, c.email_address, c.linkedin_url,
       c.message_status::text AS message_status
  FROM contacts c
  LEFT JOIN companies co ON co.tenant_id = c.tenant_id AND co.id = c.company_id
 WHERE c.tenant_id = :tenant_id
   AND (c.full_name, c.id) > (:after_name, :after_id)
   AND (:q::text IS NULL OR c.full_name ILIKE :q OR c.email_address ILIKE :q
        OR c.job_title ILIKE :q)
   AND (:company_id::uuid IS NULL OR c.company_id = :company_id)
   AND (:batch_id::uuid IS NULL OR c.batch_id = :batch_id)
   AND (:owner_id::uuid IS NULL OR c.owner_id = :owner_id)
 ORDER BY c.full_name, c.id LIMIT :fetch;

-- name: contact_detail$
-- The company's name by a scalar subquery, not a LEFT JOIN: under RLS on Citus the join's
-- tenant filters meet the policy's as a constant qual, which Citus does not plan with an
-- outer join on PostgreSQL 15.
SELECT row_to_json(x)::text FROM (
  SELECT c.id, c.full_name, c.job_title, c.company_id,
         (SELECT co.name FROM companies co
           WHERE co.tenant_id = c.tenant_id AND co.id = c.company_id) AS company_name,
         c.owner_id,
         c.batch_id, c.contact_score::int AS contact_score, c.email_address, c.linkedin_url,
         c.message_status, c.seniority_level, c.department, c.location_city,
         c.location_country, c.language, c.processed_enrich, c.notes, c.created_at,
         c.updated_at,
         (SELECT json_build_object('person_summary', e.person_summary,
                   'linkedin_profile_summary', e.linkedin_profile_summary,
                   'relationship_synthesis', e.relationship_synthesis,
                   'enriched_at', e.enriched_at)
            FROM contact_enrichment e
           WHERE e.tenant_id = c.tenant_id AND e.contact_id = c.id) AS enrichment
    FROM contacts c
   WHERE c.tenant_id = :tenant_id AND c.id = :contact_id) x;

-- name: audit_trail
SELECT id, field_name, old_value, new_value, event, changed_by, changed_at
  FROM audit_log
 WHERE tenant_id = :tenant_id AND table_name = :table_name AND entity_id = :entity_id
 ORDER BY changed_at DESC, id LIMIT 500;
