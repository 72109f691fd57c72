// Alert rules at work. `rollout_failed` reacts to events as the outbox relay hands them over (inside its
// transaction); the others look at state every `intervalMs` on one replica (advisory lock): gateways
// unhealthy or disconnected for too long, exporter send failures above a rate, and what gateways send
// out after a completed rollout. A rule fires once per subject (a gateway, a rollout) and resolves when
// the condition is over; both are events (alert.fired, alert.resolved), so they reach webhooks.
import type pino from 'pino';
import { alertRuleDefaults, summarizeEvent } from '@flowgate/config-model';
import type { Db, Sql } from '../../platform/db/db.ts';
import { advisoryLocks } from '../../platform/names.ts';
import { systemScope, type OrgScope } from '../../platform/scope.ts';
import { recordEvent, type EventRow } from '../events/events.store.ts';
import { healthOf, isLive } from '../gateways/gateways.service.ts';
import { totalsSince, SIGNALS, type CounterSnapshot } from '../deployments/data-plane-gate.ts';
import type { MetricsSnapshot } from '../gateways/gateways.store.ts';
import * as store from './alerts.store.ts';
import type { AlertRuleRow, AlertStateRow } from './alerts.store.ts';

/** What a rule sees now for one subject. */
interface Observation {
  subjectType: 'gateway' | 'deployment';
  subjectId: string;
  subjectName: string;
  /** Since when the condition holds (for "longer than N minutes"). */
  since: Date;
  /** The condition is bad enough to fire now (else it is only watched). */
  fire: boolean;
  message: string;
  figures: Record<string, unknown>;
}

const params = (r: AlertRuleRow) => ({ ...alertRuleDefaults[r.kind], ...r.params });
const fmt = (n: number) => (Math.round(n * 10) / 10).toLocaleString('en-US');

function ruleData(r: AlertRuleRow, o: Pick<Observation, 'message' | 'figures'>) {
  return { rule_id: r.id, rule_name: r.name, kind: r.kind, message: o.message, figures: o.figures };
}

async function observeUnhealthy(sql: Sql, scope: OrgScope, r: AlertRuleRow, states: Map<string, AlertStateRow>) {
  const minutes = params(r).minutes!;
  const now = Date.now();
  const out: Observation[] = [];
  for (const g of await store.seenGateways(sql, scope)) {
    const live = isLive(g, now);
    const health = healthOf(g, new Date(now)).status;
    if (live && health !== 'unhealthy' && health !== 'offline') continue;
    // Disconnected since its last message; unhealthy since we first saw it so.
    const since = !live && g.last_seen ? g.last_seen : (states.get(g.id)?.since ?? new Date(now));
    const forMinutes = (now - since.getTime()) / 60_000;
    out.push({
      subjectType: 'gateway',
      subjectId: g.id,
      subjectName: g.name,
      since,
      fire: forMinutes >= minutes,
      message: `Gateway ${g.name} has been ${live ? 'unhealthy' : 'disconnected'} for ${Math.floor(forMinutes)} minutes (limit ${minutes})`,
      figures: { minutes: Math.floor(forMinutes), limit_minutes: minutes, connected: live, health },
    });
  }
  return out;
}

function bySubject(rows: { gateway_id: string; name: string; values: MetricsSnapshot }[]) {
  const m = new Map<string, { name: string; snaps: CounterSnapshot[] }>();
  for (const r of rows) {
    const e = m.get(r.gateway_id) ?? { name: r.name, snaps: [] };
    e.snaps.push({ ...r.values, at: new Date(r.values.at) });
    m.set(r.gateway_id, e);
  }
  return m;
}

