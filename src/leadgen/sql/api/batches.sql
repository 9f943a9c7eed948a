-- Batches: the list with sizes, and one batch's statistics (the plan's "Batch Stats").

-- name: list_batches
SELECT b.id, b.name,
       (SELECT count(*) FROM companies co
         WHERE co.tenant_id = b.tenant_id AND co.batch_id = b.id) AS companies,
       (SELECT count(*) FROM contacts ct
         WHERE ct.tenant_id = b.tenant_id AND ct.batch_id = b.id) AS contacts,
       (SELECT count(*) FROM messages m
         WHERE m.tenant_id = b.tenant_id AND m.batch_id = b.id) AS messages
  FROM batches b
 WHERE b.tenant_id = :tenant_id
 ORDER BY b.created_at DESC, b.name;

-- name: batch_stats$
-- Everything the batch page shows, as one JSON document (NULL when the batch is not ours).
-- Each table is read once, by a covering index (migration 0021). The funnel counts contacts
-- by their messages in this batch: with any message, with one approved or further, sent.
-- Every select may be NULL (an empty Airtable cell): companies' status and tier come as null,
-- messages without a status count under "none".
WITH b AS (
  SELECT id, name, description, owner_id, created_at FROM batches
   WHERE tenant_id = :tenant_id AND id = :batch_id
), co AS (
  SELECT status, tier, count(*) AS n, sum(enrichment_cost_usd) AS cost
    FROM companies WHERE tenant_id = :tenant_id AND batch_id = :batch_id
   GROUP BY status, tier
), ct AS (
  SELECT count(*) AS total, count(*) FILTER (WHERE processed_enrich) AS processed,
         coalesce(sum(enrichment_cost_usd), 0) AS cost
    FROM contacts WHERE tenant_id = :tenant_id AND batch_id = :batch_id
), per_contact AS (
  -- a streaming pass over idx_messages_batch_funnel (ordered by contact): the funnel
  SELECT max(status_code) AS furthest, bool_or(status_code <> 3 AND status_code > 1) AS ok
    FROM messages WHERE tenant_id = :tenant_id AND batch_id = :batch_id
   GROUP BY contact_id
), funnel AS (
  SELECT count(*) AS with_messages, count(*) FILTER (WHERE ok) AS approved,
         count(*) FILTER (WHERE furthest >= 4) AS sent
    FROM per_contact
), ms AS (
  -- a message migrated from an empty Airtable Status has a NULL status: its key is "none"
  -- (json_object_agg refuses a NULL key: https://www.postgresql.org/docs/15/functions-aggregate.html)
  SELECT coalesce((ARRAY['draft', 'approved', 'rejected', 'sent', 'delivered',
                         'replied'])[status_code], 'none') AS status,
         count(*) AS n, sum(generation_cost_usd) AS cost
    FROM messages WHERE tenant_id = :tenant_id AND batch_id = :batch_id
   GROUP BY status_code
)
SELECT json_build_object(
  'batch', (SELECT row_to_json(b) FROM b),
  'companies_by_status_tier', coalesce((SELECT json_agg(json_build_object(
      'status', status, 'tier', tier, 'count', n) ORDER BY status, tier) FROM co), '[]'),
  'contacts', (SELECT json_build_object('total', total, 'processed', processed) FROM ct),
  'messages_by_status', coalesce((SELECT json_object_agg(status, n) FROM ms), '{}'),
  'funnel', (SELECT json_build_object('contacts', (SELECT total FROM ct),
      'with_messages', with_messages, 'approved', approved, 'sent', sent) FROM funnel),
  'cost', json_build_object(
      'enrichment_usd', coalesce((SELECT sum(cost) FROM co), 0)::float8
                      + (SELECT cost FROM ct)::float8,
      'generation_usd', coalesce((SELECT sum(cost) FROM ms), 0)::float8)
)::text
 WHERE EXISTS (SELECT 1 FROM b);
