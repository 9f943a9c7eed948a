-- 0020: what the API needs on messages: optimistic concurrency and a review queue that stays
-- O(page) under RLS.
--
-- * version: bumped by a trigger on every update that changes the message itself, so a
--   reviewer's If-Match is checked by `UPDATE … WHERE version = $n` (412 on 0 rows). Keeping a
--   copied contact_score in step does not bump it (it is not an edit of the message).
-- * contact_score: the contact's score copied onto the message (the sort key of the review
--   queue lives on another table, so no index on messages could return rows in order).
--   Kept in step by triggers on both tables.
-- * review_rank / status_code: under RLS only LEAKPROOF operators can be index conditions;
--   enum comparisons (message_review_status) are not leakproof, so `status = $1` can only be a
--   filter after the policy. Two stored generated integers carry the same information with
--   leakproof int comparisons: status_code (1 = draft … 6 = replied, enum order) and
--   review_rank = -coalesce(contact_score, -1), whose ascending order is
--   "contact_score DESC NULLS LAST" so the keyset `(review_rank, id) > ($r, $id)` is one row
--   comparison that the index can seek to.

ALTER TABLE messages ADD COLUMN version integer NOT NULL DEFAULT 1;
ALTER TABLE messages ADD COLUMN contact_score integer;

-- Backfill across tenants: the owner lifts FORCE for this transaction only (it is the table
-- owner, so RLS then does not bind it), and restores it below.
ALTER TABLE messages NO FORCE ROW LEVEL SECURITY;
ALTER TABLE contacts NO FORCE ROW LEVEL SECURITY;
SET LOCAL app.audit = 'off';
UPDATE messages m SET contact_score = c.contact_score
  FROM contacts c
 WHERE c.tenant_id = m.tenant_id AND c.id = m.contact_id AND c.contact_score IS NOT NULL;
ALTER TABLE messages FORCE ROW LEVEL SECURITY;
ALTER TABLE contacts FORCE ROW LEVEL SECURITY;

ALTER TABLE messages ADD COLUMN status_code smallint GENERATED ALWAYS AS (
  CASE status
    WHEN 'draft' THEN 1 WHEN 'approved' THEN 2 WHEN 'rejected' THEN 3
    WHEN 'sent' THEN 4 WHEN 'delivered' THEN 5 WHEN 'replied' THEN 6
  END) STORED;
ALTER TABLE messages ADD COLUMN review_rank integer GENERATED ALWAYS AS (
  -coalesce(contact_score, -1)) STORED;

-- Review queue: one owner's messages of one status, best contacts first.
CREATE INDEX idx_messages_review_queue
  ON messages (tenant_id, owner_id, status_code, review_rank, id);
-- The same across owners (status filter only).
CREATE INDEX idx_messages_status_rank ON messages (tenant_id, status_code, review_rank, id);

CREATE FUNCTION messages_bump_version() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  -- Generated columns are not computed yet in a BEFORE trigger, so they are left out too.
  IF (to_jsonb(NEW) - ARRAY['version', 'updated_at', 'contact_score', 'review_rank',
                            'status_code'])
     IS DISTINCT FROM (to_jsonb(OLD) - ARRAY['version', 'updated_at', 'contact_score',
                                             'review_rank', 'status_code'])
  THEN
    NEW.version := OLD.version + 1;
  ELSE
    NEW.version := OLD.version;
  END IF;
  RETURN NEW;
END;
$$;
CREATE TRIGGER trg_messages_version BEFORE UPDATE ON messages
  FOR EACH ROW EXECUTE FUNCTION messages_bump_version();

-- A new message (or one moved to another contact) takes the contact's current score.
CREATE FUNCTION messages_copy_contact_score() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  SELECT c.contact_score INTO NEW.contact_score
    FROM contacts c WHERE c.tenant_id = NEW.tenant_id AND c.id = NEW.contact_id;
  RETURN NEW;
END;
$$;
CREATE TRIGGER trg_messages_contact_score BEFORE INSERT OR UPDATE OF contact_id ON messages
  FOR EACH ROW EXECUTE FUNCTION messages_copy_contact_score();

-- A contact's new score reaches its messages.
CREATE FUNCTION contacts_push_score() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  UPDATE messages SET contact_score = NEW.contact_score
   WHERE tenant_id = NEW.tenant_id AND contact_id = NEW.id
     AND contact_score IS DISTINCT FROM NEW.contact_score;
  RETURN NULL;
END;
$$;
CREATE TRIGGER trg_contacts_push_score AFTER UPDATE OF contact_score ON contacts
  FOR EACH ROW WHEN (OLD.contact_score IS DISTINCT FROM NEW.contact_score)
  EXECUTE FUNCTION contacts_push_score();

-- Why a run failed to start (e.g. the n8n webhook refused it), shown on the dashboard.
ALTER TABLE pipeline_runs ADD COLUMN error text;

-- Batch stats group messages by batch and status.
CREATE INDEX idx_messages_batch_status ON messages (tenant_id, batch_id, status_code);

-- Failed logins per email and client address, for throttling. Written before the tenant is
-- known, so it has no tenant_id and only the admin path (login) touches it.
CREATE TABLE login_failures (
  email       TEXT NOT NULL,
  client_ip   TEXT NOT NULL,
  failed_at   TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX idx_login_failures ON login_failures (email, client_ip, failed_at);
GRANT SELECT, INSERT, DELETE ON login_failures TO leadgen_admin;

-- /readyz compares the applied migrations with the package's.
GRANT SELECT ON schema_migrations TO leadgen_app, leadgen_admin;
