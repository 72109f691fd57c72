-- The configuration a gateway last reported APPLIED (to re-send when a newer one FAILS: the supervisor
-- at our pinned release has no automatic rollback), and what the control plane did about a failure.
ALTER TABLE gateways ADD COLUMN applied_config jsonb;
ALTER TABLE gateways ADD COLUMN applied_config_hash text;
ALTER TABLE gateways ADD COLUMN config_recovery text;
ALTER TABLE gateways ADD COLUMN config_recovery_at timestamptz;
