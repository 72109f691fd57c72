// Alert rules per org (settings): what the org wants to hear about. The engine (alert-engine.ts) turns
// them into alert.fired / alert.resolved events.
import {
  alertRuleDefaults,
  type AlertRuleKind,
  type AlertRuleParams,
  type CreateAlertRuleBody,
} from '@flowgate/config-model';
import type { Db } from '../../platform/db/db.ts';
import { isUniqueViolation } from '../../platform/db/db.ts';
import { AppError } from '../../platform/errors.ts';
import type { OrgScope } from '../../platform/scope.ts';
import { audit } from '../audit/audit.store.ts';
import * as store from './alerts.store.ts';
import type { AlertRuleRow } from './alerts.store.ts';

/** The parameters a kind reads; others are refused so a typo does not pass silently. */
const PARAMS_OF: Record<AlertRuleKind, (keyof AlertRuleParams)[]> = {
  gateway_unhealthy: ['minutes'],
  rollout_failed: ['include_paused'],
  send_failures: ['per_minute', 'minutes'],
  savings_regressed: ['percent', 'window_minutes'],
};

function checkParams(kind: AlertRuleKind, params: AlertRuleParams): AlertRuleParams {
  const allowed = PARAMS_OF[kind];
  const extra = Object.keys(params).filter((k) => !allowed.includes(k as keyof AlertRuleParams));
  if (extra.length)
    throw new AppError(
      'VALIDATION_FAILED',
      `A ${kind} rule takes ${allowed.join(', ')}; not ${extra.join(', ')}`,
      extra.map((k) => ({ path: `/params/${k}`, message: `not a parameter of ${kind}` })),
    );
  return { ...alertRuleDefaults[kind], ...params };
}

const view = (r: AlertRuleRow, firing = 0) => ({
  id: r.id,
  org_id: r.org_id,
  name: r.name,
  kind: r.kind,
  params: r.params,
  enabled: r.enabled,
  firing,
  created_at: r.created_at.toISOString(),
  updated_at: r.updated_at.toISOString(),
});

export function createAlertRulesService(deps: { db: Db }) {
  const { db } = deps;
  const unique = (name: string) => (err: unknown) => {
    if (isUniqueViolation(err)) throw new AppError('ALREADY_EXISTS', `An alert rule named "${name}" already exists`);
    throw err;
  };
  return {
    async list(scope: OrgScope) {
      const [rows, firing] = await Promise.all([store.listRules(db, scope), store.firingCounts(db, scope)]);
      const n = new Map(firing.map((f) => [f.rule_id, f.n]));
      return { items: rows.map((r) => view(r, n.get(r.id) ?? 0)) };
    },
    async get(scope: OrgScope, id: string) {
      const r = await store.getRule(db, scope, id);
      if (!r) throw new AppError('ALERT_RULE_NOT_FOUND');
      const firing = (await store.firingCounts(db, scope)).find((f) => f.rule_id === id)?.n ?? 0;
      return view(r, firing);
    },
    async create(scope: OrgScope, body: CreateAlertRuleBody) {
      const params = checkParams(body.kind, body.params ?? {});
      const row = await db.tx(async (sql) => {
        const r = await store
          .insertRule(sql, scope, { name: body.name, kind: body.kind, params, enabled: body.enabled ?? true })
          .catch(unique(body.name));
        await audit(sql, scope, {
          action: 'alert_rule.create',
          resourceType: 'alert_rule',
          resourceId: r.id,
          after: { name: r.name, kind: r.kind, params, enabled: r.enabled },
        });
        return r;
      });
      return view(row);
    },
    async update(scope: OrgScope, id: string, body: { name?: string; params?: AlertRuleParams; enabled?: boolean }) {
      const row = await db.tx(async (sql) => {
        const before = await store.getRule(sql, scope, id);
        if (!before) throw new AppError('ALERT_RULE_NOT_FOUND');
        const params = body.params ? checkParams(before.kind, body.params) : undefined;
        const r = (await store
          .updateRule(sql, scope, id, { name: body.name, params, enabled: body.enabled })
          .catch(unique(body.name ?? before.name)))!;
        // New parameters: what the rule saw under the old ones starts over.
        if (params || body.enabled === false) await store.clearStates(sql, scope, id);
        await audit(sql, scope, {
          action: 'alert_rule.update',
          resourceType: 'alert_rule',
          resourceId: id,
          before: { name: before.name, params: before.params, enabled: before.enabled },
          after: { name: r.name, params: r.params, enabled: r.enabled },
        });
        return r;
      });
      return view(row);
    },
    async remove(scope: OrgScope, id: string) {
      await db.tx(async (sql) => {
        const before = await store.getRule(sql, scope, id);
        if (!before) throw new AppError('ALERT_RULE_NOT_FOUND');
        await store.deleteRule(sql, scope, id);
        await audit(sql, scope, {
          action: 'alert_rule.delete',
          resourceType: 'alert_rule',
          resourceId: id,
          before: { name: before.name, kind: before.kind },
        });
      });
    },
  };
}
export type AlertRulesService = ReturnType<typeof createAlertRulesService>;
