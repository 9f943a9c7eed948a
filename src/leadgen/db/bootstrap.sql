-- Roles and grants that live outside any one database's migrations (roles are cluster-wide).
-- Run by `leadgen db upgrade` as the connecting (admin) user before the migrations; idempotent.
--
--   leadgen_owner  NOLOGIN   owns every table; migrations run as it (SET ROLE). FORCE RLS binds it.
--   leadgen_app    LOGIN     the API / n8n role: owns nothing, NOBYPASSRLS, sees one tenant per tx.
--   leadgen_admin  LOGIN     the platform path: BYPASSRLS, used only for tenant creation and
--                            cross-tenant work (CLI `tenant create`, API /admin/tenants).
--   leadgen_loader NOLOGIN   the migration loader's COPY into a table the tenant has no rows in
--                            yet: BYPASSRLS (COPY cannot write a table under RLS) with INSERT
--                            and nothing else; each such COPY is counted back under RLS
--                            (migration/direct_copy.py, migration 0012).
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
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'leadgen_loader') THEN
    CREATE ROLE leadgen_loader NOLOGIN NOSUPERUSER BYPASSRLS NOCREATEDB NOCREATEROLE NOINHERIT;
  END IF;
END
$$;

-- The connecting user must be able to SET ROLE to each (a no-op for a superuser).
DO $$
BEGIN
  IF NOT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
    EXECUTE format('GRANT leadgen_owner, leadgen_admin, leadgen_app, leadgen_loader TO %I',
                   current_user);
  END IF;
END
$$;

-- The owner may turn off row triggers for the migration loader's first-load INSERTs.
-- A foreign key is checked by a row trigger: one `SELECT … FOR KEY SHARE` per row and key,
-- 1.6 million of them for a 231k-record base, the largest single cost of a first load
-- (docs/benchmarks.md, Migrate). For a table the tenant has no rows in yet, the loader sets
-- `session_replication_role = replica` around its plain INSERT (every trigger of ours steps
-- aside for a bulk load anyway) and then checks each foreign key of that table over the
-- tenant's rows in one anti-join, as ALTER TABLE … ADD FOREIGN KEY validates a constraint
-- (migration/foreign_keys.py). Upserts and deletes always run with the triggers.
-- The owner can already disable triggers or drop constraints on its own tables, so this
-- grants it nothing new; leadgen_app does not get it. GRANT … ON PARAMETER exists from
-- PostgreSQL 15 and needs a superuser; without it the loader keeps the per-row checks.
DO $$
BEGIN
  IF current_setting('server_version_num')::int >= 150000 THEN
    -- (a user without the right gets a WARNING "no privileges were granted", not an error)
    EXECUTE 'GRANT SET ON PARAMETER session_replication_role TO leadgen_owner';
    IF NOT has_parameter_privilege('leadgen_owner', 'session_replication_role', 'SET') THEN
      RAISE NOTICE 'leadgen_owner may not set session_replication_role: the migration loader '
                   'checks foreign keys row by row (slower, same result); run `leadgen db '
                   'upgrade` once as a superuser to grant it';
    END IF;
  END IF;
EXCEPTION WHEN insufficient_privilege THEN
  RAISE NOTICE 'leadgen_owner may not set session_replication_role: the migration loader '
               'checks foreign keys row by row (slower, same result); run `leadgen db '
               'upgrade` once as a superuser to grant it';
END
$$;
