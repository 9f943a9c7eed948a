-- The platform's tenant list for the Tenants page (admin path, BYPASSRLS).

-- name: tenant_overview
-- Every tenant with its users and its last activity: the newest audit entry, login or key use.
SELECT t.id, t.slug, t.name, t.is_active, t.created_at,
       (SELECT count(*) FROM users u WHERE u.tenant_id = t.id) AS users,
       greatest((SELECT max(a.changed_at) FROM audit_log a WHERE a.tenant_id = t.id),
                (SELECT max(u.last_login_at) FROM users u WHERE u.tenant_id = t.id),
                (SELECT max(k.last_used_at) FROM api_keys k WHERE k.tenant_id = t.id))
         AS last_activity_at
  FROM tenants t
 ORDER BY t.slug;

-- name: open_tenant!
-- Params: token_hash, tenant_id (NULL: back to the session's own tenant). Only a platform
-- admin's session can work in another tenant (api/auth.sql, session_principal).
UPDATE sessions
   SET acting_tenant_id = CASE WHEN tenant_id = :tenant_id THEN NULL ELSE :tenant_id::uuid END
 WHERE token_hash = :token_hash;

-- name: record_open!
-- Params: tenant_id, actor. The opening, in the opened tenant's audit trail.
INSERT INTO audit_log (tenant_id, table_name, entity_id, event, changed_by)
VALUES (:tenant_id, 'tenants', :tenant_id, 'open', :actor);
