-- The migration loader's COPY straight into a table (migration/direct_copy.py; the role:
-- db/bootstrap.sql, its grants: migration 0012).

-- name: loader_tables(tables)
-- Params: table names (public schema). Those the loader may COPY into as leadgen_loader: the
-- role exists and bypasses RLS, the session user may SET ROLE to it, and it may INSERT into
-- the table. None when any of that is missing (the loader then stages every table).
SELECT coalesce(array_agg(t ORDER BY t), '{}') AS tables
FROM unnest(:tables::text[]) AS t
WHERE CASE WHEN to_regrole('leadgen_loader') IS NULL THEN false
           ELSE (SELECT r.rolbypassrls FROM pg_roles r WHERE r.rolname = 'leadgen_loader')
                AND pg_has_role(session_user, 'leadgen_loader', 'MEMBER')
                AND has_table_privilege('leadgen_loader', 'public.' || quote_ident(t), 'INSERT')
      END;
