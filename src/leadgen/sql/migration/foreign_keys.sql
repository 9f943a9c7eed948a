-- The foreign keys the migration loader checks itself after a bulk INSERT that ran without
-- row triggers (migration/foreign_keys.py; why: db/bootstrap.sql).

-- name: of_tables(tables)
-- Params: table names (public schema). Each foreign key of those tables: its name, the
-- referencing table and columns, the referenced table and columns, in key order.
SELECT c.conname AS name,
       c.conrelid::regclass::text AS child,
       array_agg(ca.attname ORDER BY k.ord) AS child_columns,
       c.confrelid::regclass::text AS parent,
       array_agg(pa.attname ORDER BY k.ord) AS parent_columns
FROM pg_constraint c
CROSS JOIN LATERAL unnest(c.conkey, c.confkey) WITH ORDINALITY AS k(child_col, parent_col, ord)
JOIN pg_attribute ca ON ca.attrelid = c.conrelid AND ca.attnum = k.child_col
JOIN pg_attribute pa ON pa.attrelid = c.confrelid AND pa.attnum = k.parent_col
WHERE c.contype = 'f'
  AND c.connamespace = 'public'::regnamespace
  AND c.conrelid = ANY (SELECT ('public.' || quote_ident(t))::regclass FROM unnest(:tables::text[]) t)
GROUP BY c.oid, c.conname, c.conrelid, c.confrelid
ORDER BY child, name;
