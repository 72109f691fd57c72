-- Saved backends: a backend preset's configuration under a name, per org. The config holds secret NAMES
-- only (values stay in `secrets`); templates made from backends hold the rendered YAML, so deleting a
-- backend never changes a template.
CREATE TABLE backends (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  name text NOT NULL,
  type text NOT NULL,
  config jsonb NOT NULL,
  created_by uuid REFERENCES users(id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (org_id, name)
);
CREATE INDEX backends_org_idx ON backends (org_id, name, id);
