-- 0005: people and machines that use the API: users, server-side sessions, API keys.
--
-- All three are tenant tables under RLS like the rest. Login and key lookup happen before the
-- tenant is known, so they go through the admin path (leadgen_admin, BYPASSRLS) and only ever
-- by a hash: the application role never reads another tenant's credentials.

CREATE TABLE users (
  id             UUID NOT NULL DEFAULT gen_random_uuid(),
  tenant_id      UUID NOT NULL REFERENCES tenants(id),
  email          TEXT NOT NULL CHECK (email = lower(email) AND email LIKE '%_@_%'),
  display_name   TEXT,
  password_hash  TEXT NOT NULL,            -- Argon2id (argon2-cffi), never returned by the API
  role           TEXT NOT NULL CHECK (role IN ('platform_admin', 'tenant_admin', 'reviewer')),
  owner_id       UUID,                     -- the owner (team member) this user reviews as
  is_active      BOOLEAN NOT NULL DEFAULT true,
  created_at     TIMESTAMPTZ NOT NULL DEFAULT now(),
  updated_at     TIMESTAMPTZ NOT NULL DEFAULT now(),
  last_login_at  TIMESTAMPTZ,
  PRIMARY KEY (tenant_id, id),
  FOREIGN KEY (tenant_id, owner_id) REFERENCES owners(tenant_id, id) ON DELETE SET NULL (owner_id)
);
-- Login is by email alone, so an email belongs to one user across the platform.
CREATE UNIQUE INDEX idx_users_email ON users(email);
CREATE UNIQUE INDEX idx_users_id ON users(id);
CREATE TRIGGER trg_users_updated_at BEFORE UPDATE ON users
  FOR EACH ROW EXECUTE FUNCTION update_updated_at();

CREATE TABLE sessions (
  token_hash     BYTEA NOT NULL,           -- sha256 of the cookie value; the value is not stored
  tenant_id      UUID NOT NULL,
  user_id        UUID NOT NULL,
  created_at     TIMESTAMPTZ NOT NULL DEFAULT now(),
  last_seen_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
  expires_at     TIMESTAMPTZ NOT NULL,
  user_agent     TEXT,
  PRIMARY KEY (token_hash),
  FOREIGN KEY (tenant_id, user_id) REFERENCES users(tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX idx_sessions_user ON sessions(tenant_id, user_id);

CREATE TABLE api_keys (
  id             UUID NOT NULL DEFAULT gen_random_uuid(),
  tenant_id      UUID NOT NULL REFERENCES tenants(id),
  name           TEXT NOT NULL,
  prefix         TEXT NOT NULL,            -- public part, shown in lists: lg_<prefix>_…
  secret_hash    BYTEA NOT NULL,           -- sha256 of the secret part; the key is shown once
  role           TEXT NOT NULL DEFAULT 'machine' CHECK (role IN ('machine', 'tenant_admin')),
  created_by     TEXT,
  created_at     TIMESTAMPTZ NOT NULL DEFAULT now(),
  last_used_at   TIMESTAMPTZ,
  revoked_at     TIMESTAMPTZ,
  PRIMARY KEY (tenant_id, id),
  UNIQUE (prefix)
);

SELECT protect_tenant_table(t::regclass) FROM unnest(ARRAY['users', 'sessions', 'api_keys']) AS t;
