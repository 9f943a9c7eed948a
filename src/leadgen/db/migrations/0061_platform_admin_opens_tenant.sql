-- 0061: a platform admin's session can open another tenant's dashboard.
--
-- `sessions.acting_tenant_id` names the tenant a platform admin's session works in instead of
-- its own (POST /api/admin/tenants/{slug}/open writes it and an audit row in that tenant);
-- NULL is the user's own tenant. Erasing the opened tenant sets it back to NULL.
--
-- api_assert_session (0023) re-checks a remembered principal inside the request's tenant
-- transaction. It now also requires the session to work in its own tenant, so a remembered
-- principal of a session that was opened elsewhere (or back) since fails the re-check and
-- the request reads the principal afresh on the admin path (api/deps.py): a worker never
-- serves the tenant a session has left. Opened sessions are always read afresh.

ALTER TABLE sessions
  ADD COLUMN acting_tenant_id UUID REFERENCES tenants(id) ON DELETE SET NULL;

CREATE OR REPLACE FUNCTION api_assert_session(p_token_hash bytea, p_user_id uuid, p_role text,
                                              p_email text, p_owner_id uuid) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
  stale boolean;
BEGIN
  SELECT s.last_seen_at < now() - interval '5 minutes' INTO stale
    FROM sessions s
    JOIN users u ON u.tenant_id = s.tenant_id AND u.id = s.user_id
    JOIN tenants t ON t.id = s.tenant_id
   WHERE s.token_hash = p_token_hash AND s.user_id = p_user_id
     AND s.expires_at > now() AND s.last_seen_at > now() - interval '2 hours'
     AND u.is_active AND u.role = p_role AND u.email = p_email
     AND u.owner_id IS NOT DISTINCT FROM p_owner_id
     AND t.is_active IS NOT FALSE
     AND s.acting_tenant_id IS NULL;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'this session has ended' USING ERRCODE = '28000';
  END IF;
  IF stale THEN
    UPDATE sessions SET last_seen_at = now() WHERE token_hash = p_token_hash;
  END IF;
END;
$$;
