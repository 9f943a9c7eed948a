-- 0022: a bulk load by the owner role keeps messages.contact_score set-based.
--
-- The per-row triggers of 0020 copy a contact's score into its messages. During a migration
-- load (owner role, `SET LOCAL app.bulk_load = 'on'`) the loader joins the score into its
-- INSERT … SELECT and fixes the rest with one UPDATE (migration/load.py fill_contact_scores),
-- so the triggers step aside: one set-based pass instead of a trigger call per row
-- (docs/decisions.md). The application role cannot make them step aside (same guard as audit).

CREATE OR REPLACE FUNCTION messages_copy_contact_score() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF current_setting('app.bulk_load', true) = 'on'
     AND pg_has_role(current_user, 'leadgen_owner', 'MEMBER') THEN
    RETURN NEW;
  END IF;
  SELECT c.contact_score INTO NEW.contact_score
    FROM contacts c WHERE c.tenant_id = NEW.tenant_id AND c.id = NEW.contact_id;
  RETURN NEW;
END;
$$;

CREATE OR REPLACE FUNCTION contacts_push_score() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF current_setting('app.bulk_load', true) = 'on'
     AND pg_has_role(current_user, 'leadgen_owner', 'MEMBER') THEN
    RETURN NULL;
  END IF;
  UPDATE messages SET contact_score = NEW.contact_score
   WHERE tenant_id = NEW.tenant_id AND contact_id = NEW.id
     AND contact_score IS DISTINCT FROM NEW.contact_score;
  RETURN NULL;
END;
$$;
