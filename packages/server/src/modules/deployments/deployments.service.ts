// Rollouts: a template version to gateways, in growing batches, pausing on the first failure, with
// rollback to each gateway's previous configuration. All state is in the database; a tick on one
// replica (advisory lock) advances soaking batches, so a control-plane restart resumes a rollout.
import type pino from 'pino';
import { configHash } from '@flowgate/opamp';
import type { ValidationResult } from '@flowgate/config-model';
import type { Db } from '../../platform/db/db.ts';
import { AppError } from '../../platform/errors.ts';
import { advisoryLocks } from '../../platform/names.ts';
import { systemScope, type OrgScope } from '../../platform/scope.ts';
import { audit } from '../audit/audit.store.ts';
import * as gwStore from '../gateways/gateways.store.ts';
import { AcceptsRemoteConfig, BASE_CONFIG_YAML, healthOf, type GatewaysService } from '../gateways/gateways.service.ts';
import type { DesiredConfig } from '../gateways/gateways.store.ts';
import type { SettingsService } from '../settings/settings.service.ts';
import * as store from './deployments.store.ts';
import type { DeploymentRow } from './deployments.store.ts';
import { pauseAsFailed, recordDeploymentEvent, type DeploymentEventType } from './deployment-events.ts';
import { readDataPlane } from './data-plane.ts';

export const CONFIG_FILE_NAME = 'collector.yaml';
const REPORT_FLUSH_MS = 100;
/** Attempts at recording one batch of reports before it is left to the reconcile. */
const MAX_BATCH_ATTEMPTS = 5;
/** How often the engine looks for targets whose report was never recorded. */
const RECONCILE_EVERY_MS = 10_000;

export interface ConfigReport {
  orgId: string;
  gatewayId: string;
  hash: string | null;
  status: string;
  error: string | null;
}
/** Reports of one moment, grouped by what they say: org, hash, outcome and error text. */
type ReportBatch = Map<
  string,
  { orgId: string; hash: string; status: string; error: string | null; gatewayIds: Set<string> }
>;

/** Ordered batches of config reports, flushed every intervalMs (see the deployments service). */
export function createReportQueue(
  record: (batch: ReportBatch) => Promise<void>,
  opts: { intervalMs: number; onError: (err: unknown) => void },
) {
  const queue: ReportBatch[] = [];
  let open: ReportBatch = new Map();
  let openGateways = new Set<string>();
  let flushing: Promise<void> | null = null;
  let closed = false;
  /** Failed attempts of the batch at the head of the queue. */
  let headFailures = 0;
  const flush = async (): Promise<void> => {
    while (flushing) await flushing;
    if (open.size) {
      queue.push(open);
      open = new Map();
      openGateways = new Set();
    }
    if (queue.length === 0) return;
    flushing = (async () => {
      try {
        while (queue.length) {
          await record(queue[0]!);
          queue.shift();
          headFailures = 0;
        }
      } catch (err) {
        opts.onError(err);
        // The failed batch stays first and is retried — but a batch that keeps failing must not hold up
        // every report after it: it is let go, and the engine's reconcile records those targets from
        // what their gateways reported (deployments.store.ts reconcileApplying).
        if (++headFailures >= MAX_BATCH_ATTEMPTS) {
          queue.shift();
          headFailures = 0;
        }
      } finally {
        flushing = null;
      }
    })();
    await flushing;
  };
  const timer = setInterval(() => void flush(), opts.intervalMs);
  timer.unref();
  return {
    add(e: ConfigReport) {
      if (!e.hash) return; // a report without a hash matches no target
      if (closed) return;
      if (openGateways.has(e.gatewayId)) {
        queue.push(open);
        open = new Map();
        openGateways = new Set();
      }
      openGateways.add(e.gatewayId);
      const key = `${e.orgId}\n${e.hash}\n${e.status}\n${e.error ?? ''}`;
      let g = open.get(key);
      if (!g)
        open.set(key, (g = { orgId: e.orgId, hash: e.hash, status: e.status, error: e.error, gatewayIds: new Set() }));
      g.gatewayIds.add(e.gatewayId);
    },
    flush,
    async close() {
      clearInterval(timer);
      await flush();
      closed = true;
    },
    pending: () => queue.reduce((n, b) => n + b.size, open.size),
  };
}

