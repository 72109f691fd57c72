// A ready-to-use opampsupervisor configuration for zero-touch enrolment (seed "Supervisor UI").
// The plaintext registration token is not stored by the server, so the file references it from
// the environment; the supervisor expands ${VAR} in its configuration.

export function supervisorYaml(opts: {
  opampUrl: string;
  name: string;
  storageDir?: string;
  collectorBin?: string;
}): string {
  return `# Flowgate gateway "${opts.name}" — opampsupervisor configuration.
# Export FLOWGATE_TOKEN=<registration token> (shown once when it was created), then:
#   opampsupervisor --config supervisor.yaml
server:
  endpoint: ${opts.opampUrl}
  headers:
    Authorization: ["Bearer \${FLOWGATE_TOKEN}"]

capabilities:
  accepts_remote_config: true
  reports_remote_config: true
  reports_effective_config: true
  reports_health: true
  reports_own_metrics: true
  accepts_restart_command: true
  reports_available_components: true
  reports_heartbeat: true

storage:
  # Keep this directory: it holds the gateway's identity (instance_uid).
  directory: ${opts.storageDir ?? '/var/lib/flowgate-gateway'}

agent:
  executable: ${opts.collectorBin ?? '/usr/local/bin/otelcol-flowgate'}
  config_apply_timeout: 15s
  bootstrap_timeout: 15s
  description:
    non_identifying_attributes:
      flowgate.gateway.name: ${JSON.stringify(opts.name)}
`;
}
