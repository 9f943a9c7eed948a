-- Messages: the review queue and review actions. Every query names its tenant (RLS is the
-- second wall). MessageOut is rendered as JSON here, once, so the API passes it through.
--
-- The list is keyset-paginated on (review_rank, id) — review_rank ascending is
-- "contact_score DESC NULLS LAST" (migration 0020) — so each page is an index seek plus
-- `limit` rows at any depth. The four UNION ALL branches are the four shapes of the
-- owner/status filters; only the branch whose flags match runs (a one-time filter), and each
-- is an ordered scan of idx_messages_review_queue or idx_messages_status_rank.
--
-- The page returns plain rows (limit + 1: the extra one says whether there is more), not JSON
-- built here: json_build_object costs the server more CPU than the index scan and joins, while
-- asyncpg's binary rows turned into JSON by orjson cost the API little (docs/decisions.md).

-- name: list_messages
WITH page AS (
  (SELECT m.* FROM messages m
    WHERE :by_owner AND :by_status
      AND m.tenant_id = :tenant_id AND m.owner_id = :owner_id AND m.status_code = :status_code
      AND (m.review_rank, m.id) > (:after_rank, :after_id)
      AND (:channel::message_channel IS NULL OR m.channel = :channel::message_channel)
      AND (:batch_id::uuid IS NULL OR m.batch_id = :batch_id)
      AND (:campaign_id::uuid IS NULL OR m.campaign_id = :campaign_id)
      AND (:q::text IS NULL OR m.body ILIKE :q OR m.subject ILIKE :q OR EXISTS (
            SELECT 1 FROM contacts qc WHERE qc.tenant_id = m.tenant_id
               AND qc.id = m.contact_id AND qc.full_name ILIKE :q))
    ORDER BY m.review_rank, m.id LIMIT :fetch)
  UNION ALL
  (SELECT m.* FROM messages m
    WHERE :by_owner AND NOT :by_status
      AND m.tenant_id = :tenant_id AND m.owner_id = :owner_id
      AND (m.review_rank, m.id) > (:after_rank, :after_id)
      AND (:channel::message_channel IS NULL OR m.channel = :channel::message_channel)
      AND (:batch_id::uuid IS NULL OR m.batch_id = :batch_id)
      AND (:campaign_id::uuid IS NULL OR m.campaign_id = :campaign_id)
      AND (:q::text IS NULL OR m.body ILIKE :q OR m.subject ILIKE :q OR EXISTS (
            SELECT 1 FROM contacts qc WHERE qc.tenant_id = m.tenant_id
               AND qc.id = m.contact_id AND qc.full_name ILIKE :q))
    ORDER BY m.review_rank, m.id LIMIT :fetch)
  UNION ALL
  (SELECT m.* FROM messages m
    WHERE NOT :by_owner AND :by_status
      AND m.tenant_id = :tenant_id AND m.status_code = :status_code
      AND (m.review_rank, m.id) > (:after_rank, :after_id)
      AND (:channel::message_channel IS NULL OR m.channel = :channel::message_channel)
      AND (:batch_id::uuid IS NULL OR m.batch_id = :batch_id)
      AND (:campaign_id::uuid IS NULL OR m.campaign_id = :campaign_id)
      AND (:q::text IS NULL OR m.body ILIKE :q OR m.subject ILIKE :q OR EXISTS (
            SELECT 1 FROM contacts qc WHERE qc.tenant_id = m.tenant_id
               AND qc.id = m.contact_id AND qc.full_name ILIKE :q))
    ORDER BY m.review_rank, m.id LIMIT :fetch)
  UNION ALL
  (SELECT m.* FROM messages m
    WHERE NOT :by_owner AND NOT :by_status
      AND m.tenant_id = :tenant_id
      AND (m.review_rank, m.id) > (:after_rank, :after_id)
      AND (:channel::message_channel IS NULL OR m.channel = :channel::message_channel)
      AND (:batch_id::uuid IS NULL OR m.batch_id = :batch_id)
      AND (:campaign_id::uuid IS NULL OR m.campaign_id = :campaign_id)
      AND (:q::text IS NULL OR m.body ILIKE :q OR m.subject ILIKE :q OR EXISTS (
            SELECT 1 FROM contacts qc WHERE qc.tenant_id = m.tenant_id
               AND qc.id = m.contact_id AND qc.full_name ILIKE :q))
    ORDER BY m.review_rank, m.id LIMIT :fetch)
)
-- Columns in MessageOut's order (the handler zips them with its field names); ids as text,
-- which orjson writes without a Python call per value.
SELECT m.id::text, m.contact_id::text, c.full_name AS contact_name, c.job_title,
       c.company_id::text, co.name AS company_name, co.tier, m.contact_score,
       m.owner_id::text, o.name AS owner_name, m.campaign_id::text, m.batch_id::text,
       m.channel, m.sequence_step, m.variant, m.subject, m.body, m.status, m.tone, m.language,
       m.review_notes, m.generation_cost_usd::float8 AS generation_cost_usd, m.approved_at,
       m.version, m.created_at, m.updated_at, m.review_rank
  FROM page m
  LEFT JOIN contacts c ON c.tenant_id = :tenant_id AND c.id = m.contact_id
  LEFT JOIN companies co ON co.tenant_id = :tenant_id AND co.id = c.company_id
  LEFT JOIN owners o ON o.tenant_id = :tenant_id AND o.id = m.owner_id
 ORDER BY m.review_rank, m.id;

