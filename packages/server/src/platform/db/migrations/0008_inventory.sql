-- Edge measurement (docs/measurement.md): what the gateways' Flowgate processors report over OpAMP custom
-- messages. The latest point per (gateway, pipeline, position) answers the inventory API; hourly rows keep
-- the history (pruned after FLOWGATE_INVENTORY_RETENTION_DAYS).

-- OpAMP custom capabilities the agent announced (e.g. ["io.flowgate.measure"]); NULL: never announced any.
ALTER TABLE gateways ADD COLUMN custom_capabilities jsonb;

CREATE TABLE inventory_latest (
  org_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  gateway_id uuid NOT NULL REFERENCES gateways(id) ON DELETE CASCADE,
  pipeline text NOT NULL,
  position text NOT NULL CHECK (position IN ('in', 'out')),
  signal text NOT NULL,
  window_start timestamptz NOT NULL,
  window_end timestamptz NOT NULL,
  items bigint NOT NULL CHECK (items >= 0),
  bytes bigint NOT NULL CHECK (bytes >= 0),
  -- [{name, type, unit, monotonic, temporality, series, datapoints, bytes, labels, resource_labels}] as reported
  metrics jsonb NOT NULL DEFAULT '[]',
  metrics_dropped bigint NOT NULL DEFAULT 0,
  -- [{service, severity, records, bytes}]
  logs jsonb NOT NULL DEFAULT '[]',
  received_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (gateway_id, pipeline, position)
);
CREATE INDEX inventory_latest_org_idx ON inventory_latest (org_id, window_end DESC);

-- Per hour (of the window's start): items and bytes summed over the windows, and the seconds they cover.
CREATE TABLE inventory_hourly (
  org_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  gateway_id uuid NOT NULL REFERENCES gateways(id) ON DELETE CASCADE,
  hour timestamptz NOT NULL,
  pipeline text NOT NULL,
  position text NOT NULL CHECK (position IN ('in', 'out')),
  signal text NOT NULL,
  items bigint NOT NULL DEFAULT 0,
  bytes bigint NOT NULL DEFAULT 0,
  seconds integer NOT NULL DEFAULT 0,
  PRIMARY KEY (gateway_id, hour, pipeline, position)
);
CREATE INDEX inventory_hourly_org_hour_idx ON inventory_hourly (org_id, hour);
CREATE INDEX inventory_hourly_hour_idx ON inventory_hourly (hour);

-- Per hour and metric name, one row per (gateway, hour, pipeline, position):
-- {name: {type, unit, series, datapoints, bytes}} with series the largest of the hour's windows (distinct
-- series do not add up across windows: the maximum is a lower bound of the hour's), datapoints and bytes
-- summed. At most 10,000 names per row (the largest by bytes).
CREATE TABLE inventory_metric_hourly (
  org_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  gateway_id uuid NOT NULL REFERENCES gateways(id) ON DELETE CASCADE,
  hour timestamptz NOT NULL,
  pipeline text NOT NULL,
  position text NOT NULL CHECK (position IN ('in', 'out')),
  metrics jsonb NOT NULL DEFAULT '{}',
  PRIMARY KEY (gateway_id, hour, pipeline, position)
);
CREATE INDEX inventory_metric_hourly_org_hour_idx ON inventory_metric_hourly (org_id, hour);
CREATE INDEX inventory_metric_hourly_hour_idx ON inventory_metric_hourly (hour);
