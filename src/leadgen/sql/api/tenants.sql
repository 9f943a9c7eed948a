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
