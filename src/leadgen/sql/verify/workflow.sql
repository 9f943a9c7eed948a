-- The plan's workflow queries ("Workflow Query Conversion Examples"), as `leadgen verify` runs
-- them to compare their record sets with the same filters evaluated over the snapshot by the
-- Airtable formula engine. The WHERE clauses are the plan's; the select lists name the
-- Airtable record ids so differences can be named record by record. Tenant-composite joins,
-- as everywhere in this schema.

-- name: batches_containing
-- Params: tenant_id, needle. Batches whose name contains `needle` (what FIND() on
-- ARRAYJOIN({batch_name}) matches), for running the batch_id-equality SQL like for like.
SELECT id, name
FROM batches
WHERE tenant_id = :tenant_id AND strpos(name, :needle) > 0
ORDER BY name;

-- name: owners_named
-- Params: tenant_id, owner_name. The owners a dashboard filter by name means.
SELECT id
FROM owners
WHERE tenant_id = :tenant_id AND name = :owner_name
ORDER BY id;

-- name: plan_unprocessed_contacts
-- Params: tenant_id, batch_id, owner_name. Orchestrator: Load unprocessed contacts.
SELECT c.airtable_record_id
FROM contacts c
JOIN owners o ON o.tenant_id = c.tenant_id AND c.owner_id = o.id
WHERE c.tenant_id = :tenant_id
  AND c.batch_id = :batch_id
  AND c.processed_enrich = false
  AND o.name = :owner_name;

-- name: plan_batch_stats
-- Params: tenant_id, batch_id. Batch Stats: status counts (the plan's GROUP BY, verbatim).
SELECT co.status::text AS status, co.tier::text AS tier, COUNT(*)::int AS count
FROM companies co
JOIN contacts ct ON ct.tenant_id = co.tenant_id AND ct.company_id = co.id
WHERE ct.tenant_id = :tenant_id AND ct.batch_id = :batch_id
GROUP BY co.status, co.tier;

-- name: plan_batch_stats_records
-- Params: tenant_id, batch_id. The rows the batch-stats GROUP BY counts, one per contact.
SELECT ct.airtable_record_id, co.status::text AS status, co.tier::text AS tier
FROM companies co
JOIN contacts ct ON ct.tenant_id = co.tenant_id AND ct.company_id = co.id
WHERE ct.tenant_id = :tenant_id AND ct.batch_id = :batch_id;

-- name: plan_owner_drafts
-- Params: tenant_id, owner_id. Messages dashboard: filter by owner + status.
SELECT m.airtable_record_id, c.full_name, c.job_title, co.name AS company_name,
       co.tier::text AS tier
FROM messages m
JOIN contacts c ON c.tenant_id = m.tenant_id AND m.contact_id = c.id
LEFT JOIN companies co ON co.tenant_id = c.tenant_id AND c.company_id = co.id
WHERE m.tenant_id = :tenant_id
  AND m.owner_id = :owner_id
  AND m.status = 'draft'
ORDER BY c.contact_score DESC;
