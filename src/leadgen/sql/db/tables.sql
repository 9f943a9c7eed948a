-- The tenant tables as the catalog describes them, to check leadgen.db.tables against.

-- name: tenant_tables()
-- Every table of the public schema with a tenant_id column, and whether it has updated_at.
SELECT c.relname AS table_name,
       EXISTS (SELECT 1 FROM pg_attribute u
               WHERE u.attrelid = c.oid AND u.attname = 'updated_at'
                 AND NOT u.attisdropped) AS has_updated_at
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p')
  AND EXISTS (SELECT 1 FROM pg_attribute a
              WHERE a.attrelid = c.oid AND a.attname = 'tenant_id' AND NOT a.attisdropped)
ORDER BY c.relname;

-- name: foreign_keys()
-- Every foreign key between two tables of the public schema: (child, parent, constraint).
SELECT child.relname AS child, parent.relname AS parent, k.conname AS name
FROM pg_constraint k
JOIN pg_class child ON child.oid = k.conrelid
JOIN pg_class parent ON parent.oid = k.confrelid
WHERE k.contype = 'f' AND k.connamespace = 'public'::regnamespace
ORDER BY child.relname, k.conname;