async function observeSendFailures(sql: Sql, scope: OrgScope, r: AlertRuleRow, states: Map<string, AlertStateRow>) {
  const { per_minute: perMinute, minutes } = params(r) as { per_minute: number; minutes: number };
  const from = new Date(Date.now() - (minutes + 1) * 60_000);
  const out: Observation[] = [];
  for (const [id, g] of bySubject(await store.snapshotsSince(sql, scope, from))) {
    if (g.snaps.length < 2) continue;
    const first = g.snaps[0]!;
    const last = g.snaps[g.snaps.length - 1]!;
    const spanMin = Math.max(1, (last.at.getTime() - first.at.getTime()) / 60_000);
    const totals = totalsSince(first, g.snaps.slice(1)).totals;
    const failed = SIGNALS.reduce((n, s) => n + totals[s].send_failed, 0);
    const rate = failed / spanMin;
    if (rate <= perMinute) continue;
    out.push({
      subjectType: 'gateway',
      subjectId: id,
      subjectName: g.name,
      since: states.get(id)?.since ?? new Date(),
      fire: true,
      message: `Gateway ${g.name}: exporters failed to send ${fmt(rate)} items per minute over ${fmt(spanMin)} minutes (limit ${fmt(perMinute)})`,
      figures: { failed_items: failed, per_minute: rate, limit_per_minute: perMinute, minutes: spanMin },
    });
  }
  return out;
}

/** Items sent per minute by these gateways between two instants (null without two snapshots each). */
function sentPerMinute(snaps: Map<string, { snaps: CounterSnapshot[] }>, from: number, to: number): number | null {
  let items = 0;
  let minutes = 0;
  for (const g of snaps.values()) {
    const inside = g.snaps.filter((s) => s.at.getTime() >= from && s.at.getTime() <= to);
    if (inside.length < 2) continue;
    const t = totalsSince(inside[0]!, inside.slice(1)).totals;
    items += SIGNALS.reduce((n, s) => n + t[s].sent, 0);
    minutes = Math.max(minutes, (inside[inside.length - 1]!.at.getTime() - inside[0]!.at.getTime()) / 60_000);
  }
  return minutes >= 1 ? items / minutes : null;
}

async function observeSavings(sql: Sql, scope: OrgScope, r: AlertRuleRow) {
  const { percent, window_minutes: windowMin } = params(r) as { percent: number; window_minutes: number };
  const w = windowMin * 60_000;
  const out: Observation[] = [];
  for (const d of await store.recentlyCompleted(sql, scope, 24)) {
    const done = d.completed_at.getTime();
    if (!d.gateway_ids?.length || Date.now() < done + w) continue;
    // TODO(inventory): bytes out per pipeline from the measurement processor instead of items sent.
    const snaps = bySubject(
      await store.snapshotsSince(sql, scope, new Date(d.started_at.getTime() - w - 60_000), d.gateway_ids),
    );
    const before = sentPerMinute(snaps, d.started_at.getTime() - w, d.started_at.getTime());
    const after = sentPerMinute(snaps, done, done + w);
    if (before === null || after === null || before <= 0) continue;
    const up = (after / before - 1) * 100;
    if (up <= percent) continue;
    const name = d.name ?? `${d.template_name ?? 'template'} v${d.version}`;
    out.push({
      subjectType: 'deployment',
      subjectId: d.id,
      subjectName: name,
      since: d.completed_at,
      fire: true,
      message: `After rollout ${name}, gateways send ${fmt(after)} items per minute against ${fmt(before)} before (+${fmt(up)} %, limit ${fmt(percent)} %)`,
      figures: { before_per_minute: before, after_per_minute: after, increase_percent: up, limit_percent: percent },
    });
  }
  return out;
}

