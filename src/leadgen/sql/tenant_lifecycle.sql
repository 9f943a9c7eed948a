-- A tenant's life after onboarding: disable/enable, export, import, erase (admin path).

-- name: tenant_tables
-- Every table with a tenant_id column, children first (migration 0060): erase in this order,
-- import in the reverse one.
SELECT table_name, rank FROM tenant_tables_children_first();

-- name: stored_columns
-- Params: table_name. The table's columns a row can be given (generated ones are computed).
SELECT a.attname::text AS name, a.attgenerated <> '' AS generated
  FROM pg_attribute a
 WHERE a.attrelid = to_regclass(format('public.%I', :table_name::text))
   AND a.attnum > 0 AND NOT a.attisdropped
 ORDER BY a.attnum;

-- name: tenant_by_id^
-- Params: tenant_id.
SELECT id, slug, name, is_active, created_at FROM tenants WHERE id = :tenant_id;

-- name: tenant_by_slug^
-- Params: slug.
SELECT id, slug, name, is_active, created_at FROM tenants WHERE slug = :slug;

-- name: set_tenant_active^
-- Params: tenant_id, is_active. Sessions and keys of a disabled tenant fail their next
-- request (api_assert_session / api_assert_key, migration 0023); its data stays. `tenants`
-- has no audit trigger, so the change is written to the tenant's audit trail here, in the
-- trigger's shape (0004), by the transaction's actor.
WITH changed AS (
  UPDATE tenants SET is_active = :is_active WHERE id = :tenant_id
  RETURNING id, slug, name, is_active, created_at
), logged AS (
  INSERT INTO audit_log (tenant_id, table_name, entity_id, field_name, new_value, event,
                         changed_by)
  SELECT id, 'tenants', id, 'is_active', is_active::text, 'update',
         coalesce(nullif(current_setting('app.actor', true), ''), current_user)
    FROM changed
)
SELECT id, slug, name, is_active, created_at FROM changed;

-- name: erase_tenant^
-- Params: tenant_id, actor. Removes the tenant everywhere and returns the receipt (0060).
SELECT id, erased_tenant_id, slug, erased_at, erased_by, row_counts
  FROM erase_tenant(:tenant_id, :actor);

-- name: erasures
-- Every receipt, newest first.
SELECT id, erased_tenant_id, slug, erased_at, erased_by, row_counts
  FROM tenant_erasures ORDER BY erased_at DESC;
