// The data-plane gate (pure). During a batch's soak the engine reads each applied gateway's own
// telemetry — cumulative counters of items received, sent, refused and failed per signal, one snapshot
// per minute (modules/telemetry) — and asks: since this gateway applied the new version, are its
// exporters failing, did what it sends out fall to zero or far below what it sent before, are its
// receivers refusing data? Any of them pauses the rollout with these figures.
// TODO(inventory): the measurement processor's bytes in/out per pipeline (docs/measurement.md) would
// let the out-drop check compare bytes against the reduction the template's blocks predict; items from
// the collector's own counters are what every gateway reports today.
import type { DataPlaneGate } from '@flowgate/config-model';

export const SIGNALS = ['metric_points', 'log_records', 'spans'] as const;
export type Signal = (typeof SIGNALS)[number];
type Counter = 'received' | 'sent' | 'refused' | 'send_failed';
const COUNTERS: Counter[] = ['received', 'sent', 'refused', 'send_failed'];

export interface CounterSnapshot {
  at: Date;
  received: Record<string, number>;
  sent: Record<string, number>;
  refused: Record<string, number>;
  send_failed: Record<string, number>;
  /** Seconds the collector process has run (otelcol_process_uptime), when it reported it. */
  uptime?: number;
}
export type Totals = Record<Counter, number>;

export const gateDefaults = {
  enabled: true,
  max_send_failure_ratio: 0.05,
  max_refused_ratio: 0.05,
  max_out_drop: 0.9,
  min_items: 20,
} satisfies Required<DataPlaneGate>;

export interface Finding {
  gateway_id: string;
  gateway_name: string;
  signal: string;
  check: 'send_failures' | 'out_zero' | 'out_drop' | 'refused';
  message: string;
  figures: Record<string, number | null>;
}

const zero = (): Totals => ({ received: 0, sent: 0, refused: 0, send_failed: 0 });
const valueOf = (s: CounterSnapshot, c: Counter, signal: string) => s[c][signal] ?? 0;

/** The collector restarted (counters start again at zero): its uptime went down, or else a counter did. */
function restarted(prev: CounterSnapshot, cur: CounterSnapshot): boolean {
  if (prev.uptime !== undefined && cur.uptime !== undefined) return cur.uptime < prev.uptime;
  return COUNTERS.some((c) => SIGNALS.some((sig) => valueOf(cur, c, sig) < valueOf(prev, c, sig)));
}

/**
 * Items per signal counted between `from` and the last snapshot: increases between consecutive
 * snapshots, restarts included (after a restart the new counters count from zero). `baseline` is the
 * last snapshot before `from` (null: the first snapshot counts from zero — a collector that started
 * with the new version).
 */
export function totalsSince(
  baseline: CounterSnapshot | null,
  after: CounterSnapshot[],
): { totals: Record<Signal, Totals>; snapshots: number } {
  const totals = Object.fromEntries(SIGNALS.map((s) => [s, zero()])) as Record<Signal, Totals>;
  let prev = baseline;
  for (const cur of after) {
    const reset = !prev || restarted(prev, cur);
    for (const sig of SIGNALS)
      for (const c of COUNTERS)
        totals[sig][c] += reset ? valueOf(cur, c, sig) : valueOf(cur, c, sig) - valueOf(prev!, c, sig);
    prev = cur;
  }
  return { totals, snapshots: after.length };
}

/** Items per signal between two snapshots of one collector run (null when it restarted in between). */
export function totalsBetween(first: CounterSnapshot, last: CounterSnapshot): Record<Signal, Totals> | null {
  if (restarted(first, last)) return null;
  return Object.fromEntries(
    SIGNALS.map((sig) => [
      sig,
      Object.fromEntries(COUNTERS.map((c) => [c, valueOf(last, c, sig) - valueOf(first, c, sig)])) as Totals,
    ]),
  ) as Record<Signal, Totals>;
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const pct = (r: number) => `${(r * 100).toFixed(r < 0.1 ? 1 : 0)} %`;

/** The gate's verdict for one gateway: every check that trips, with its figures. */
export function judgeGateway(
  gateway: { id: string; name: string },
  soak: Record<Signal, Totals>,
  before: Record<Signal, Totals> | null,
  gate: DataPlaneGate = {},
): Finding[] {
  const g = { ...gateDefaults, ...gate };
  if (!g.enabled) return [];
  const findings: Finding[] = [];
  for (const signal of SIGNALS) {
    const t = soak[signal];
    const b = before?.[signal];
    const outRatio = t.received > 0 ? t.sent / t.received : null;
    const beforeRatio = b && b.received >= g.min_items ? b.sent / b.received : null;
    const figures = {
      received: t.received,
      sent: t.sent,
      send_failed: t.send_failed,
      refused: t.refused,
      out_ratio: outRatio,
      before_out_ratio: beforeRatio,
    };
    const add = (check: Finding['check'], message: string) =>
      findings.push({ gateway_id: gateway.id, gateway_name: gateway.name, signal, check, message, figures });
    const label = signal.replace('_', ' ');
    const attempted = t.sent + t.send_failed;
    if (t.send_failed > 0 && attempted >= g.min_items && t.send_failed / attempted > g.max_send_failure_ratio) {
      add(
        'send_failures',
        `${gateway.name}: exporters failed to send ${fmt(t.send_failed)} of ${fmt(attempted)} ${label} ` +
          `(${pct(t.send_failed / attempted)}, limit ${pct(g.max_send_failure_ratio)})`,
      );
      continue;
    }
    if (t.received >= g.min_items && t.sent === 0) {
      add(
        'out_zero',
        `${gateway.name}: received ${fmt(t.received)} ${label} but sent none out` +
          (beforeRatio !== null ? ` (before the rollout it sent ${pct(beforeRatio)} of what it received)` : ''),
      );
      continue;
    }
    if (t.received >= g.min_items && outRatio !== null && beforeRatio !== null && beforeRatio > 0) {
      const drop = 1 - outRatio / beforeRatio;
      if (drop > g.max_out_drop)
        add(
          'out_drop',
          `${gateway.name}: sends out ${pct(outRatio)} of the ${label} it receives, against ${pct(beforeRatio)} ` +
            `before the rollout (a fall of ${pct(drop)}, limit ${pct(g.max_out_drop)})`,
        );
    }
    const offered = t.received + t.refused;
    if (t.refused > 0 && offered >= g.min_items && t.refused / offered > g.max_refused_ratio)
      add(
        'refused',
        `${gateway.name}: receivers refused ${fmt(t.refused)} of ${fmt(offered)} ${label} ` +
          `(${pct(t.refused / offered)}, limit ${pct(g.max_refused_ratio)})`,
      );
  }
  return findings;
}
