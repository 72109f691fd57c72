-- Usage analysis: the sources an org's usage is read from (uploads and connectors), what each held
-- (its analysis, kept when a later read fails), and the per-metric usage merged from all of them.
CREATE TABLE usage_sources (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  kind text NOT NULL CHECK (kind IN ('grafana_dashboard', 'prometheus_rules', 'grafana', 'prometheus')),
  name text NOT NULL,
  url text,                         -- connectors
  token_secret text,                -- connectors: the NAME of a Flowgate secret, never a token
  content text,                     -- uploads: the uploaded document, re-analysed on refresh
  status text NOT NULL DEFAULT 'pending' CHECK (status IN ('ok', 'error', 'pending')),
  error jsonb,                      -- {code, message, at} of the last failed read
  summary jsonb,
  problems jsonb NOT NULL DEFAULT '[]'::jsonb,
  replaced_variables jsonb NOT NULL DEFAULT '[]'::jsonb, -- per dashboard: Grafana variables replaced before parsing
  analysis jsonb,                   -- analysed queries of the last successful read
  last_read_at timestamptz,
  last_attempt_at timestamptz,
  next_refresh_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (org_id, name)
);
CREATE INDEX usage_sources_org_idx ON usage_sources (org_id, name, id);
CREATE INDEX usage_sources_refresh_idx ON usage_sources (next_refresh_at) WHERE next_refresh_at IS NOT NULL;

-- One row per org: `version` grows with every source change; the merge writes usage_metrics only when it
-- was computed from a newer version than the one stored (replicas merging at once cannot go backwards).
CREATE TABLE usage_orgs (
  org_id uuid PRIMARY KEY REFERENCES organizations(id) ON DELETE CASCADE,
  version bigint NOT NULL DEFAULT 0,
  computed_version bigint NOT NULL DEFAULT 0,
  computed_at timestamptz
);

CREATE TABLE usage_metrics (
  org_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  name text NOT NULL,
  pattern text,                     -- anchored regex when the entry is a {__name__=~"…"} pattern
  negated boolean NOT NULL DEFAULT false,
  used text NOT NULL CHECK (used IN ('true', 'false', 'unknown')),
  labels_used jsonb NOT NULL,       -- ["a","b"] or "all"
  all_except jsonb NOT NULL DEFAULT '[]'::jsonb,
  used_by jsonb NOT NULL,
  used_by_total integer NOT NULL,
  PRIMARY KEY (org_id, name)
);
