-- `leadgen db distribute`: what the catalog says about the schema on a Citus coordinator
-- (db/distribute.py). Citus's own catalog: https://docs.citusdata.com/en/stable/develop/api_metadata.html

-- name: tables
-- Every ordinary table of schema public, whether it has tenant_id, and how Citus holds it
-- now ('h' distributed by hash, 'n' reference, NULL not yet in Citus's metadata).
SELECT c.relname AS name,
       EXISTS (SELECT 1 FROM pg_attribute a
                WHERE a.attrelid = c.oid AND a.attname = 'tenant_id' AND NOT a.attisdropped)
         AS has_tenant_id,
       p.partmethod::text AS method,
       p.colocationid AS colocation
  FROM pg_class c
  JOIN pg_namespace n ON n.oid = c.relnamespace
  LEFT JOIN pg_dist_partition p ON p.logicalrelid = c.oid
 WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND NOT c.relispartition
 ORDER BY c.relname;

-- name: foreign_keys_touching
-- The foreign keys from or to any of the named tables, with their definitions, so they can
-- be dropped before the tables are distributed and created again after.
SELECT con.conrelid::regclass::text AS table_name, con.conname AS name,
       pg_get_constraintdef(con.oid) AS definition
  FROM pg_constraint con
 WHERE con.contype = 'f'
   AND (con.conrelid::regclass::text = ANY(:tables::text[])
        OR con.confrelid::regclass::text = ANY(:tables::text[]))
 ORDER BY con.conrelid::regclass::text, con.conname;

-- name: policies
-- Every row-level security policy of schema public with its expressions.
SELECT tablename AS table_name, policyname AS name, qual, with_check
  FROM pg_policies
 WHERE schemaname = 'public'
 ORDER BY tablename, policyname;

-- name: login_roles_needed
-- The leadgen roles that Citus must be able to connect to the workers as (it opens its
-- connections as the current role) but that cannot log in.
SELECT rolname AS name
  FROM pg_roles
 WHERE rolname IN ('leadgen_owner', 'leadgen_loader') AND NOT rolcanlogin
 ORDER BY rolname;
