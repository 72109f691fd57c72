import type {
  Deployment,
  DeploymentDetail,
  DeploymentStrategy,
  DeploymentTargetState,
} from '../../../lib/api/types.ts';
import type { DeploymentAction } from '../api/deployments-api.ts';

// Pure logic behind the deployment views: batches, progress and which actions a state allows.

export type BatchState = 'done' | 'active' | 'failed' | 'waiting' | 'skipped' | 'rolled_back';

export interface BatchGroup {
  batch: number;
  /** 1-based position for display. */
  position: number;
  /** Cumulative share of the fleet this batch brings the rollout to, when the strategy says. */
  percent: number | null;
  targets: DeploymentTargetState[];
  counts: Record<string, number>;
  state: BatchState;
}

const FINAL_OK = new Set(['applied']);
const SKIPPED = new Set(['excluded', 'superseded', 'cancelled']);
const TERMINAL = new Set(['completed', 'failed', 'cancelled', 'rolled_back']);

export function countByStatus(targets: DeploymentTargetState[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const t of targets) counts[t.status] = (counts[t.status] ?? 0) + 1;
  return counts;
}

/**
 * Groups targets by batch number in rollout order. A batch is done when every target applied (or was
 * skipped), failed when any failed, active while some are applying (or it is the current batch of a
 * running deployment), waiting otherwise.
 */
export function groupByBatch(
  targets: DeploymentTargetState[],
  strategy: DeploymentStrategy,
  deploymentStatus: string,
  currentBatch: number,
): BatchGroup[] {
  const byBatch = new Map<number, DeploymentTargetState[]>();
  for (const t of targets) {
    const list = byBatch.get(t.batch) ?? [];
    list.push(t);
    byBatch.set(t.batch, list);
  }
  const batches = [...byBatch.keys()].sort((a, b) => a - b);
  const percents =
    strategy.type === 'canary' && strategy.batches && strategy.batches.length === batches.length
      ? strategy.batches
      : null;
  const running = deploymentStatus === 'in_progress' || deploymentStatus === 'pending';
  const over = TERMINAL.has(deploymentStatus);
  return batches.map((batch, index) => {
    const list = (byBatch.get(batch) ?? []).slice().sort((a, b) => a.gateway_name.localeCompare(b.gateway_name));
    const counts = countByStatus(list);
    const settled = list.every((t) => FINAL_OK.has(t.status) || SKIPPED.has(t.status));
    const allSkipped = list.length > 0 && list.every((t) => SKIPPED.has(t.status));
    const rolledBack =
      list.length > 0 &&
      list.some((t) => t.status === 'rolled_back') &&
      list.every((t) => t.status === 'rolled_back' || SKIPPED.has(t.status));
    let state: BatchState;
    if ((counts.failed ?? 0) > 0) state = 'failed';
    else if (rolledBack) state = 'rolled_back';
    else if (allSkipped) state = 'skipped';
    else if (settled) state = 'done';
    // A finished deployment has nothing in flight: unreached batches were skipped, not waiting.
    else if (over) state = 'skipped';
    else if ((counts.applying ?? 0) > 0 || (running && batch === currentBatch)) state = 'active';
    else state = 'waiting';
    return {
      batch,
      position: index + 1,
      percent: percents ? (percents[index] ?? null) : null,
      targets: list,
      counts,
      state,
    };
  });
}

/** "2 rolled back · 1 cancelled": targets in neither applied, applying, failed nor pending. */
export function otherStatusesLabel(targets: DeploymentTargetState[]): string | null {
  const counts = countByStatus(targets);
  const parts = Object.entries(counts)
    .filter(([status]) => !['applied', 'applying', 'failed', 'pending'].includes(status))
    .map(([status, n]) => `${n} ${status.replace(/_/g, ' ')}`);
  return parts.length ? parts.join(' · ') : null;
}

export interface Progress {
  total: number;
  applied: number;
  failed: number;
  applying: number;
  pending: number;
  skipped: number;
  /** 0..1 share of targets that reached a final state. */
  done: number;
}

export function progressOf(targets: DeploymentTargetState[]): Progress {
  const counts = countByStatus(targets);
  const total = targets.length;
  const applied = counts.applied ?? 0;
  const failed = counts.failed ?? 0;
  const applying = counts.applying ?? 0;
  const pending = counts.pending ?? 0;
  const skipped = total - applied - failed - applying - pending;
  return { total, applied, failed, applying, pending, skipped, done: total ? (applied + failed + skipped) / total : 0 };
}

/** Buttons offered for a deployment status. The server decides; this only hides impossible ones. */
export function availableActions(status: string): DeploymentAction[] {
  switch (status) {
    case 'pending':
    case 'in_progress':
      return ['pause', 'cancel'];
    case 'paused':
      return ['resume', 'cancel', 'rollback'];
    case 'failed':
      return ['resume', 'rollback'];
    case 'completed':
    case 'cancelled':
      return ['rollback'];
    default:
      return [];
  }
}

export function isActive(status: string): boolean {
  return status === 'pending' || status === 'in_progress' || status === 'paused';
}

/** "10, 50, 100" → [10, 50, 100]; null when not an increasing list of percents ending at 100. */
export function parseBatches(text: string): number[] | null {
  const parts = text
    .split(/[\s,]+/)
    .map((p) => p.trim().replace(/%$/, ''))
    .filter(Boolean);
  if (parts.length === 0 || parts.length > 20) return null;
  const values = parts.map(Number);
  if (values.some((v) => !Number.isFinite(v) || v <= 0 || v > 100)) return null;
  for (let i = 1; i < values.length; i += 1) if (values[i]! <= values[i - 1]!) return null;
  if (values.at(-1) !== 100) return null;
  return values;
}

export function targetSummary(deployment: Pick<DeploymentDetail, 'target'>): string {
  const { gateway_ids: ids, tags } = deployment.target;
  if (tags && Object.keys(tags).length > 0)
    return Object.entries(tags)
      .map(([k, v]) => `${k}=${v}`)
      .join(', ');
  if (ids) return `${ids.length} gateway${ids.length === 1 ? '' : 's'}`;
  return '—';
}

export function strategyLabel(deployment: Pick<Deployment, 'strategy'>): string {
  const s = deployment.strategy;
  if (s.type === 'canary') return `Canary ${(s.batches ?? []).join(' → ')}${s.batches?.length ? '%' : ''}`;
  return 'All at once';
}

/**
 * How many gateways each canary batch adds, from cumulative percents: 20 gateways with 10, 50, 100
 * → [2, 8, 10]. Every batch gets at least one gateway while any remain (a 1% canary of 20 is 1).
 */
export function batchSizes(total: number, percents: number[]): number[] {
  const sizes: number[] = [];
  let reached = 0;
  for (const pct of percents) {
    const cumulative = Math.min(total, Math.max(Math.ceil((total * pct) / 100), reached + (reached < total ? 1 : 0)));
    sizes.push(cumulative - reached);
    reached = cumulative;
  }
  return sizes;
}
