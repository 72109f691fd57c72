-- Deployments: a template version rolled out to gateways in batches; state lives here so a restart resumes.
CREATE TABLE deployments (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  name text,
  template_id uuid NOT NULL,
  version integer NOT NULL,
  config_hash text,                 -- hash of the files as sent (secrets resolved)
  status text NOT NULL CHECK (status IN ('pending', 'in_progress', 'paused', 'completed', 'failed', 'cancelled', 'rolled_back')),
  reason text,
  target jsonb NOT NULL,
  strategy jsonb NOT NULL,
  batches integer NOT NULL DEFAULT 1,
  current_batch integer NOT NULL DEFAULT 0,
  batch_applied_at timestamptz,     -- when every target of current_batch was applied (soak starts)
  resumed_at timestamptz,           -- failures before this were acknowledged by a resume
  excluded jsonb NOT NULL DEFAULT '[]'::jsonb,
  created_by uuid,
  created_by_label text,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX deployments_org_idx ON deployments (org_id, created_at DESC);
CREATE INDEX deployments_active_idx ON deployments (status) WHERE status IN ('pending', 'in_progress', 'paused');

CREATE TABLE deployment_targets (
  deployment_id uuid NOT NULL REFERENCES deployments(id) ON DELETE CASCADE,
  org_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  gateway_id uuid NOT NULL REFERENCES gateways(id) ON DELETE CASCADE,
  batch integer NOT NULL,
  status text NOT NULL CHECK (status IN ('pending', 'applying', 'applied', 'failed', 'superseded', 'cancelled', 'rolled_back')),
  error text,
  config_hash text,
  previous_config jsonb,            -- the gateway's desired config before this deployment (for rollback)
  previous_hash text,
  updated_at timestamptz NOT NULL DEFAULT now(),
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (deployment_id, gateway_id)
);
CREATE INDEX deployment_targets_gateway_idx ON deployment_targets (org_id, gateway_id, created_at DESC);
CREATE INDEX deployment_targets_status_idx ON deployment_targets (gateway_id, status);
