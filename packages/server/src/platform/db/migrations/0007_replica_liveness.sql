-- Which control-plane process holds a gateway's WebSocket, and whether that process is still alive:
-- a replica that crashed (SIGKILL, OOM, lost host) cannot mark its gateways disconnected itself.
ALTER TABLE gateways ADD COLUMN replica_id text;
CREATE TABLE opamp_replicas (
  id text PRIMARY KEY,
  started_at timestamptz NOT NULL DEFAULT now(),
  seen_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX gateways_replica_idx ON gateways (replica_id) WHERE connected;
