// Usage sources (uploads and connectors) of an org, their reads, and the per-metric usage merged from
// all of them. The CPU work (parsing, merging) runs in the analysis worker; this service fetches,
// stores and decides. A read that fails keeps the source's earlier analysis: the org's usage never
// loses evidence because a Grafana server was down for a minute.
import type {
  CreateUsageSourceBody,
  ErrorCode,
  MetricUsage as MetricUsageView,
  UsageSource,
} from '@flowgate/config-model';
import { withInventory, type MetricUsage, type SourceAnalysis, type ReadFailure } from '@flowgate/analysis';
import type pino from 'pino';
import type { Db } from '../../platform/db/db.ts';
import { AppError } from '../../platform/errors.ts';
import { OutboundError, type Outbound } from '../../platform/outbound.ts';
import { systemScope, type OrgScope } from '../../platform/scope.ts';
import { audit } from '../audit/audit.store.ts';
import type { AnalysisPool } from './analysis-pool.ts';
import { ConnectorError, readGrafana, readPrometheusRules } from './connectors.ts';
import * as store from './usage.store.ts';

export interface UsageDeps {
  db: Db;
  outbound: Outbound;
  pool: AnalysisPool;
  logger: pino.Logger;
  refreshMinutes: number;
  /** A Flowgate secret's value, decrypted only to make the connector's request. */
  secretValue(scope: OrgScope, name: string): Promise<string | null>;
  /** Metric names the org sends (the inventory); [] until one exists. */
  inventoryMetricNames(scope: OrgScope): Promise<string[]>;
}

const PROBLEMS_SHOWN = 200;
const USED_BY_STORED = 1000;
const USED_BY_LISTED = 20;
const QUERY_LISTED_CHARS = 500;

const FAILURE_CODES: Record<ReadFailure['reason'], ErrorCode> = {
  malformed: 'USAGE_CONTENT_MALFORMED',
  not_dashboard: 'USAGE_NOT_A_DASHBOARD',
  dashboard_empty: 'USAGE_DASHBOARD_EMPTY',
  not_rules: 'USAGE_NOT_A_RULE_FILE',
};

const iso = (d: Date | null) => (d ? d.toISOString() : null);
export const secretNameOf = (ref: string) => ref.replace(/^\$\{secret:/, '').replace(/\}$/, '');
const isConnector = (kind: string) => kind === 'grafana' || kind === 'prometheus';

function sourceView(r: store.UsageSourceRow): UsageSource {
  return {
    id: r.id,
    org_id: r.org_id,
    kind: r.kind,
    name: r.name,
    url: r.url,
    token_secret: r.token_secret,
    status: r.status,
    error: r.error,
    last_read_at: iso(r.last_read_at),
    last_attempt_at: iso(r.last_attempt_at),
    next_refresh_at: iso(r.next_refresh_at),
    summary: (r.summary as UsageSource['summary']) ?? null,
    problems: (r.problems ?? []).slice(0, PROBLEMS_SHOWN) as UsageSource['problems'],
    problems_total: (r.problems ?? []).length,
    replaced_variables: (r.replaced_variables ?? []) as UsageSource['replaced_variables'],
    created_at: r.created_at.toISOString(),
    updated_at: r.updated_at.toISOString(),
  };
}

function toRow(m: MetricUsage): store.MetricRow {
  return {
    name: m.name,
    pattern: m.pattern,
    negated: m.negated,
    used: String(m.used) as store.MetricRow['used'],
    labels_used: m.labels_used,
    all_except: m.all_except,
    used_by: m.used_by.slice(0, USED_BY_STORED),
    used_by_total: m.used_by.length,
  };
}

function fromRow(r: store.MetricRow): MetricUsage & { used_by_total: number } {
  return {
    name: r.name,
    pattern: r.pattern,
    negated: r.negated,
    used: r.used === 'true' ? true : r.used === 'false' ? false : 'unknown',
    labels_used: r.labels_used,
    all_except: r.all_except,
    used_by: r.used_by as MetricUsage['used_by'],
    used_by_total: r.used_by_total,
  };
}

function metricView(m: MetricUsage & { used_by_total?: number }, full: boolean): MetricUsageView {
  const usedBy = full ? m.used_by : m.used_by.slice(0, USED_BY_LISTED);
  return {
    name: m.name,
    pattern: m.pattern !== null,
    used: m.used,
    labels_used: m.labels_used,
    all_except: m.all_except,
    used_by: full
      ? usedBy
      : usedBy.map((u) =>
          u.query.length > QUERY_LISTED_CHARS ? { ...u, query: `${u.query.slice(0, QUERY_LISTED_CHARS)}…` } : u,
        ),
    used_by_total: Math.max(m.used_by_total ?? 0, m.used_by.length),
  };
}

const encodeCursor = (name: string) => Buffer.from(name, 'utf8').toString('base64url');
function decodeCursor(cursor: string): string {
  const name = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!name || encodeCursor(name) !== cursor) throw new AppError('VALIDATION_FAILED', 'cursor is not valid');
  return name;
}

