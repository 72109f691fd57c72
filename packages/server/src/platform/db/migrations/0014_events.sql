-- Domain events through an outbox, webhooks with their delivery log, alert rules, and the figures of a
-- rollout paused by the data-plane gate.

-- Every change worth telling, written in the transaction of the change (an immutable log per org).
CREATE TABLE domain_events (
  id bigserial PRIMARY KEY,
  org_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  type text NOT NULL,
  subject_type text NOT NULL,       -- gateway | deployment | template | alert_rule | webhook
  subject_id text,
  subject_name text,
  data jsonb NOT NULL DEFAULT '{}'::jsonb,
  occurred_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX domain_events_org_idx ON domain_events (org_id, id DESC);
CREATE INDEX domain_events_occurred_idx ON domain_events (occurred_at);

-- The outbox proper: events not yet published. No org column: it is the relay's work queue, claimed with
-- FOR UPDATE SKIP LOCKED so that two replicas never publish the same event.
CREATE TABLE event_outbox (
  event_id bigint PRIMARY KEY REFERENCES domain_events(id) ON DELETE CASCADE
);

-- One way to record an event, shared by the server (events.store.ts) and the triggers below.
CREATE FUNCTION flowgate_record_event(p_org uuid, p_type text, p_subject_type text, p_subject_id text,
                                      p_subject_name text, p_data jsonb) RETURNS bigint AS $$
DECLARE
  eid bigint;
BEGIN
  INSERT INTO domain_events (org_id, type, subject_type, subject_id, subject_name, data)
  VALUES (p_org, p_type, p_subject_type, p_subject_id, p_subject_name, coalesce(p_data, '{}'::jsonb))
  RETURNING id INTO eid;
  INSERT INTO event_outbox (event_id) VALUES (eid);
  RETURN eid;
END
$$ LANGUAGE plpgsql;

-- A gateway's connection and config state are written from many places (batched OpAMP patches, replica
-- sweeps, start-up): a trigger records their events in the very statement that changes them.
CREATE FUNCTION gateways_record_events() RETURNS trigger AS $$
BEGIN
  IF NEW.connected AND NOT OLD.connected THEN
    PERFORM flowgate_record_event(NEW.org_id, 'gateway.connected', 'gateway', NEW.id::text, NEW.name,
      jsonb_build_object('transport', NEW.transport));
  ELSIF OLD.connected AND NOT NEW.connected THEN
    PERFORM flowgate_record_event(NEW.org_id, 'gateway.disconnected', 'gateway', NEW.id::text, NEW.name,
      jsonb_build_object('last_seen', NEW.last_seen));
  END IF;
  IF NEW.remote_config_status = 'FAILED' AND (OLD.remote_config_status IS DISTINCT FROM 'FAILED'
      OR OLD.remote_config_hash IS DISTINCT FROM NEW.remote_config_hash) THEN
    PERFORM flowgate_record_event(NEW.org_id, 'gateway.config_failed', 'gateway', NEW.id::text, NEW.name,
      jsonb_build_object('config_hash', NEW.remote_config_hash, 'error', left(NEW.remote_config_error, 2000)));
  END IF;
  RETURN NULL;
END
$$ LANGUAGE plpgsql;
CREATE TRIGGER gateways_record_events AFTER UPDATE OF connected, remote_config_status, remote_config_hash
  ON gateways FOR EACH ROW
  WHEN (OLD.connected IS DISTINCT FROM NEW.connected
        OR OLD.remote_config_status IS DISTINCT FROM NEW.remote_config_status
        OR OLD.remote_config_hash IS DISTINCT FROM NEW.remote_config_hash)
  EXECUTE FUNCTION gateways_record_events();

-- Webhooks: where events go. The signing secret and the URL are encrypted at rest (AES-256-GCM, platform/crypto.ts):
-- the server needs it to sign, so it cannot be a hash. Jira/GitHub connectors are webhooks of their own
-- format; their options name a Flowgate secret holding the token.
CREATE TABLE webhooks (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  name text NOT NULL,
  url_encrypted text NOT NULL,      -- the URL itself may be a credential (Slack's is): encrypted like the secret
  url_display text NOT NULL,        -- the URL with its credential-looking parts masked, for lists
  events text[] NOT NULL,
  format text NOT NULL CHECK (format IN ('json', 'slack', 'jira', 'github')),
  options jsonb NOT NULL DEFAULT '{}'::jsonb,
  secret_encrypted text NOT NULL,
  enabled boolean NOT NULL DEFAULT true,
  disabled_reason text,
  console_url text,                 -- where the org's users reached the console when it was created
  created_by_label text,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (org_id, name)
);
CREATE INDEX webhooks_org_idx ON webhooks (org_id, name, id);

CREATE TABLE webhook_deliveries (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  webhook_id uuid NOT NULL REFERENCES webhooks(id) ON DELETE CASCADE,
  event_id bigint NOT NULL REFERENCES domain_events(id) ON DELETE CASCADE,
  event_type text NOT NULL,
  status text NOT NULL CHECK (status IN ('pending', 'delivering', 'delivered', 'failed')),
  attempts integer NOT NULL DEFAULT 0,
  next_attempt_at timestamptz NOT NULL DEFAULT now(),
  lease_until timestamptz,          -- a replica is sending it until then (a dead replica's lease expires)
  retry_until timestamptz NOT NULL DEFAULT now() + interval '24 hours',
  last_error text,
  response_code integer,
  result jsonb,                     -- e.g. the Jira issue key or GitHub issue URL
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  delivered_at timestamptz,
  UNIQUE (webhook_id, event_id)
);
CREATE INDEX webhook_deliveries_list_idx ON webhook_deliveries (webhook_id, created_at DESC);
CREATE INDEX webhook_deliveries_due_idx ON webhook_deliveries (next_attempt_at) WHERE status IN ('pending', 'delivering');

CREATE TABLE webhook_attempts (
  id bigserial PRIMARY KEY,
  org_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  delivery_id uuid NOT NULL REFERENCES webhook_deliveries(id) ON DELETE CASCADE,
  attempt integer NOT NULL,
  started_at timestamptz NOT NULL,
  duration_ms integer NOT NULL,
  response_code integer,
  error text,
  response_excerpt text
);
CREATE INDEX webhook_attempts_delivery_idx ON webhook_attempts (delivery_id, attempt);

-- Alert rules: conditions an org wants to hear about; firing and resolving are events.
CREATE TABLE alert_rules (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  name text NOT NULL,
  kind text NOT NULL CHECK (kind IN ('gateway_unhealthy', 'rollout_failed', 'send_failures', 'savings_regressed')),
  params jsonb NOT NULL DEFAULT '{}'::jsonb,
  enabled boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (org_id, name)
);

-- What a rule currently sees per subject (a gateway, a deployment): since when, and whether it fired.
CREATE TABLE alert_states (
  rule_id uuid NOT NULL REFERENCES alert_rules(id) ON DELETE CASCADE,
  org_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  subject_id text NOT NULL,
  since timestamptz NOT NULL,
  fired_at timestamptz,
  figures jsonb,
  PRIMARY KEY (rule_id, subject_id)
);

-- A rollout paused by the data-plane gate keeps the figures that paused it.
ALTER TABLE deployments ADD COLUMN pause_details jsonb;
