-- 0021: batch statistics from index-only scans; derived message columns out of the audit trail.
--
-- The batch page aggregates a whole batch (10,000 companies, 50,000 contacts, 100,000
-- messages in the benchmark). Reading those rows from the heap costs seconds; these covering
-- indexes hold every column the aggregation needs, so it reads only index pages
-- (docs/benchmarks.md, "## API"). messages is ordered by contact inside a batch so the
-- per-contact funnel is a streaming aggregate.
CREATE INDEX idx_messages_batch_funnel
  ON messages (tenant_id, batch_id, contact_id, status_code) INCLUDE (generation_cost_usd);
DROP INDEX idx_messages_batch_status;
CREATE INDEX idx_contacts_batch_stats
  ON contacts (tenant_id, batch_id) INCLUDE (processed_enrich, enrichment_cost_usd);
CREATE INDEX idx_companies_batch_stats
  ON companies (tenant_id, batch_id) INCLUDE (status, tier, enrichment_cost_usd);

-- The audit trail records what people and workflows changed, not what the database derives:
-- messages.version / status_code / review_rank / contact_score (0020) follow from other
-- changes, so they are left out, as updated_at is. Same function as 0004 otherwise.
CREATE OR REPLACE FUNCTION audit_changes() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  actor   text := coalesce(nullif(current_setting('app.actor', true), ''), current_user);
  old_doc jsonb;
  new_doc jsonb;
  k       text;
BEGIN
  IF current_setting('app.audit', true) = 'off'
     AND pg_has_role(current_user, 'leadgen_owner', 'MEMBER') THEN
    RETURN NULL;
  END IF;
  IF TG_OP = 'INSERT' THEN
    INSERT INTO audit_log (tenant_id, table_name, entity_id, event, changed_by)
    VALUES (NEW.tenant_id, TG_TABLE_NAME, NEW.id, 'insert', actor);
  ELSIF TG_OP = 'DELETE' THEN
    INSERT INTO audit_log (tenant_id, table_name, entity_id, event, changed_by, old_value)
    VALUES (OLD.tenant_id, TG_TABLE_NAME, OLD.id, 'delete', actor, to_jsonb(OLD)::text);
  ELSE
    old_doc := to_jsonb(OLD);
    new_doc := to_jsonb(NEW);
    FOR k IN SELECT key FROM jsonb_each(new_doc)
             WHERE key NOT IN ('updated_at', 'created_at')
               AND NOT (TG_TABLE_NAME = 'messages'
                        AND key IN ('version', 'status_code', 'review_rank', 'contact_score'))
               AND new_doc -> key IS DISTINCT FROM old_doc -> key
    LOOP
      INSERT INTO audit_log
        (tenant_id, table_name, entity_id, field_name, old_value, new_value, event, changed_by)
      VALUES (NEW.tenant_id, TG_TABLE_NAME, NEW.id, k,
              old_doc ->> k, new_doc ->> k, 'update', actor);
    END LOOP;
  END IF;
  RETURN NULL;
END;
$$;