-- name: message_counts
-- Messages per status under the same filters as the list (minus status).
SELECT m.status::text AS status, count(*) AS n
  FROM messages m
 WHERE m.tenant_id = :tenant_id
   AND (:owner_id::uuid IS NULL OR m.owner_id = :owner_id)
   AND (:channel::message_channel IS NULL OR m.channel = :channel::message_channel)
   AND (:batch_id::uuid IS NULL OR m.batch_id = :batch_id)
   AND (:campaign_id::uuid IS NULL OR m.campaign_id = :campaign_id)
   AND (:q::text IS NULL OR m.body ILIKE :q OR m.subject ILIKE :q OR EXISTS (
         SELECT 1 FROM contacts qc WHERE qc.tenant_id = m.tenant_id
            AND qc.id = m.contact_id AND qc.full_name ILIKE :q))
 GROUP BY m.status;

-- name: message_doc^
-- One MessageOut as JSON, with the fields the handler needs to decide (version, status).
SELECT json_build_object(
         'id', m.id, 'contact_id', m.contact_id, 'contact_name', c.full_name,
         'job_title', c.job_title, 'company_id', c.company_id, 'company_name', co.name,
         'tier', co.tier, 'contact_score', m.contact_score, 'owner_id', m.owner_id,
         'owner_name', o.name, 'campaign_id', m.campaign_id, 'batch_id', m.batch_id,
         'channel', m.channel, 'sequence_step', m.sequence_step, 'variant', m.variant,
         'subject', m.subject, 'body', m.body, 'status', m.status, 'tone', m.tone,
         'language', m.language, 'review_notes', m.review_notes,
         'generation_cost_usd', m.generation_cost_usd::float8, 'approved_at', m.approved_at,
         'version', m.version, 'created_at', m.created_at, 'updated_at', m.updated_at
       )::text AS doc,
       m.version, m.status::text AS status
  FROM messages m
  LEFT JOIN contacts c ON c.tenant_id = m.tenant_id AND c.id = m.contact_id
  LEFT JOIN companies co ON co.tenant_id = m.tenant_id AND co.id = c.company_id
  LEFT JOIN owners o ON o.tenant_id = m.tenant_id AND o.id = m.owner_id
 WHERE m.tenant_id = :tenant_id AND m.id = :id;

-- name: edit_message$
-- Compare-and-swap on version: NULL when the row is missing or the version is stale.
UPDATE messages
   SET subject = CASE WHEN :set_subject THEN :subject ELSE subject END,
       body = coalesce(:body, body),
       tone = coalesce(:tone::message_tone, tone),
       review_notes = CASE WHEN :set_notes THEN :review_notes ELSE review_notes END
 WHERE tenant_id = :tenant_id AND id = :id AND version = :version
RETURNING id;

-- name: set_review_status$
-- Move a message between draft/approved/rejected; NULL when missing, stale or not allowed.
-- Written for Citus too, which refuses a non-immutable function inside CASE/COALESCE and a
-- stable one (enum-to-text) applied to a column in an UPDATE: now() stands outside the CASE
-- (a NULL interval makes it NULL) and the statuses are compared as enums.
UPDATE messages
   SET status = :to_status::message_review_status,
       approved_at = now() + CASE WHEN :to_status = 'approved' THEN interval '0' END,
       review_notes = coalesce(:notes, review_notes)
 WHERE tenant_id = :tenant_id AND id = :id
   AND status = ANY(:from_statuses::text[]::message_review_status[])
   AND (:version::int IS NULL OR version = :version)
RETURNING id;

-- name: bulk_approve
UPDATE messages SET status = 'approved', approved_at = now()
 WHERE tenant_id = :tenant_id AND id = ANY(:ids::uuid[]) AND status = 'draft'
RETURNING id;

-- name: existing_ids
SELECT id FROM messages WHERE tenant_id = :tenant_id AND id = ANY(:ids::uuid[]);

-- name: create_message$
INSERT INTO messages (tenant_id, contact_id, owner_id, campaign_id, batch_id, channel,
                      sequence_step, variant, subject, body, tone, language,
                      generation_cost_usd)
SELECT :tenant_id, c.id, coalesce(:owner_id, c.owner_id), :campaign_id,
       coalesce(:batch_id, c.batch_id), :channel::message_channel, :sequence_step,
       :variant::message_variant, :subject, :body, :tone::message_tone,
       :language::language_enum, :generation_cost_usd
  FROM contacts c WHERE c.tenant_id = :tenant_id AND c.id = :contact_id
RETURNING id;

-- name: delete_message$
DELETE FROM messages WHERE tenant_id = :tenant_id AND id = :id RETURNING id;
