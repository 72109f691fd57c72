-- OpAMP identity and live state beyond the seed's columns.
ALTER TABLE gateways ADD COLUMN instance_uid text;            -- OpAMP instance_uid (UUID text) the gateway connects with
CREATE UNIQUE INDEX gateways_org_instance_uid_key ON gateways (org_id, instance_uid) WHERE instance_uid IS NOT NULL;
ALTER TABLE gateways ADD COLUMN desired_config jsonb;          -- {files: {name: body}, deployment_id, template_id, version} with ${secret:NAME} unresolved
ALTER TABLE gateways ADD COLUMN own_metrics_offer_hash text;   -- last own_metrics offer sent (sent again only when it changes)
ALTER TABLE gateways ADD COLUMN connection_id text;            -- id of the live connection (replica-local socket id)
ALTER TABLE gateways ADD COLUMN pending_restart boolean NOT NULL DEFAULT false;

-- Per-gateway own-telemetry series (OTLP push from the collector, aggregated per minute).
CREATE TABLE gateway_metrics (
  org_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  gateway_id uuid NOT NULL REFERENCES gateways(id) ON DELETE CASCADE,
  bucket timestamptz NOT NULL,
  values jsonb NOT NULL,  -- {received:{signal:n}, sent:{..}, refused:{..}, send_failed:{..}, processors:{"proc|signal":{incoming,outgoing}}} cumulative counters at the end of the bucket
  PRIMARY KEY (gateway_id, bucket)
);
CREATE INDEX gateway_metrics_org_idx ON gateway_metrics (org_id, gateway_id, bucket DESC);
