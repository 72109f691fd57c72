-- Log studio: saved log samples (pasted, uploaded or taken from a gateway), masked and bounded before
-- they are stored. The newest LOG_SAMPLES_PER_ORG per organization are kept.
CREATE TABLE log_samples (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  name text NOT NULL,
  source text NOT NULL,
  format text NOT NULL,
  line_count integer NOT NULL CHECK (line_count >= 0),
  bytes bigint NOT NULL CHECK (bytes >= 0),
  window_seconds double precision,
  -- {"lines": [...], "severities"?: [...], "times"?: [...]}
  content jsonb NOT NULL,
  notes jsonb NOT NULL DEFAULT '[]',
  created_by text,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX log_samples_org_created_idx ON log_samples (org_id, created_at DESC, id DESC);
