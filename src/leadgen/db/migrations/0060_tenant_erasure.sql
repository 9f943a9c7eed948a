-- 0060: erasing a tenant, and the receipt that it was erased.
--
-- `erase_tenant` removes every row of one tenant from every table that has a `tenant_id`
-- column, found in the catalog when it runs (so a table added later is erased too), then the
-- `tenants` row itself, in the caller's transaction. Tables are emptied children first: a
-- table's rank is the longest chain of foreign keys that point at it from other tenant
-- tables, so every referencing row is gone before the row it references.
--
-- It runs as its owner (SECURITY DEFINER, leadgen_owner), so the API's admin path can call it
-- without owning the tables, and with the audit trigger off for its own transaction (0004):
-- the rows are going, and an audit row per deleted row would itself be a row of the tenant.
-- The receipt goes to `tenant_erasures`, a platform table whose column is deliberately not
-- called `tenant_id`: no tenant owns a receipt and an erase never finds it.
-- SECURITY DEFINER with a fixed search_path, as
-- https://www.postgresql.org/docs/15/sql-createfunction.html#SQL-CREATEFUNCTION-SECURITY advises.

CREATE TABLE tenant_erasures (
  id                UUID PRIMARY KEY DEFAULT gen_random_uuid(),
  erased_tenant_id  UUID NOT NULL,
  slug              TEXT NOT NULL,
  erased_at         TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp(),
  erased_by         TEXT,
  row_counts        JSONB NOT NULL      -- {"table": rows removed}; counts only, no row data
);
GRANT SELECT ON tenant_erasures TO leadgen_admin;

CREATE FUNCTION tenant_tables_children_first() RETURNS TABLE (table_name text, rank int)
LANGUAGE sql STABLE SET search_path = public, pg_temp AS $$
  WITH RECURSIVE tenant_tables AS (
    SELECT c.oid
      FROM pg_class c
      JOIN pg_namespace n ON n.oid = c.relnamespace
      JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'tenant_id' AND NOT a.attisdropped
     WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND NOT c.relispartition
  ), edges AS (
    SELECT DISTINCT k.conrelid AS child, k.confrelid AS parent
      FROM pg_constraint k
     WHERE k.contype = 'f' AND k.conrelid <> k.confrelid
       AND k.conrelid IN (SELECT oid FROM tenant_tables)
       AND k.confrelid IN (SELECT oid FROM tenant_tables)
  ), chain(tbl, depth) AS (
    SELECT oid, 0 FROM tenant_tables
    UNION ALL
    SELECT e.parent, chain.depth + 1 FROM chain JOIN edges e ON e.child = chain.tbl
  )
  SELECT c.relname::text, max(chain.depth)::int
    FROM chain JOIN pg_class c ON c.oid = chain.tbl
   GROUP BY c.relname
   ORDER BY 2, 1;
$$;

CREATE FUNCTION erase_tenant(p_tenant_id uuid, p_actor text) RETURNS tenant_erasures
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  v_slug   text;
  v_table  text;
  v_count  bigint;
  v_counts jsonb := '{}'::jsonb;
  receipt  tenant_erasures;
BEGIN
  PERFORM set_config('app.tenant_id', p_tenant_id::text, true);  -- FORCE RLS binds the owner
  PERFORM set_config('app.audit', 'off', true);
  SELECT slug INTO v_slug FROM tenants WHERE id = p_tenant_id FOR UPDATE;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'no tenant with id %', p_tenant_id USING ERRCODE = 'P0002';
  END IF;
  FOR v_table IN SELECT t.table_name FROM tenant_tables_children_first() t LOOP
    EXECUTE format('DELETE FROM %I WHERE tenant_id = $1', v_table) USING p_tenant_id;
    GET DIAGNOSTICS v_count = ROW_COUNT;
    v_counts := v_counts || jsonb_build_object(v_table, v_count);
  END LOOP;
  DELETE FROM tenants WHERE id = p_tenant_id;
  INSERT INTO tenant_erasures (erased_tenant_id, slug, erased_by, row_counts)
  VALUES (p_tenant_id, v_slug, p_actor, v_counts || jsonb_build_object('tenants', 1))
  RETURNING * INTO receipt;
  RETURN receipt;
END;
$$;

REVOKE ALL ON FUNCTION erase_tenant(uuid, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION erase_tenant(uuid, text) TO leadgen_admin;
GRANT EXECUTE ON FUNCTION tenant_tables_children_first() TO leadgen_admin;
