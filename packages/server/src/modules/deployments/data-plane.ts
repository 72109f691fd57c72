// The data-plane gate's reads: the applied targets of a batch and their own-telemetry snapshots around
// the moment each applied. The verdict itself is pure (data-plane-gate.ts).
import type { DataPlaneGate } from '@flowgate/config-model';
import type { Sql } from '../../platform/db/db.ts';
import type { OrgScope } from '../../platform/scope.ts';
import type { MetricsSnapshot } from '../gateways/gateways.store.ts';
import { judgeGateway, totalsBetween, totalsSince, type CounterSnapshot, type Finding } from './data-plane-gate.ts';

const BEFORE_WINDOW_MS = 3600_000;

export interface DataPlaneReading {
  findings: Finding[];
  /** When the earliest target of the batch applied. */
  since: Date | null;
  /** Applied gateways that reported own telemetry since they applied. */
  reporting: number;
  applied: number;
}

export async function readDataPlane(
  sql: Sql,
  scope: OrgScope,
  deploymentId: string,
  batch: number,
  gate: DataPlaneGate | undefined,
  /** A resume acknowledged what came before it: only telemetry after it counts. */
  notBefore: Date | null = null,
): Promise<DataPlaneReading> {
  const targets = await sql.query<{ gateway_id: string; name: string; applied_at: Date }>(
    `SELECT dt.gateway_id, g.name, dt.updated_at AS applied_at FROM deployment_targets dt
       JOIN gateways g ON g.id = dt.gateway_id
      WHERE dt.org_id = $1 AND dt.deployment_id = $2 AND dt.batch = $3 AND dt.status = 'applied'`,
    [scope.orgId, deploymentId, batch],
  );
  if (targets.length === 0) return { findings: [], since: null, reporting: 0, applied: 0 };
  const startOf = (t: { applied_at: Date }) => Math.max(t.applied_at.getTime(), notBefore?.getTime() ?? 0);
  const earliest = new Date(Math.min(...targets.map(startOf)));
  const rows = await sql.query<{ gateway_id: string; values: MetricsSnapshot }>(
    `SELECT gateway_id, values FROM gateway_metrics
      WHERE org_id = $1 AND gateway_id = ANY($2::uuid[]) AND bucket >= $3 ORDER BY bucket`,
    [scope.orgId, targets.map((t) => t.gateway_id), new Date(earliest.getTime() - BEFORE_WINDOW_MS - 60_000)],
  );
  const byGateway = new Map<string, CounterSnapshot[]>();
  for (const r of rows) {
    const list = byGateway.get(r.gateway_id) ?? [];
    list.push({ ...r.values, at: new Date(r.values.at) });
    byGateway.set(r.gateway_id, list);
  }
  const findings: Finding[] = [];
  let reporting = 0;
  for (const t of targets) {
    const snaps = (byGateway.get(t.gateway_id) ?? []).sort((a, b) => a.at.getTime() - b.at.getTime());
    const applied = startOf(t);
    const pre = snaps.filter((s) => s.at.getTime() < applied && s.at.getTime() >= applied - BEFORE_WINDOW_MS);
    const post = snaps.filter((s) => s.at.getTime() >= applied);
    if (post.length === 0) continue;
    reporting++;
    const soak = totalsSince(pre[pre.length - 1] ?? null, post).totals;
    const before = pre.length >= 2 ? totalsBetween(pre[0]!, pre[pre.length - 1]!) : null;
    findings.push(...judgeGateway({ id: t.gateway_id, name: t.name }, soak, before, gate));
  }
  return { findings, since: earliest, reporting, applied: targets.length };
}