export function createAlertEngine(deps: {
  db: Db;
  logger: pino.Logger;
  /** Events were committed: publish them now. */
  eventsRecorded: () => void;
  intervalMs?: number;
}) {
  const { db } = deps;
  const log = deps.logger.child({ component: 'alerts' });
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<void> | null = null;

  /** Applies one rule's observations: fire new ones, keep watching, resolve what is over. */
  async function apply(
    sql: Sql,
    scope: OrgScope,
    r: AlertRuleRow,
    seen: Observation[],
    states: Map<string, AlertStateRow>,
    resolves: boolean,
  ) {
    let events = 0;
    const now = new Date();
    for (const o of seen) {
      const prior = states.get(o.subjectId);
      const firedAt = prior?.fired_at ?? (o.fire ? now : null);
      if (o.fire && !prior?.fired_at) {
        await recordEvent(sql, scope, {
          type: 'alert.fired',
          subject: { type: o.subjectType, id: o.subjectId, name: o.subjectName },
          data: ruleData(r, o),
        });
        events++;
      }
      await store.upsertState(sql, scope, {
        ruleId: r.id,
        subjectId: o.subjectId,
        since: o.since,
        firedAt,
        figures: { ...o.figures, name: o.subjectName },
      });
    }
    if (!resolves) return events;
    const still = new Set(seen.map((o) => o.subjectId));
    for (const s of states.values()) {
      if (still.has(s.subject_id)) continue;
      await store.deleteState(sql, scope, r.id, s.subject_id);
      if (s.fired_at) {
        const name = (s.figures as { name?: string } | null)?.name ?? null;
        await recordEvent(sql, scope, {
          type: 'alert.resolved',
          subject: { type: r.kind === 'savings_regressed' ? 'deployment' : 'gateway', id: s.subject_id, name },
          data: ruleData(r, { message: `The condition of "${r.name}" is over`, figures: {} }),
        });
        events++;
      }
    }
    return events;
  }

  async function evaluateRule(r: AlertRuleRow): Promise<number> {
    const scope = systemScope(r.org_id, { type: 'system', id: null, label: 'alert-rules' });
    return db.tx(async (sql) => {
      const states = new Map((await store.statesOf(sql, scope, r.id)).map((s) => [s.subject_id, s]));
      if (r.kind === 'gateway_unhealthy')
        return apply(sql, scope, r, await observeUnhealthy(sql, scope, r, states), states, true);
      if (r.kind === 'send_failures')
        return apply(sql, scope, r, await observeSendFailures(sql, scope, r, states), states, true);
      // A regression is told once per rollout; its state stays so it is not told again.
      if (r.kind === 'savings_regressed')
        return apply(sql, scope, r, await observeSavings(sql, scope, r), states, false);
      return 0;
    });
  }

  /** One pass over every periodic rule of every org. Returns the number of events recorded. */
  async function evaluate(): Promise<number> {
    const run = async (sql: Sql) => {
      let events = 0;
      for (const r of await store.enabledRules(sql, ['gateway_unhealthy', 'send_failures', 'savings_regressed'])) {
        try {
          events += await evaluateRule(r);
        } catch (err) {
          log.warn({ err: (err as Error).message, rule: r.id }, 'alert rule evaluation failed');
        }
      }
      return events;
    };
    let events = 0;
    if (db.kind === 'pglite') events = await run(db);
    else
      await db.session(async (sql) => {
        const [{ ok } = { ok: false }] = await sql.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1) AS ok', [
          advisoryLocks.alertEngine,
        ]);
        if (!ok) return;
        try {
          events = await run(db);
        } finally {
          await sql.query('SELECT pg_advisory_unlock($1)', [advisoryLocks.alertEngine]);
        }
      });
    if (events) deps.eventsRecorded();
    return events;
  }

  return {
    evaluate,
    /** Outbox consumer: rollout_failed rules turn deployment.failed (and, if asked, deployment.paused) into alerts. */
    async onEvents(sql: Sql, events: EventRow[]) {
      const relevant = events.filter((e) => e.type === 'deployment.failed' || e.type === 'deployment.paused');
      if (relevant.length === 0) return;
      const rules = await store.enabledRules(sql, ['rollout_failed'], [...new Set(relevant.map((e) => e.org_id))]);
      for (const e of relevant)
        for (const r of rules) {
          if (r.org_id !== e.org_id || (e.type === 'deployment.paused' && !params(r).include_paused)) continue;
          const subject = { type: e.subject_type, id: e.subject_id, name: e.subject_name };
          await recordEvent(sql, systemScope(e.org_id), {
            type: 'alert.fired',
            subject,
            data: ruleData(r, {
              message: summarizeEvent({ type: e.type, subject, data: e.data }),
              figures: { event_id: e.id },
            }),
          });
        }
    },
    start() {
      const every = deps.intervalMs ?? 30_000;
      timer = setInterval(() => {
        if (running) return;
        running = evaluate()
          .then(() => undefined)
          .catch((err: Error) => log.warn({ err: err.message }, 'alert evaluation failed'))
          .finally(() => {
            running = null;
          });
      }, every);
      timer.unref();
    },
    async stop() {
      if (timer) clearInterval(timer);
      while (running) await running;
    },
  };
}
export type AlertEngine = ReturnType<typeof createAlertEngine>;
