-- 0023: re-check a cached principal inside the request's own transaction.
--
-- The API keeps the principal of a session or API key in memory for a few seconds so that a
-- request does not need a separate lookup round trip on the admin pool (docs/benchmarks.md,
-- API). Every request still proves its credential is alive: these functions run in the same
-- simple-protocol message as BEGIN and SET LOCAL app.tenant_id, as the application role under
-- RLS (so only the principal's own tenant is visible), and raise SQLSTATE 28000 when the
-- session ended, the user was deactivated or changed, the key was revoked, or the tenant was
-- disabled. Logout, revocation and deactivation therefore take effect on the next request.

CREATE FUNCTION api_assert_session(p_token_hash bytea, p_user_id uuid, p_role text,
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
     AND t.is_active IS NOT FALSE;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'this session has ended' USING ERRCODE = '28000';
  END IF;
  IF stale THEN
    UPDATE sessions SET last_seen_at = now() WHERE token_hash = p_token_hash;
  END IF;
END;
$$;

CREATE FUNCTION api_assert_key(p_key_id uuid, p_role text) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
  stale boolean;
BEGIN
  SELECT coalesce(k.last_used_at < now() - interval '5 minutes', true) INTO stale
    FROM api_keys k JOIN tenants t ON t.id = k.tenant_id
   WHERE k.id = p_key_id AND k.revoked_at IS NULL AND k.role = p_role
     AND t.is_active IS NOT FALSE;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'this API key is no longer valid' USING ERRCODE = '28000';
  END IF;
  IF stale THEN
    UPDATE api_keys SET last_used_at = now() WHERE id = p_key_id;
  END IF;
END;
$$;

REVOKE ALL ON FUNCTION api_assert_session(bytea, uuid, text, text, uuid) FROM PUBLIC;
REVOKE ALL ON FUNCTION api_assert_key(uuid, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION api_assert_session(bytea, uuid, text, text, uuid) TO leadgen_app;
GRANT EXECUTE ON FUNCTION api_assert_key(uuid, text) TO leadgen_app;
