// Gateway health rules (seed flowgate-agent-management.md "Health Calculation Logic"), refined by live
// OpAMP state: a connected WebSocket counts as "seen now", and the agent's own ComponentHealth wins
// over the heartbeat clock when it says unhealthy.

export const gatewayStatuses = ['registered', 'active', 'inactive', 'error'] as const;
export type GatewayStatus = (typeof gatewayStatuses)[number];
export const healthStatuses = ['healthy', 'warning', 'unhealthy', 'offline'] as const;
export type HealthStatus = (typeof healthStatuses)[number];

export const healthScores: Record<HealthStatus, number> = { healthy: 100, warning: 50, unhealthy: 20, offline: 0 };

/** Seconds since last seen at which a gateway that is not connected stops being healthy / starts being unhealthy. */
export const HEALTHY_WITHIN_SECONDS = 60;
export const WARNING_WITHIN_SECONDS = 300;

export interface HealthInput {
  status: GatewayStatus;
  lastSeen: Date | null;
  connected: boolean;
  /** The agent's own top-level ComponentHealth.healthy, when it reports health. */
  agentHealthy: boolean | null;
  now: Date;
}

export interface HealthResult {
  status: HealthStatus;
  score: number;
  secondsSinceLastSeen: number | null;
}

export function computeHealth(input: HealthInput): HealthResult {
  const seconds = input.lastSeen
    ? Math.max(0, Math.floor((input.now.getTime() - input.lastSeen.getTime()) / 1000))
    : null;
  const of = (status: HealthStatus): HealthResult => ({
    status,
    score: healthScores[status],
    secondsSinceLastSeen: seconds,
  });
  if (input.connected) {
    if (input.agentHealthy === false) return of('unhealthy');
    return of('healthy');
  }
  if (input.status === 'inactive' || input.status === 'error') return of('offline');
  if (seconds === null) return of(input.status === 'registered' ? 'warning' : 'offline');
  if (seconds <= HEALTHY_WITHIN_SECONDS && input.status === 'active')
    return input.agentHealthy === false ? of('unhealthy') : of('healthy');
  if (seconds <= WARNING_WITHIN_SECONDS) return input.agentHealthy === false ? of('unhealthy') : of('warning');
  return of('unhealthy');
}
