-- Foundation: tenants, identity, audit, settings, enrolment, gateways.
CREATE TABLE organizations (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name text NOT NULL,
  slug text NOT NULL UNIQUE,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE users (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  email text NOT NULL,
  name text,
  password_hash text NOT NULL,
  is_instance_admin boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX users_email_key ON users (lower(email));

CREATE TABLE memberships (
  org_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  role text NOT NULL CHECK (role IN ('owner', 'admin', 'editor', 'viewer')),
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (org_id, user_id)
);
CREATE INDEX memberships_user_idx ON memberships (user_id);

CREATE TABLE api_keys (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  user_id uuid REFERENCES users(id) ON DELETE SET NULL,
  name text NOT NULL,
  prefix text NOT NULL,
  key_hash text NOT NULL UNIQUE,
  role text NOT NULL CHECK (role IN ('owner', 'admin', 'editor', 'viewer')),
  created_at timestamptz NOT NULL DEFAULT now(),
  last_used_at timestamptz,
  expires_at timestamptz,
  revoked_at timestamptz
);
CREATE INDEX api_keys_org_idx ON api_keys (org_id);

CREATE TABLE audit_logs (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_id uuid REFERENCES organizations(id) ON DELETE CASCADE,
  actor_type text NOT NULL,
  actor_id text,
  actor_label text,
  action text NOT NULL,
  resource_type text NOT NULL,
  resource_id text,
  before jsonb,
  after jsonb,
  request_id text,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX audit_logs_org_idx ON audit_logs (org_id, created_at DESC, id DESC);

CREATE TABLE settings (
  org_id uuid PRIMARY KEY REFERENCES organizations(id) ON DELETE CASCADE,
  values jsonb NOT NULL DEFAULT '{}'::jsonb,
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE registration_tokens (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  token text NOT NULL UNIQUE, -- SHA-256 hex digest of the plaintext; the plaintext is never stored
  prefix text NOT NULL,
  name text NOT NULL,
  expires_at timestamptz,
  is_active boolean NOT NULL DEFAULT true,
  max_uses integer,
  uses integer NOT NULL DEFAULT 0,
  created_by uuid REFERENCES users(id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX registration_tokens_org_idx ON registration_tokens (org_id);

CREATE TABLE gateways (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  instance_id text NOT NULL,
  name text NOT NULL,
  name_is_custom boolean NOT NULL DEFAULT false,
  status text NOT NULL DEFAULT 'registered' CHECK (status IN ('registered', 'active', 'inactive', 'error')),
  mode text NOT NULL DEFAULT 'unknown' CHECK (mode IN ('supervisor', 'extension', 'unknown')),
  last_seen timestamptz,
  current_config_version integer,
  opamp_token_jti text,            -- id of the only valid OpAMP token (the JWT itself is never stored)
  token_expires_at timestamptz,
  registration_token_id uuid REFERENCES registration_tokens(id) ON DELETE SET NULL,
  hostname text,
  ip_address text,
  extra_metadata jsonb NOT NULL DEFAULT '{}'::jsonb,
  tags jsonb NOT NULL DEFAULT '{}'::jsonb,
  description jsonb,
  capabilities integer NOT NULL DEFAULT 0,
  health jsonb,
  effective_config text,
  available_components jsonb,
  available_components_hash text,
  remote_config_status text,
  remote_config_hash text,
  remote_config_error text,
  remote_config_updated_at timestamptz,
  desired_config_hash text,
  failed_config_hash text,
  connected boolean NOT NULL DEFAULT false,
  transport text,
  connected_since timestamptz,
  remote_address text,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (org_id, instance_id)
);
CREATE INDEX gateways_org_name_idx ON gateways (org_id, name, id);
CREATE INDEX gateways_org_last_seen_idx ON gateways (org_id, last_seen);
CREATE INDEX gateways_org_created_idx ON gateways (org_id, created_at, id);
CREATE INDEX gateways_tags_idx ON gateways USING gin (tags);

-- Every remote-config status change a gateway reported, with time and error text.
CREATE TABLE gateway_config_events (
  id bigserial PRIMARY KEY,
  org_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  gateway_id uuid NOT NULL REFERENCES gateways(id) ON DELETE CASCADE,
  config_hash text,
  status text NOT NULL,
  error_message text,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX gateway_config_events_gw_idx ON gateway_config_events (org_id, gateway_id, created_at DESC);
