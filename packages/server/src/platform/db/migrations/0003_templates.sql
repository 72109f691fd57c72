-- Templates (collector configurations) with immutable versions, and per-org encrypted secrets.
CREATE TABLE templates (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  name text NOT NULL,
  description text,
  type text NOT NULL DEFAULT 'gateway',
  latest_version integer NOT NULL DEFAULT 0,
  created_by uuid REFERENCES users(id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (org_id, name)
);
CREATE INDEX templates_org_idx ON templates (org_id, name, id);

-- Never updated: every save inserts the next version. Deployments reference (template_id, version).
CREATE TABLE template_versions (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  template_id uuid NOT NULL REFERENCES templates(id) ON DELETE CASCADE,
  version integer NOT NULL CHECK (version >= 1),
  config_yaml text NOT NULL,
  hash text NOT NULL,               -- SHA-256 hex of config_yaml
  message text,
  author text,                      -- who saved it (user email or API key label), kept if the user goes
  created_by uuid REFERENCES users(id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (template_id, version)
);
CREATE INDEX template_versions_org_idx ON template_versions (org_id, template_id, version DESC);

CREATE TABLE secrets (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  name text NOT NULL,
  value_encrypted text NOT NULL,    -- AES-256-GCM with a key derived from FLOWGATE_SECRET; never the plaintext
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (org_id, name)
);
CREATE INDEX secrets_org_idx ON secrets (org_id);