export function createUsageService(deps: UsageDeps) {
  const { db, outbound, pool, logger } = deps;
  const refreshMs = deps.refreshMinutes * 60_000;
  const nextRefresh = () => new Date(Date.now() + refreshMs);

  async function loadSource(scope: OrgScope, id: string) {
    const row = await store.getSource(db, scope, id);
    if (!row) throw new AppError('NOT_FOUND', 'Usage source not found');
    return row;
  }

  /** Merges every source's analysis into the org's per-metric usage (in the worker). */
  async function recompute(scope: OrgScope): Promise<void> {
    const { version, sources } = await db.tx((sql) => store.analysesForMerge(sql, scope));
    const merged = await pool.run({
      op: 'merge',
      sources: sources.map((s) => ({ id: s.id, name: s.name, analysis: s.analysis as SourceAnalysis })),
    });
    await db.tx((sql) => store.replaceMetrics(sql, scope, version, merged.map(toRow)));
  }

  /** Stores a successful read and re-merges the org. */
  async function saveAnalysis(scope: OrgScope, id: string, analysis: SourceAnalysis, connector: boolean) {
    const row = await db.tx(async (sql) => {
      const r = await store.saveRead(sql, scope, id, {
        summary: analysis.summary,
        problems: analysis.problems,
        replacedVariables: analysis.replaced_variables,
        analysis,
        nextRefreshAt: connector ? nextRefresh() : null,
      });
      if (r) await store.bumpVersion(sql, scope);
      return r;
    });
    if (row) await recompute(scope);
    return row;
  }

  /** Reads a connector source now. Failures are recorded on the source, never thrown. */
  async function readConnector(scope: OrgScope, row: store.UsageSourceRow): Promise<store.UsageSourceRow | null> {
    let token: string | null = null;
    try {
      if (row.token_secret) {
        token = await deps.secretValue(scope, row.token_secret);
        if (token === null)
          throw new ConnectorError(
            'USAGE_TOKEN_SECRET_MISSING',
            `The secret "${row.token_secret}" holding the token does not exist any more: create it again`,
          );
      }
      const outcome =
        row.kind === 'grafana'
          ? await pool.run({ op: 'grafana', ...(await readGrafana(outbound, row.url!, token)) })
          : await pool.run({ op: 'rules_api', body: await readPrometheusRules(outbound, row.url!, token) });
      if (!outcome.ok) throw new ConnectorError('USAGE_CONNECTOR_BAD_RESPONSE', outcome.message);
      return await saveAnalysis(scope, row.id, outcome.analysis, true);
    } catch (err) {
      if (!(err instanceof ConnectorError)) throw err;
      logger.info({ source: row.id, org: scope.orgId, code: err.code, err: err.message }, 'usage source read failed');
      return store.saveFailure(db, scope, row.id, { code: err.code, message: err.message }, nextRefresh());
    }
  }

  async function readSource(scope: OrgScope, row: store.UsageSourceRow): Promise<store.UsageSourceRow | null> {
    if (isConnector(row.kind)) return readConnector(scope, row);
    const content = await store.getSourceContent(db, scope, row.id);
    const outcome = await pool.run({
      op: 'upload',
      kind: row.kind as 'grafana_dashboard',
      content: content ?? '',
      name: row.name,
    });
    if (!outcome.ok)
      return store.saveFailure(
        db,
        scope,
        row.id,
        { code: FAILURE_CODES[outcome.reason], message: outcome.message },
        null,
      );
    return saveAnalysis(scope, row.id, outcome.analysis, false);
  }

  let timer: NodeJS.Timeout | null = null;
  let ticking: Promise<void> | null = null;
  async function tick() {
    const due = await store.claimDueSources(db, nextRefresh(), 5);
    for (const { id, org_id } of due) {
      const scope = systemScope(org_id);
      const row = await store.getSource(db, scope, id);
      if (row)
        await readSource(scope, row).catch((err) =>
          logger.warn({ err: (err as Error).message, source: id }, 'scheduled usage read failed'),
        );
    }
  }

  return {
    async list(scope: OrgScope) {
      return (await store.listSources(db, scope)).map(sourceView);
    },
    async get(scope: OrgScope, id: string) {
      return sourceView(await loadSource(scope, id));
    },

    async create(scope: OrgScope, body: CreateUsageSourceBody): Promise<UsageSource> {
      const name = body.name.trim();
      if ('content' in body) {
        const outcome = await pool.run({ op: 'upload', kind: body.kind, content: body.content, name });
        if (!outcome.ok)
          throw new AppError(FAILURE_CODES[outcome.reason], outcome.message, {
            ...(outcome.line ? { line: outcome.line, column: outcome.column } : {}),
          });
        const row = await db.tx(async (sql) => {
          const inserted = await store.insertSource(sql, scope, {
            kind: body.kind,
            name,
            url: null,
            tokenSecret: null,
            content: body.content,
            nextRefreshAt: null,
          });
          if (!inserted) throw new AppError('ALREADY_EXISTS', `A usage source named "${name}" already exists`);
          const saved = await store.saveRead(sql, scope, inserted.id, {
            summary: outcome.analysis.summary,
            problems: outcome.analysis.problems,
            replacedVariables: outcome.analysis.replaced_variables,
            analysis: outcome.analysis,
            nextRefreshAt: null,
          });
          await store.bumpVersion(sql, scope);
          await audit(sql, scope, {
            action: 'usage_source.create',
            resourceType: 'usage_source',
            resourceId: inserted.id,
            after: { kind: body.kind, name, bytes: body.content.length, summary: outcome.analysis.summary },
          });
          return saved!;
        });
        await recompute(scope);
        return sourceView(row);
      }
      let url: string;
      try {
        url = outbound.checkUrl(body.url).toString().replace(/\/+$/, '');
      } catch (err) {
        if (err instanceof OutboundError) throw new AppError(err.code, err.message);
        throw err;
      }
      const tokenSecret = body.token_secret ? secretNameOf(body.token_secret) : null;
      if (tokenSecret && (await deps.secretValue(scope, tokenSecret)) === null)
        throw new AppError(
          'USAGE_TOKEN_SECRET_MISSING',
          `No secret "${tokenSecret}" in this organization: create it first (Settings → Secrets)`,
        );
      const inserted = await db.tx(async (sql) => {
        const r = await store.insertSource(sql, scope, {
          kind: body.kind,
          name,
          url,
          tokenSecret,
          content: null,
          nextRefreshAt: nextRefresh(),
        });
        if (!r) throw new AppError('ALREADY_EXISTS', `A usage source named "${name}" already exists`);
        await audit(sql, scope, {
          action: 'usage_source.create',
          resourceType: 'usage_source',
          resourceId: r.id,
          after: { kind: body.kind, name, url, token_secret_name: tokenSecret },
        });
        return r;
      });
      return sourceView((await readConnector(scope, inserted)) ?? inserted);
    },

    async refresh(scope: OrgScope, id: string): Promise<UsageSource> {
      const row = await loadSource(scope, id);
      const after = (await readSource(scope, row)) ?? row;
      await audit(db, scope, {
        action: 'usage_source.refresh',
        resourceType: 'usage_source',
        resourceId: id,
        after: { status: after.status, error_code: after.error?.code ?? null, summary: after.summary },
      });
      return sourceView(after);
    },

    async remove(scope: OrgScope, id: string): Promise<void> {
      await db.tx(async (sql) => {
        const gone = await store.deleteSource(sql, scope, id);
        if (!gone) throw new AppError('NOT_FOUND', 'Usage source not found');
        await store.bumpVersion(sql, scope);
        await audit(sql, scope, {
          action: 'usage_source.delete',
          resourceType: 'usage_source',
          resourceId: id,
          before: { name: gone.name, kind: gone.kind },
        });
      });
      await recompute(scope);
    },

    /** Usage joined with the inventory; `usedByLimit` trims each metric's readers (the list shows 20). */
    async allMetrics(
      scope: OrgScope,
      usedByLimit: number | null = null,
    ): Promise<(MetricUsage & { used_by_total?: number })[]> {
      const usage = (await store.listMetrics(db, scope, usedByLimit)).map(fromRow);
      return withInventory(usage, await deps.inventoryMetricNames(scope));
    },

    async metrics(
      scope: OrgScope,
      query: { limit?: number; cursor?: string; q?: string; used?: 'true' | 'false' | 'unknown' },
    ) {
      const limit = query.limit ?? 50;
      const after = query.cursor ? decodeCursor(query.cursor) : null;
      const needle = query.q?.toLowerCase() ?? '';
      const all = (await this.allMetrics(scope, USED_BY_LISTED)).filter(
        (m) => !needle || m.name.toLowerCase().includes(needle),
      );
      const counts = {
        total: all.length,
        used: all.filter((m) => m.used === true).length,
        unused: all.filter((m) => m.used === false).length,
        unknown: all.filter((m) => m.used === 'unknown').length,
      };
      const filtered = all.filter(
        (m) => (!query.used || String(m.used) === query.used) && (after === null || m.name > after),
      );
      const page = filtered.slice(0, limit);
      return {
        items: page.map((m) => metricView(m, false)),
        next_cursor: filtered.length > limit ? encodeCursor(page[page.length - 1]!.name) : null,
        counts,
        computed_at: iso(await store.computedAt(db, scope)),
      };
    },

    async metric(scope: OrgScope, name: string): Promise<MetricUsageView> {
      const m = (await this.allMetrics(scope)).find((x) => x.name === name);
      if (!m) throw new AppError('NOT_FOUND', `No source reads and no inventory holds a metric "${name}"`);
      return metricView(m, true);
    },

    /** Scheduled reads of connector sources (every replica runs it; claims keep them from doubling up). */
    start() {
      const every = Math.min(60_000, Math.max(250, refreshMs / 4));
      timer = setInterval(() => {
        if (ticking) return;
        ticking = tick()
          .catch((err) => logger.warn({ err: (err as Error).message }, 'usage refresh tick failed'))
          .finally(() => (ticking = null));
      }, every);
      timer.unref();
    },
    async stop() {
      if (timer) clearInterval(timer);
      timer = null;
      await ticking;
      await pool.close();
    },
  };
}
export type UsageService = ReturnType<typeof createUsageService>;
