-- Roles and grants that live outside any one database's migrations (roles are cluster-wide).
-- Run by `leadgen db upgrade` as the connecting (admin) user before the migrations; idempotent.
--
--   leadgen_owner  NOLOGIN   owns every table; migrations run as it (SET ROLE). FORCE RLS binds it.
--   leadgen_app    LOGIN     the API / n8n role: owns nothing, NOBYPASSRLS, sees one tenant per tx.
--   leadgen_admin  LOGIN     the platform path: BYPASSRLS, used only for tenant creation and
--                            cross-tenant work (CLI `tenant create`, API /admin/tenants).
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'leadgen_owner') THEN
    CREATE ROLE leadgen_owner NOLOGIN NOSUPERUSER NOBYPASSRLS;
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'leadgen_app') THEN
    CREATE ROLE leadgen_app LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE NOINHERIT;
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'leadgen_admin') THEN
    CREATE ROLE leadgen_admin LOGIN NOSUPERUSER BYPASSRLS NOCREATEDB NOCREATEROLE NOINHERIT;
  END IF;
END
$$;

-- The connecting user must be able to SET ROLE to each (a no-op for a superuser).
DO $$
BEGIN
  IF NOT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
    EXECUTE format('GRANT leadgen_owner, leadgen_admin, leadgen_app TO %I', current_user);
  END IF;
END
$$;
