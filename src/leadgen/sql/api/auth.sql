-- Authentication: the admin path (leadgen_admin), used before the tenant is known.
-- Sessions and keys are found only by a hash of what the client holds. A disabled tenant's
-- credential is still found, so the caller hears 403 "tenant disabled", not "unknown".

-- name: session_principal(token_hash)^
-- A platform admin's session may work in another tenant (sessions.acting_tenant_id, 0061):
-- the principal is then of that tenant, with no owner of its own there.
SELECT s.user_id, t.id AS tenant_id, u.email, u.display_name, u.role,
       CASE WHEN s.acting_tenant_id IS NULL THEN u.owner_id END AS owner_id,
       t.slug AS tenant_slug, t.name AS tenant_name,
       s.last_seen_at < now() - interval '5 minutes' AS stale,
       t.is_active IS NOT FALSE AS tenant_active
  FROM sessions s
  JOIN users u ON u.tenant_id = s.tenant_id AND u.id = s.user_id
  JOIN tenants t ON t.id = coalesce(
    CASE WHEN u.role = 'platform_admin' THEN s.acting_tenant_id END, s.tenant_id)
 WHERE s.token_hash = :token_hash
   AND s.expires_at > now()
   AND s.last_seen_at > now() - interval '2 hours'
   AND u.is_active;

-- name: touch_session(token_hash)!
UPDATE sessions SET last_seen_at = now() WHERE token_hash = :token_hash;

-- name: key_principal(prefix)^
SELECT k.id, k.tenant_id, k.name, k.secret_hash, k.role, k.revoked_at,
       t.slug AS tenant_slug, t.name AS tenant_name,
       coalesce(k.last_used_at < now() - interval '5 minutes', true) AS stale,
       t.is_active IS NOT FALSE AS tenant_active
  FROM api_keys k JOIN tenants t ON t.id = k.tenant_id
 WHERE k.prefix = :prefix;

-- name: touch_key(tenant_id, key_id)!
UPDATE api_keys SET last_used_at = now() WHERE tenant_id = :tenant_id AND id = :key_id;

-- name: user_for_login(email)^
SELECT u.id, u.tenant_id, u.email, u.display_name, u.role, u.owner_id, u.password_hash,
       t.slug AS tenant_slug, t.name AS tenant_name
  FROM users u JOIN tenants t ON t.id = u.tenant_id
 WHERE u.email = :email AND u.is_active AND t.is_active IS NOT FALSE;

-- name: recent_failures(email, client_ip)^
SELECT count(*) AS failures,
       ceil(extract(epoch FROM min(failed_at) + interval '15 minutes' - now()))::int AS retry_after
  FROM login_failures
 WHERE email = :email AND client_ip = :client_ip AND failed_at > now() - interval '15 minutes';

-- name: record_failure(email, client_ip)!
INSERT INTO login_failures (email, client_ip) VALUES (:email, :client_ip);

-- name: clear_failures(email, client_ip)!
DELETE FROM login_failures
 WHERE (email = :email AND client_ip = :client_ip) OR failed_at < now() - interval '1 day';

-- name: create_session(token_hash, tenant_id, user_id, user_agent)!
INSERT INTO sessions (token_hash, tenant_id, user_id, expires_at, user_agent)
VALUES (:token_hash, :tenant_id, :user_id, now() + interval '12 hours', :user_agent);

-- name: mark_login(tenant_id, user_id)!
UPDATE users SET last_login_at = now() WHERE tenant_id = :tenant_id AND id = :user_id;

-- name: delete_session(token_hash)!
DELETE FROM sessions WHERE token_hash = :token_hash;
