-- Platform administration (run on the admin path, inside admin_transaction or a tenant tx).

-- name: tenant_by_slug(slug)$
-- Params: slug. Returns the tenant's id or NULL.
SELECT id FROM tenants WHERE slug = :slug;

-- name: create_tenant(slug, name)<!
-- Params: slug, name. Returns the new tenant's id.
INSERT INTO tenants (slug, name) VALUES (:slug, :name) RETURNING id;

-- name: list_tenants()
-- Returns every tenant (admin path only).
SELECT id, slug, name, is_active, created_at FROM tenants ORDER BY slug;

-- name: create_user(tenant_id, email, password_hash, role, display_name)<!
-- Params: tenant_id, email, password_hash, role, display_name. Returns the new user's id.
INSERT INTO users (tenant_id, email, password_hash, role, display_name)
VALUES (:tenant_id, :email, :password_hash, :role, :display_name)
RETURNING id;

-- name: create_api_key(tenant_id, name, prefix, secret_hash, role, created_by)<!
-- Params: tenant_id, name, prefix, secret_hash, role, created_by. Returns the new key's id.
INSERT INTO api_keys (tenant_id, name, prefix, secret_hash, role, created_by)
VALUES (:tenant_id, :name, :prefix, :secret_hash, :role, :created_by)
RETURNING id;
