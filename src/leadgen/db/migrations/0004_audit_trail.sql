-- 0004: the audit trail, written by the database itself so that every writer (the API, an n8n
-- workflow, a psql session) is recorded. The actor comes from `SET LOCAL app.actor`.
--
-- One row per changed field on UPDATE (old → new), one row on INSERT and on DELETE.
-- Bulk loads by the owner role (the migration) may set app.audit = 'off' for the transaction:
-- they record the load in migration_runs instead of millions of audit rows. The application
-- role cannot turn auditing off.

CREATE FUNCTION audit_changes() RETURNS trigger
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

DO $$
DECLARE tbl TEXT;
BEGIN
  FOR tbl IN SELECT unnest(ARRAY[
    'companies', 'contacts', 'messages', 'batches', 'campaigns', 'tasks', 'crm_events'
  ]) LOOP
    EXECUTE format(
      'CREATE TRIGGER trg_%s_audit AFTER INSERT OR UPDATE OR DELETE ON %I
       FOR EACH ROW EXECUTE FUNCTION audit_changes()', tbl, tbl);
  END LOOP;
END;$$;
