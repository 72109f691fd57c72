/** @jsxRuntime automatic */
import { Badge, type Tone } from '../../../components/ui/badge.tsx';
import type { GatewaySummary, HealthStatus } from '../../../lib/api/types.ts';
import { testIds } from '../../../lib/testids.ts';

export const healthTone: Record<HealthStatus, Tone> = {
  healthy: 'success',
  warning: 'warning',
  unhealthy: 'danger',
  offline: 'muted',
};

const healthLabel: Record<HealthStatus, string> = {
  healthy: 'Healthy',
  warning: 'Warning',
  unhealthy: 'Unhealthy',
  offline: 'Offline',
};

export function HealthBadge({ status, score }: { status: HealthStatus; score?: number }) {
  return (
    <Badge
      tone={healthTone[status]}
      dot
      data-testid={testIds.agents.healthBadge}
      data-status={status}
      title={score !== undefined ? `Health score ${score}/100` : undefined}
    >
      {healthLabel[status]}
      {score !== undefined && <span className="tabular-nums opacity-70">{score}</span>}
    </Badge>
  );
}

const statusTone: Record<string, Tone> = { active: 'success', registered: 'info', inactive: 'muted', error: 'danger' };

/** Lifecycle status plus whether a live OpAMP connection is open right now. */
export function GatewayStatusBadge({ gateway }: { gateway: Pick<GatewaySummary, 'status' | 'connected'> }) {
  const disconnected = !gateway.connected && gateway.status === 'active';
  const tone = gateway.connected ? 'success' : disconnected ? 'warning' : (statusTone[gateway.status] ?? 'neutral');
  const label = gateway.connected
    ? 'Connected'
    : disconnected
      ? 'Disconnected'
      : gateway.status.charAt(0).toUpperCase() + gateway.status.slice(1);
  return (
    <Badge
      tone={tone}
      dot
      pulse={gateway.connected}
      data-testid={testIds.agents.statusBadge}
      data-status={gateway.connected ? 'connected' : gateway.status}
      title={disconnected ? 'Enrolled and active, but no OpAMP connection right now' : undefined}
    >
      {label}
    </Badge>
  );
}

const remoteTone: Record<string, Tone> = { APPLIED: 'success', APPLYING: 'info', FAILED: 'danger', UNSET: 'muted' };
const remoteLabel: Record<string, string> = {
  APPLIED: 'Applied',
  APPLYING: 'Applying',
  FAILED: 'Failed',
  UNSET: 'Not set',
};

export function RemoteConfigBadge({ status, ...rest }: { status: string | null; 'data-testid'?: string }) {
  const key = status ?? 'UNSET';
  return (
    <Badge tone={remoteTone[key] ?? 'neutral'} dot data-status={key} {...rest}>
      {remoteLabel[key] ?? key}
    </Badge>
  );
}

export function TransportLabel({
  transport,
  mode,
}: {
  transport: GatewaySummary['transport'];
  mode?: GatewaySummary['mode'];
}) {
  if (!transport) return <span className="text-zinc-400">—</span>;
  return (
    <span className="text-xs whitespace-nowrap text-zinc-600 dark:text-zinc-400">
      {transport === 'websocket' ? 'WebSocket' : 'HTTP'}
      {mode && mode !== 'unknown' && <span className="text-zinc-400"> · {mode}</span>}
    </span>
  );
}
