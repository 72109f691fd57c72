/** @jsxRuntime automatic */
import { Badge, type Tone } from '../../../components/ui/badge.tsx';
import { testIds } from '../../../lib/testids.ts';

const deploymentTone: Record<string, Tone> = {
  pending: 'neutral',
  in_progress: 'info',
  paused: 'warning',
  completed: 'success',
  failed: 'danger',
  cancelled: 'muted',
  rolled_back: 'accent',
};

const targetTone: Record<string, Tone> = {
  pending: 'neutral',
  applying: 'info',
  applied: 'success',
  failed: 'danger',
  excluded: 'muted',
  superseded: 'muted',
  cancelled: 'muted',
  rolled_back: 'accent',
};

export function humanize(status: string): string {
  const text = status.replace(/_/g, ' ');
  return text.charAt(0).toUpperCase() + text.slice(1);
}

export function DeploymentStatusBadge({
  status,
  testId = testIds.deployments.statusBadge,
}: {
  status: string;
  testId?: string;
}) {
  return (
    <Badge
      tone={deploymentTone[status] ?? 'neutral'}
      dot
      pulse={status === 'in_progress'}
      data-testid={testId}
      data-status={status}
    >
      {humanize(status)}
    </Badge>
  );
}

export function TargetStatusBadge({ status }: { status: string }) {
  return (
    <Badge
      tone={targetTone[status] ?? 'neutral'}
      dot
      pulse={status === 'applying'}
      data-testid={testIds.deploymentDetail.targetStatus}
      data-status={status}
    >
      {humanize(status)}
    </Badge>
  );
}

export function targetStatusColor(status: string): string {
  switch (status) {
    case 'applied':
      return 'bg-emerald-500';
    case 'applying':
      return 'bg-sky-500';
    case 'failed':
      return 'bg-red-500';
    case 'pending':
      return 'bg-zinc-300 dark:bg-zinc-600';
    case 'rolled_back':
      return 'bg-accent-400';
    default:
      return 'bg-zinc-200 dark:bg-zinc-700';
  }
}