export interface CreateDeploymentInput {
  template_id: string;
  version: number;
  name?: string;
  target: { gateway_ids?: string[]; tags?: Record<string, string> };
  strategy?: { type: 'all_at_once' | 'canary'; batches?: number[]; soak_seconds?: number; pause_on_failure?: boolean };
}

const hexHash = (files: Record<string, string>) =>
  Buffer.from(configHash(Object.fromEntries(Object.entries(files).map(([k, v]) => [k, { body: v }])))).toString('hex');

/** Cumulative percentages → batch index per position (every batch gets at least one gateway while any are left). */
export function assignBatches(n: number, cumulativePercents: number[]): number[] {
  const out: number[] = [];
  let given = 0;
  cumulativePercents.forEach((p, i) => {
    const last = i === cumulativePercents.length - 1;
    let upTo = last ? n : Math.min(n, Math.max(given + 1, Math.ceil((n * p) / 100)));
    if (upTo <= given && !last) upTo = given;
    for (; given < upTo; given++) out.push(i);
  });
  return out;
}

export function createDeploymentsService(deps: {
  db: Db;
  gateways: GatewaysService;
  settings: SettingsService;
  logger: pino.Logger;
  resolveConfig?: (scope: OrgScope, files: Record<string, string>) => Promise<Record<string, string>>;
  validate?: (scope: OrgScope, yaml: string, gatewayIds: string[]) => Promise<ValidationResult>;
  tickMs?: number;
  /** How long config reports are gathered before they are recorded together (default 100 ms). */
  reportFlushMs?: number;
  /** Domain events were committed: publish them now (the outbox relay). */
  eventsRecorded?: () => void;
  /** How often a soaking batch's own telemetry is read (default 10 s). */
  dataPlaneEveryMs?: number;
}) {
  const { db, gateways } = deps;
  const log = deps.logger.child({ component: 'deployments' });
  const resolve = deps.resolveConfig ?? (async (_s: OrgScope, f: Record<string, string>) => f);
  const emit = (orgId: string, id: string, data?: Record<string, unknown>) =>
    void gateways.publishEvent('deployment.updated', orgId, id, data);
  const eventsRecorded = () => deps.eventsRecorded?.();
  const dataPlaneEveryMs = deps.dataPlaneEveryMs ?? 10_000;
  /** When each soaking deployment's telemetry was last read (it is not read on every tick). */
  const dataPlaneReadAt = new Map<string, number>();

  async function view(
    scope: OrgScope,
    d: DeploymentRow & { template_name?: string | null },
    counts?: Record<string, number>,
  ) {
    const c = counts ?? Object.fromEntries((await store.targetCounts(db, scope, [d.id])).map((r) => [r.status, r.n]));
    return {
      id: d.id,
      org_id: d.org_id,
      name: d.name,
      template_id: d.template_id,
      template_name: d.template_name ?? (await store.templateVersion(db, scope, d.template_id, d.version))?.name ?? '',
      version: d.version,
      status: d.status,
      reason: d.reason,
      target: d.target,
      strategy: d.strategy,
      current_batch: d.current_batch,
      created_by: d.created_by_label,
      created_at: d.created_at.toISOString(),
      updated_at: d.updated_at.toISOString(),
      counts: c,
      pause_details: d.pause_details ?? null,
    };
  }

  /** Sends batch `batch`'s pending targets their config (one UPDATE and one bus message for the whole batch). */
  async function pushBatch(scope: OrgScope, d: DeploymentRow, batch: number, files: Record<string, string>) {
    const ids = await store.batchTargetIds(db, scope, d.id, batch, 'pending');
    if (ids.length === 0) return;
    const resolved = await resolve(scope, files);
    const hash = hexHash(resolved);
    const desired: DesiredConfig = { files, deployment_id: d.id, template_id: d.template_id, version: d.version };
    await db.tx(async (sql) => {
      await store.setTargets(sql, scope, d.id, ids, 'applying');
      await gwStore.setDesiredForMany(sql, scope, ids, desired, hash);
    });
    await gateways.command({ type: 'push', org_id: scope.orgId, gateway_id: ids[0]!, gateway_ids: ids });
    // Gateways that already run exactly this config (reported APPLIED with this hash) are done now.
    const already = await db.query<{ id: string }>(
      'SELECT id FROM gateways WHERE org_id = $1 AND id = ANY($2::uuid[]) AND remote_config_hash = $3 ' +
        "AND remote_config_status = 'APPLIED'",
      [scope.orgId, ids, hash],
    );
    if (already.length)
      await store.setTargets(
        db,
        scope,
        d.id,
        already.map((r) => r.id),
        'applied',
      );
  }

  async function filesOf(scope: OrgScope, d: DeploymentRow): Promise<Record<string, string>> {
    const tv = await store.templateVersion(db, scope, d.template_id, d.version);
    if (!tv) throw new AppError('TEMPLATE_NOT_FOUND', 'The deployed template version no longer exists');
    return { [CONFIG_FILE_NAME]: tv.config_yaml };
  }

  /** Moves one deployment forward: pause on failure, complete a soaked batch, start the next. */
  async function evaluate(scope: OrgScope, id: string): Promise<void> {
    const d = await store.getDeployment(db, scope, id);
    if (!d || d.status !== 'in_progress') return;
    const pauseOnFailure = d.strategy.pause_on_failure ?? true;
    const f = pauseOnFailure ? await store.firstFailure(db, scope, id, d.current_batch, d.resumed_at) : null;
    if (f) {
      const reason = `Gateway ${f.gateway_name} failed to apply version ${d.version}: ${f.error ?? 'no error text'}`;
      await db.tx((sql) => pauseAsFailed(sql, scope, d, 'apply_failed', reason));
      log.info({ deployment: id, reason }, 'deployment paused on failure');
      emit(scope.orgId, id);
      eventsRecorded();
      return;
    }
    const counts = await store.batchCounts(db, scope, id, d.current_batch);
    if (counts.pending) {
      await pushBatch(scope, d, d.current_batch, await filesOf(scope, d));
      return;
    }
    if (counts.applying) return;
    // Batch done: soak, with every applied gateway healthy.
    if (!d.batch_applied_at) {
      await store.updateDeployment(db, scope, id, { batch_applied_at: new Date() });
      emit(scope.orgId, id);
      return evaluate(scope, id);
    }
    const soakMs =
      (d.strategy.soak_seconds ??
        (d.strategy.type === 'canary' ? (await deps.settings.get(scope)).deployment_default_soak_seconds : 0)) * 1000;
    const soaked = Date.now() - d.batch_applied_at.getTime() >= soakMs;
    // The data plane: read while soaking (every dataPlaneEveryMs) and once more when the soak ends.
    if (pauseOnFailure && d.strategy.data_plane_gate?.enabled !== false && soakMs > 0) {
      const last = dataPlaneReadAt.get(id) ?? 0;
      if (soaked || Date.now() - last >= dataPlaneEveryMs) {
        dataPlaneReadAt.set(id, Date.now());
        const reading = await readDataPlane(db, scope, id, d.current_batch, d.strategy.data_plane_gate, d.resumed_at);
        if (reading.findings.length) {
          const first = reading.findings[0]!;
          const more = reading.findings.length > 1 ? ` (and ${reading.findings.length - 1} more)` : '';
          const reason = `Data plane after applying version ${d.version}: ${first.message}${more}`;
          await db.tx((sql) => pauseAsFailed(sql, scope, d, 'data_plane', reason, reading.findings, reading.since));
          log.info({ deployment: id, reason }, 'deployment paused by the data-plane gate');
          dataPlaneReadAt.delete(id);
          emit(scope.orgId, id);
          eventsRecorded();
          return;
        }
      }
    }
    if (!soaked) return;
    dataPlaneReadAt.delete(id);
    const applied = await store.batchTargetIds(db, scope, id, d.current_batch, 'applied');
    if (applied.length) {
      // Only what health is computed from (not the configs and descriptions of every gateway of the batch).
      const rows = await db.query<
        Pick<gwStore.GatewayRow, 'name' | 'connected' | 'transport' | 'last_seen' | 'status'> & {
          agent_healthy: boolean | null;
        }
      >(
        `SELECT name, connected, transport, last_seen, status, (health->>'healthy')::boolean AS agent_healthy ` +
          `FROM gateways WHERE org_id = $1 AND id = ANY($2::uuid[])`,
        [scope.orgId, applied],
      );
      const sick = rows.filter((r) => healthOf(r).status === 'unhealthy');
      if (sick.length && pauseOnFailure) {
        const reason = `Gateway ${sick[0]!.name} is unhealthy after applying version ${d.version}`;
        await db.tx((sql) => pauseAsFailed(sql, scope, d, 'unhealthy', reason));
        emit(scope.orgId, id);
        eventsRecorded();
        return;
      }
    }
    if (d.current_batch + 1 >= d.batches) {
      await db.tx(async (sql) => {
        await store.updateDeployment(sql, scope, id, { status: 'completed', reason: null });
        await audit(sql, { ...scope, actor: { type: 'system', id: null, label: 'deployment-engine' } } as OrgScope, {
          action: 'deployment.complete',
          resourceType: 'deployment',
          resourceId: id,
        });
        await recordDeploymentEvent(sql, scope, d, 'deployment.completed', { gateways: applied.length });
      });
      emit(scope.orgId, id);
      eventsRecorded();
      return;
    }
    const next = await db.tx(async (sql) => {
      await recordDeploymentEvent(sql, scope, d, 'deployment.batch_completed', { gateways: applied.length });
      return store.updateDeployment(sql, scope, id, { current_batch: d.current_batch + 1, batch_applied_at: null });
    });
    emit(scope.orgId, id);
    eventsRecorded();
    await pushBatch(scope, next!, next!.current_batch, await filesOf(scope, next!));
  }

  /**
   * Status reports of a large fleet arrive by the thousand, and evaluate() reads every target of the
   * deployment: one evaluation per deployment at a time, plus one more after it when reports came
   * in meanwhile — not one full scan per report (O(N^2) for a deployment to N gateways). Between two
   * such runs the engine waits a moment, so that a burst of reports costs a few scans, not one each.
   */
  const evaluations = new Map<string, { again: boolean }>();
  const COALESCE_MS = 250;
  async function evaluateCoalesced(scope: OrgScope, id: string): Promise<void> {
    const running = evaluations.get(id);
    if (running) {
      running.again = true; // the evaluation in flight runs once more and sees this report
      return;
    }
    const entry = { again: false };
    evaluations.set(id, entry);
    try {
      do {
        entry.again = false;
        await evaluate(scope, id);
        if (entry.again) await new Promise((r) => setTimeout(r, COALESCE_MS));
      } while (entry.again);
    } finally {
      evaluations.delete(id);
    }
  }

  let ticking = false;
  let lastReconcile = 0;
  /**
   * One engine pass over in-progress deployments; `reconcile` forces the safety net (else every RECONCILE_EVERY_MS).
   */
  async function tick(opts: { reconcile?: boolean } = {}) {
    if (opts.reconcile) while (ticking) await new Promise((r) => setTimeout(r, 20));
    if (ticking) return;
    ticking = true;
    const reconcileDue = opts.reconcile === true || Date.now() - lastReconcile >= RECONCILE_EVERY_MS;
    if (reconcileDue) lastReconcile = Date.now();
    const evaluateAll = async (rows: { id: string; org_id: string }[]) => {
      for (const r of rows) {
        try {
          // The safety net for reports never recorded (see reconcileApplying): seldom, not per evaluation.
          if (reconcileDue && (await store.reconcileApplying(db, systemScope(r.org_id), r.id)).length > 0)
            emit(r.org_id, r.id);
          await evaluate(systemScope(r.org_id), r.id);
        } catch (err) {
          log.warn({ err: (err as Error).message, deployment: r.id }, 'deployment evaluation failed');
        }
      }
    };
    try {
      if (db.kind === 'pglite') {
        // One process, one connection: no other replica to exclude, and holding a session here would
        // queue evaluate()'s own queries behind it for ever (a deadlock of the whole database).
        await evaluateAll(await store.inProgress(db));
        return;
      }
      await db.session(async (sql) => {
        const [{ ok } = { ok: false }] = await sql.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1) AS ok', [
          advisoryLocks.deploymentEngine,
        ]);
        if (!ok) return;
        try {
          await evaluateAll(await store.inProgress(sql));
        } finally {
          await sql.query('SELECT pg_advisory_unlock($1)', [advisoryLocks.deploymentEngine]);
        }
      });
    } catch (err) {
      log.warn({ err: (err as Error).message }, 'deployment tick failed');
    } finally {
      ticking = false;
    }
  }

  /**
   * A rollout to N gateways brings N reports within seconds. Each is recorded in a batch: one UPDATE
   * per (org, hash, outcome) for all the gateways that reported it in the last REPORT_FLUSH_MS, not a
   * read and a write per report. A gateway that reports twice in one window (FAILED, then APPLIED of
   * its recovery config) starts a new batch, so reports of one gateway are recorded in order. A batch
   * that fails (e.g. the database is briefly unreachable) is kept and retried first.
   */
  const reports = createReportQueue(
    async (batch) => {
      const touched = new Map<string, { orgId: string; status: string }>();
      for (const g of batch.values()) {
        const rows = await db.query<{ deployment_id: string; deployment_status: string }>(
          `UPDATE deployment_targets dt SET status = $5, error = $6, updated_at = now() FROM deployments d
          WHERE d.id = dt.deployment_id AND dt.org_id = $1 AND dt.gateway_id = ANY($2::uuid[]) AND dt.config_hash = $3
            AND d.status IN ('pending', 'in_progress', 'paused')
            AND (dt.status IN ('applying', 'pending') OR (dt.status = 'failed' AND $4 = 'APPLIED'))
          RETURNING dt.deployment_id, d.status AS deployment_status`,
          [
            g.orgId,
            [...g.gatewayIds],
            g.hash,
            g.status,
            g.status === 'APPLIED' ? 'applied' : 'failed',
            g.status === 'FAILED' ? (g.error ?? 'the collector rejected the configuration') : null,
          ],
        );
        for (const r of rows) touched.set(r.deployment_id, { orgId: g.orgId, status: r.deployment_status });
      }
      for (const [id, t] of touched) {
        emit(t.orgId, id);
        // Not awaited: recording the next reports need not wait for the engine.
        if (t.status === 'in_progress')
          void evaluateCoalesced(systemScope(t.orgId), id).catch((err: Error) =>
            log.warn({ err: err.message, deployment: id }, 'deployment evaluation failed'),
          );
      }
    },
    {
      intervalMs: deps.reportFlushMs ?? REPORT_FLUSH_MS,
      onError: (err) => log.warn({ err: (err as Error).message }, 'recording config reports failed; will retry'),
    },
  );

  let timer: NodeJS.Timeout | null = null;

  return {
    tick,
    evaluate,
    start() {
      timer = setInterval(() => void tick(), deps.tickMs ?? 1000);
      timer.unref();
      void tick();
    },
    async stop() {
      if (timer) clearInterval(timer);
      await reports.close();
      while (ticking) await new Promise((r) => setTimeout(r, 20));
    },

    async create(scope: OrgScope, body: CreateDeploymentInput) {
      if (!(await store.templateExists(db, scope, body.template_id))) throw new AppError('TEMPLATE_NOT_FOUND');
      const tv = await store.templateVersion(db, scope, body.template_id, body.version);
      if (!tv) throw new AppError('TEMPLATE_NOT_FOUND', `Template version ${body.version} not found`);
      if (!body.target.gateway_ids?.length && !body.target.tags)
        throw new AppError('VALIDATION_FAILED', 'target needs gateway_ids or tags');
      const strategy = { type: body.strategy?.type ?? 'all_at_once', ...body.strategy } as DeploymentRow['strategy'];
      const percents = strategy.type === 'canary' ? (strategy.batches ?? [10, 50, 100]) : [100];
      if (percents.some((p, i) => i > 0 && p <= percents[i - 1]!) || percents[percents.length - 1] !== 100) {
        throw new AppError(
          'VALIDATION_FAILED',
          'strategy.batches are cumulative percentages, increasing, ending at 100 (e.g. [10, 50, 100])',
        );
      }
      const matched = await gwStore.gatewaysMatching(db, scope, {
        ids: body.target.gateway_ids,
        tags: body.target.tags,
      });
      if (body.target.gateway_ids && matched.length !== new Set(body.target.gateway_ids).size)
        throw new AppError('GATEWAY_NOT_FOUND', 'Some target gateways do not exist in this organization');
      const excluded: DeploymentRow['excluded'] = [];
      const eligible = matched.filter((g) => {
        if (g.mode === 'extension')
          excluded.push({
            gateway_id: g.id,
            gateway_name: g.name,
            reason: 'extension mode: the collector reports over OpAMP but cannot take remote configuration',
          });
        else if ((g.capabilities & AcceptsRemoteConfig) === 0 && g.capabilities !== 0)
          excluded.push({
            gateway_id: g.id,
            gateway_name: g.name,
            reason: 'the agent does not announce AcceptsRemoteConfig',
          });
        else return true;
        return false;
      });
      if (eligible.length === 0)
        throw new AppError(
          'SELECTOR_MATCHES_NOTHING',
          matched.length ? `All ${matched.length} matching gateways cannot take remote config` : undefined,
          { excluded },
        );
      let validation: { collector_checked: boolean; warnings: ValidationResult['warnings'] } | undefined;
      if (deps.validate) {
        const v = await deps.validate(
          scope,
          tv.config_yaml,
          eligible.map((g) => g.id),
        );
        if (!v.valid)
          throw new AppError(
            'INVALID_CONFIG',
            `Version ${body.version} is not valid: ${v.errors.map((e) => e.message).join('; ')}`,
            v.errors,
          );
        validation = { collector_checked: v.collector_checked, warnings: v.warnings };
      }
      const files = { [CONFIG_FILE_NAME]: tv.config_yaml };
      const hash = hexHash(await resolve(scope, files));
      const batchOf = assignBatches(eligible.length, percents);
      const batches = Math.max(...batchOf) + 1;
      const d = await db.tx(async (sql) => {
        const row = await store.insertDeployment(sql, scope, {
          name: body.name ?? null,
          template_id: body.template_id,
          version: body.version,
          config_hash: hash,
          status: 'in_progress',
          reason: null,
          target: body.target,
          strategy,
          batches,
          current_batch: 0,
          excluded,
          created_by: scope.actor.type === 'user' ? scope.actor.id : null,
          created_by_label: scope.actor.label,
        });
        // A new deployment to a gateway supersedes older live ones for that gateway.
        const ids = eligible.map((g) => g.id);
        const superseded = await sql.query<{ deployment_id: string }>(
          `UPDATE deployment_targets dt SET status = 'superseded', updated_at = now() FROM deployments d
            WHERE d.id = dt.deployment_id AND dt.org_id = $1 AND dt.gateway_id = ANY($2::uuid[]) AND d.id <> $3
              AND d.status IN ('pending', 'in_progress', 'paused')
              AND dt.status IN ('pending', 'applying', 'failed') RETURNING dt.deployment_id`,
          [scope.orgId, ids, row.id],
        );
        for (const depId of new Set(superseded.map((s) => s.deployment_id))) {
          const left = await sql.query(
            "SELECT 1 FROM deployment_targets WHERE deployment_id = $1 AND status IN ('pending', 'applying')",
            [depId],
          );
          if (left.length === 0)
            await store.updateDeployment(sql, scope, depId, {
              status: 'cancelled',
              reason: `Superseded by deployment ${row.id}`,
            });
        }
        await store.insertTargets(
          sql,
          scope,
          row.id,
          eligible.map((g, i) => ({
            gatewayId: g.id,
            batch: batchOf[i]!,
            configHash: hash,
            previous: g.desired_config,
            previousHash: g.desired_config_hash,
          })),
        );
        await audit(sql, scope, {
          action: 'deployment.create',
          resourceType: 'deployment',
          resourceId: row.id,
          after: {
            template_id: body.template_id,
            version: body.version,
            target: body.target,
            strategy,
            gateways: ids.length,
            excluded: excluded.length,
            ...(validation ? { collector_checked: validation.collector_checked } : {}),
          },
        });
        await recordDeploymentEvent(sql, scope, row, 'deployment.created', {
          gateways: ids.length,
          strategy: strategy.type,
          created_by: scope.actor.label,
        });
        return row;
      });
      eventsRecorded();
      await pushBatch(scope, d, 0, files);
      emit(scope.orgId, d.id);
      return { ...(await this.get(scope, d.id)), ...(validation ? { validation } : {}) };
    },

    async list(scope: OrgScope, q: { limit?: number; status?: string }) {
      const rows = await store.listDeployments(db, scope, q.limit ?? 50, q.status);
      const counts = await store.targetCounts(
        db,
        scope,
        rows.map((r) => r.id),
      );
      const by = new Map<string, Record<string, number>>();
      for (const c of counts) by.set(c.deployment_id, { ...(by.get(c.deployment_id) ?? {}), [c.status]: c.n });
      return { items: await Promise.all(rows.map((r) => view(scope, r, by.get(r.id) ?? {}))), next_cursor: null };
    },

    async get(scope: OrgScope, id: string) {
      const d = await store.getDeployment(db, scope, id);
      if (!d) throw new AppError('DEPLOYMENT_NOT_FOUND');
      const targets = await store.targetsOf(db, scope, id);
      const counts: Record<string, number> = {};
      for (const t of targets) counts[t.status] = (counts[t.status] ?? 0) + 1;
      return {
        ...(await view(scope, d, counts)),
        targets: targets.map((t) => ({
          gateway_id: t.gateway_id,
          gateway_name: t.gateway_name,
          batch: t.batch,
          status: t.status,
          error: t.error,
          config_hash: t.config_hash,
          updated_at: t.updated_at.toISOString(),
        })),
        excluded: d.excluded,
      };
    },

    async pause(scope: OrgScope, id: string) {
      await transition(scope, id, ['in_progress', 'pending'], 'paused', 'deployment.pause', 'Paused by user');
      return this.get(scope, id);
    },
    async resume(scope: OrgScope, id: string) {
      await transition(scope, id, ['paused'], 'in_progress', 'deployment.resume', null, { resumed_at: new Date() });
      await evaluate(scope, id);
      return this.get(scope, id);
    },
    async cancel(scope: OrgScope, id: string) {
      await transition(
        scope,
        id,
        ['in_progress', 'pending', 'paused'],
        'cancelled',
        'deployment.cancel',
        'Cancelled by user',
        undefined,
        async (sql) => {
          await sql.query(
            "UPDATE deployment_targets SET status = 'cancelled', updated_at = now() " +
              "WHERE org_id = $1 AND deployment_id = $2 AND status = 'pending'",
            [scope.orgId, id],
          );
        },
      );
      return this.get(scope, id);
    },
    /** Sends every gateway this deployment touched its previous configuration (base config when it had none). */
    async rollback(scope: OrgScope, id: string) {
      const d = await store.getDeployment(db, scope, id);
      if (!d) throw new AppError('DEPLOYMENT_NOT_FOUND');
      if (d.status === 'rolled_back') throw new AppError('INVALID_STATE', 'The deployment is already rolled back');
      const touched = (await store.targetsOf(db, scope, id)).filter((t) =>
        ['applying', 'applied', 'failed'].includes(t.status),
      );
      const settings = await deps.settings.get(scope);
      const baseFiles = { [CONFIG_FILE_NAME]: settings.base_config_yaml ?? BASE_CONFIG_YAML };
      const groups = new Map<string, { desired: DesiredConfig; ids: string[] }>();
      for (const t of touched) {
        const desired = t.previous_config ?? {
          files: baseFiles,
          deployment_id: null,
          template_id: null,
          version: null,
        };
        const key = JSON.stringify(desired);
        const g = groups.get(key) ?? { desired, ids: [] as string[] };
        g.ids.push(t.gateway_id);
        groups.set(key, g);
      }
      await db.tx(async (sql) => {
        await store.updateDeployment(sql, scope, id, { status: 'rolled_back', reason: 'Rolled back by user' });
        await sql.query(
          "UPDATE deployment_targets SET status = 'rolled_back', updated_at = now() " +
            "WHERE org_id = $1 AND deployment_id = $2 AND status IN ('applying', 'applied', 'failed')",
          [scope.orgId, id],
        );
        await sql.query(
          "UPDATE deployment_targets SET status = 'cancelled', updated_at = now() " +
            "WHERE org_id = $1 AND deployment_id = $2 AND status = 'pending'",
          [scope.orgId, id],
        );
        for (const g of groups.values()) {
          const hash = hexHash(await resolve(scope, g.desired.files));
          // An explicit rollback may re-send a config that once failed.
          await gwStore.setDesiredForMany(sql, scope, g.ids, g.desired, hash);
        }
        await audit(sql, scope, {
          action: 'deployment.rollback',
          resourceType: 'deployment',
          resourceId: id,
          after: { gateways: touched.length },
        });
        await recordDeploymentEvent(sql, scope, d, 'deployment.rolled_back', {
          gateways: touched.length,
          by: scope.actor.label,
        });
      });
      eventsRecorded();
      for (const g of groups.values())
        await gateways.command({ type: 'push', org_id: scope.orgId, gateway_id: g.ids[0]!, gateway_ids: g.ids });
      emit(scope.orgId, id);
      return this.get(scope, id);
    },

    async history(scope: OrgScope, gatewayId: string) {
      const rows = await store.history(db, scope, gatewayId);
      return rows.map((r) => ({
        ...r,
        template_name: r.template_name ?? '',
        created_at: r.created_at.toISOString(),
        updated_at: r.updated_at.toISOString(),
      }));
    },

    /**
     * Called by the OpAMP adapter on every RemoteConfigStatus change. Returns at once: the report is
     * queued and recorded with the others of the same moment (see the report queue below).
     */
    onRemoteConfigStatus(e: ConfigReport) {
      if (e.status !== 'APPLIED' && e.status !== 'FAILED') return;
      reports.add(e);
    },
    /** Records every queued report now (tests; shutdown). */
    flushReports: () => reports.flush(),

    /** A gateway came online or its tags changed: it follows the newest tag-selector deployment it matches. */
    async onGatewayMatched(orgId: string, gatewayId: string) {
      const scope = systemScope(orgId);
      const gw = await gwStore.getGateway(db, scope, gatewayId);
      if (!gw || gw.mode === 'extension' || (gw.capabilities & AcceptsRemoteConfig) === 0) return;
      const [d] = await store.selectorDeploymentsFor(db, scope, gw.tags ?? {});
      if (!d) return;
      if (gw.desired_config?.deployment_id === d.id) return;
      const already = await db.query('SELECT 1 FROM deployment_targets WHERE deployment_id = $1 AND gateway_id = $2', [
        d.id,
        gatewayId,
      ]);
      if (already.length) return;
      // Only when its current config is not from a newer deployment.
      const files = await filesOf(scope, d);
      const hash = hexHash(await resolve(scope, files));
      await store.insertTargets(db, scope, d.id, [
        {
          gatewayId,
          batch: d.current_batch,
          configHash: hash,
          previous: gw.desired_config,
          previousHash: gw.desired_config_hash,
        },
      ]);
      await pushBatch(scope, d, d.current_batch, files);
      log.info({ deployment: d.id, gateway: gatewayId }, 'gateway joined a tag-selector deployment');
      emit(orgId, d.id);
    },
  };

  async function transition(
    scope: OrgScope,
    id: string,
    from: string[],
    to: DeploymentRow['status'],
    action: string,
    reason: string | null,
    extra: Partial<Pick<DeploymentRow, 'resumed_at'>> = {},
    more?: (sql: Parameters<Parameters<Db['tx']>[0]>[0]) => Promise<void>,
  ) {
    await db.tx(async (sql) => {
      const d = await store.lockDeployment(sql, scope, id);
      if (!d) throw new AppError('DEPLOYMENT_NOT_FOUND');
      if (!from.includes(d.status))
        throw new AppError(
          'INVALID_STATE',
          `A ${d.status} deployment cannot be ${to === 'in_progress' ? 'resumed' : to}`,
        );
      // A user's decision ends the engine's pause: its figures stay in the event log, not on the deployment.
      await store.updateDeployment(sql, scope, id, { status: to, reason, ...extra, pause_details: null });
      if (more) await more(sql);
      await audit(sql, scope, {
        action,
        resourceType: 'deployment',
        resourceId: id,
        before: { status: d.status },
        after: { status: to },
      });
      const type = TRANSITION_EVENTS[to];
      if (type) await recordDeploymentEvent(sql, scope, d, type, { by: scope.actor.label, reason });
    });
    eventsRecorded();
    emit(scope.orgId, id);
  }
}
export type DeploymentsService = ReturnType<typeof createDeploymentsService>;

const TRANSITION_EVENTS: Partial<Record<DeploymentRow['status'], DeploymentEventType>> = {
  paused: 'deployment.paused',
  in_progress: 'deployment.resumed',
  cancelled: 'deployment.cancelled',
};
