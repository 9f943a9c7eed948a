-- The Orchestrator ("Enrich_all_company_data"): what to enrich in a batch, and how it stands.
--
-- Comment grammar (read by `leadgen n8n queries`, which writes docs/n8n.md from these files),
-- one line each after the aiosql name line (suffix ^ one row):
--   step    <Workflow> › <node>
--   text    what it does and why
--   $<n>    <name> <type> <- <n8n expression that supplies it>
--   returns <shape of the result>
-- $1 is always the tenant: the query names its tenant (WHERE tenant_id = $1) and the n8n
-- preamble sets app.tenant_id from the same $1 so that row level security sees it too.

-- name: load_unprocessed_contacts
-- step: Enrich_all_company_data › Load unprocessed contacts
-- The plan's orchestrator query: contacts of one batch (by name) not yet through person
-- enrichment, optionally only one owner's. Replaces the Airtable search
-- AND(FIND('batch-2', ARRAYJOIN({batch_name})), NOT({processed_enrich}), {Owner}='Michal').
-- $1 tenant_id uuid <- $json.tenant_id
-- $2 batch_name text <- $json.batch_name
-- $3 owner_name text <- $json.owner_name ?? null
-- returns: one row per contact {contact_id, airtable_record_id, full_name, job_title, email_address, linkedin_url, company_id, company_name, company_domain, company_status, owner_name, batch_name}
SELECT c.id AS contact_id, c.airtable_record_id, c.full_name, c.job_title, c.email_address,
       c.linkedin_url, c.company_id, co.name AS company_name, co.domain AS company_domain,
       co.status::text AS company_status, o.name AS owner_name, b.name AS batch_name
FROM contacts c
JOIN batches b ON b.tenant_id = c.tenant_id AND b.id = c.batch_id
LEFT JOIN owners o ON o.tenant_id = c.tenant_id AND o.id = c.owner_id
LEFT JOIN companies co ON co.tenant_id = c.tenant_id AND co.id = c.company_id
WHERE c.tenant_id = $1::uuid
  AND b.name = $2::text
  AND NOT c.processed_enrich
  AND ($3::text IS NULL OR o.name = $3::text)
ORDER BY c.created_at, c.id;

-- name: load_batch_companies
-- step: Enrich_all_company_data › Load companies to enrich
-- The distinct companies of a batch's unprocessed contacts with the stage each still needs:
-- the orchestrator fans out to L1 for status 'new', to L2 for 'triage_passed'. A company
-- migrated with no status (an empty Airtable select) needs neither: false, not NULL.
-- $1 tenant_id uuid <- $json.tenant_id
-- $2 batch_name text <- $json.batch_name
-- $3 owner_name text <- $json.owner_name ?? null
-- returns: one row per company {company_id, airtable_record_id, name, domain, status, tier, needs_l1, needs_l2}
SELECT co.id AS company_id, co.airtable_record_id, co.name, co.domain, co.status::text AS status,
       co.tier::text AS tier,
       coalesce(co.status = 'new', false) AS needs_l1,
       coalesce(co.status = 'triage_passed', false) AS needs_l2
FROM companies co
WHERE co.tenant_id = $1::uuid
  AND EXISTS (
    SELECT 1 FROM contacts c
    JOIN batches b ON b.tenant_id = c.tenant_id AND b.id = c.batch_id
    LEFT JOIN owners o ON o.tenant_id = c.tenant_id AND o.id = c.owner_id
    WHERE c.tenant_id = co.tenant_id AND c.company_id = co.id
      AND b.name = $2::text AND NOT c.processed_enrich
      AND ($3::text IS NULL OR o.name = $3::text))
ORDER BY co.name, co.id;

-- name: batch_stats
-- step: Enrich_all_company_data › Batch stats
-- The plan's batch-stats query: how the companies of a batch's contacts stand, by status and tier.
-- $1 tenant_id uuid <- $json.tenant_id
-- $2 batch_name text <- $json.batch_name
-- returns: one row per (status, tier) {status, tier, contacts}
SELECT co.status::text AS status, co.tier::text AS tier, count(*)::int AS contacts
FROM companies co
JOIN contacts ct ON ct.tenant_id = co.tenant_id AND ct.company_id = co.id
JOIN batches b ON b.tenant_id = ct.tenant_id AND b.id = ct.batch_id
WHERE ct.tenant_id = $1::uuid AND b.name = $2::text
GROUP BY co.status, co.tier
ORDER BY co.status, co.tier;
