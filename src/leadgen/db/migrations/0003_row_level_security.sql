-- 0003: Row Level Security on every tenant table, and the grants of the three roles.
--
-- The policy reads the transaction's tenant from `app.tenant_id` (SET LOCAL by the caller).
-- current_tenant_id() raises when no tenant is set, so a forgotten context fails loudly instead
-- of returning nothing (docs/tenancy.md, "Two walls"). It is wrapped in
-- (SELECT …) in the policy so it runs once per statement as an InitPlan.

CREATE FUNCTION current_tenant_id() RETURNS uuid
LANGUAGE plpgsql STABLE PARALLEL SAFE AS $$
DECLARE
  raw text := current_setting('app.tenant_id', true);
BEGIN
  IF raw IS NULL OR raw = '' THEN
    RAISE EXCEPTION 'no tenant set for this transaction'
      USING ERRCODE = '42501',
            HINT = 'run SET LOCAL app.tenant_id = ''<tenant uuid>'' inside the transaction first';
  END IF;
  RETURN raw::uuid;
END;
$$;

-- Make one table tenant-safe: RLS enabled and FORCEd (binds the owner too), one policy for
-- reads and writes, DML for the application role. Later migrations call this for their tables.
CREATE FUNCTION protect_tenant_table(tbl regclass, app_privileges text DEFAULT
  'SELECT, INSERT, UPDATE, DELETE') RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
  EXECUTE format('ALTER TABLE %s ENABLE ROW LEVEL SECURITY', tbl);
  EXECUTE format('ALTER TABLE %s FORCE ROW LEVEL SECURITY', tbl);
  EXECUTE format(
    'CREATE POLICY tenant_isolation ON %s
       USING (tenant_id = (SELECT current_tenant_id()))
       WITH CHECK (tenant_id = (SELECT current_tenant_id()))', tbl);
  EXECUTE format('GRANT %s ON %s TO leadgen_app', app_privileges, tbl);
  EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON %s TO leadgen_admin', tbl);
END;
$$;

SELECT protect_tenant_table(t::regclass) FROM unnest(ARRAY[
  'owners', 'batches', 'companies', 'company_enrichment_l2', 'company_tags',
  'contacts', 'contact_enrichment', 'campaigns', 'messages', 'activities',
  'crm_events', 'crm_event_participants', 'tasks', 'task_contacts', 'task_activities',
  'research_assets', 'pipeline_runs'
]) AS t;

-- The audit trail is append-only for the application: it may read and add, never rewrite.
SELECT protect_tenant_table('audit_log', 'SELECT, INSERT');

-- tenants: the application sees only its own tenant row; creating tenants is the admin path.
ALTER TABLE tenants ENABLE ROW LEVEL SECURITY;
ALTER TABLE tenants FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_self ON tenants
  USING (id = (SELECT current_tenant_id()))
  WITH CHECK (id = (SELECT current_tenant_id()));
GRANT SELECT, UPDATE (name, domain, settings, is_active) ON tenants TO leadgen_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON tenants TO leadgen_admin;
GRANT EXECUTE ON FUNCTION current_tenant_id() TO leadgen_app, leadgen_admin;
