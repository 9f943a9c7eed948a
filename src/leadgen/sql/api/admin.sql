-- Tenant administration (users, API keys, settings) inside the admin's own tenant, and the
-- platform's tenant list (admin path, BYPASSRLS).

-- name: list_users
SELECT id, email, display_name, role, owner_id, is_active, last_login_at, created_at
  FROM users WHERE tenant_id = :tenant_id ORDER BY email;

-- name: user_row^
SELECT id, email, display_name, role, owner_id, is_active, last_login_at, created_at
  FROM users WHERE tenant_id = :tenant_id AND id = :user_id;

-- name: update_user^
UPDATE users
   SET role = coalesce(:role, role),
       is_active = coalesce(:is_active, is_active),
       display_name = CASE WHEN :set_display_name THEN :display_name ELSE display_name END,
       owner_id = CASE WHEN :set_owner THEN :owner_id::uuid ELSE owner_id END
 WHERE tenant_id = :tenant_id AND id = :user_id
RETURNING id, email, display_name, role, owner_id, is_active, last_login_at, created_at;

-- name: set_user_owner!
UPDATE users SET owner_id = :owner_id WHERE tenant_id = :tenant_id AND id = :user_id;

-- name: end_user_sessions!
DELETE FROM sessions WHERE tenant_id = :tenant_id AND user_id = :user_id;

-- name: list_keys
SELECT id, name, prefix, role, created_by, created_at, last_used_at, revoked_at
  FROM api_keys WHERE tenant_id = :tenant_id ORDER BY created_at DESC, id;

-- name: key_row^
SELECT id, name, prefix, role, created_by, created_at, last_used_at, revoked_at
  FROM api_keys WHERE tenant_id = :tenant_id AND id = :key_id;

-- name: revoke_key$
-- least() keeps an earlier revocation and ignores NULL, as coalesce(revoked_at, now()) did;
-- Citus refuses a non-immutable function inside COALESCE in an UPDATE.
UPDATE api_keys SET revoked_at = least(revoked_at, now())
 WHERE tenant_id = :tenant_id AND id = :key_id RETURNING id;

-- name: tenant_settings$
SELECT coalesce(settings, '{}'::jsonb) FROM tenants WHERE id = :tenant_id;

-- name: set_n8n_settings!
UPDATE tenants SET settings = jsonb_set(coalesce(settings, '{}'::jsonb), '{n8n}', :n8n::jsonb)
 WHERE id = :tenant_id;

-- name: list_tenants
SELECT id, slug, name, is_active, created_at FROM tenants ORDER BY slug;

-- name: tenant_row^
SELECT id, slug, name, is_active, created_at FROM tenants WHERE id = :tenant_id;
