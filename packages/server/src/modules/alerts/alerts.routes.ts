import { Type } from '@sinclair/typebox';
import {
  AlertRule,
  CreateAlertRuleBody,
  ErrorBody,
  IdParams,
  OkResponse,
  OrgQuery,
  PatchAlertRuleBody,
  alertRuleDefaults,
  alertRuleKindInfo,
  alertRuleKinds,
} from '@flowgate/config-model';
import type { App } from '../../platform/http/types.ts';
import { scopeOf } from '../../platform/http/auth.ts';
import type { AlertRulesService } from './alerts.service.ts';

const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody };

export async function alertRoutes(app: App, deps: { alerts: AlertRulesService }) {
  const { alerts } = deps;
  const tags = ['alerts'];
  const one = { querystring: OrgQuery, params: IdParams };
  app.get(
    '/api/v1/alert-rule-kinds',
    {
      schema: {
        tags,
        summary: 'The kinds of alert rule, what each watches and its default parameters',
        querystring: OrgQuery,
        response: {
          200: Type.Object({
            items: Type.Array(
              Type.Object({
                kind: Type.String(),
                title: Type.String(),
                description: Type.String(),
                defaults: Type.Record(Type.String(), Type.Unknown()),
              }),
            ),
          }),
          ...errors,
        },
      },
    },
    async (req) => {
      scopeOf(req, 'viewer');
      return {
        items: alertRuleKinds.map((kind) => ({ kind, ...alertRuleKindInfo[kind], defaults: alertRuleDefaults[kind] })),
      };
    },
  );
  app.get(
    '/api/v1/alert-rules',
    {
      schema: {
        tags,
        summary: "The org's alert rules, with how many subjects each is firing for",
        querystring: OrgQuery,
        response: { 200: Type.Object({ items: Type.Array(AlertRule) }), ...errors },
      },
    },
    async (req) => alerts.list(scopeOf(req, 'viewer')),
  );
  app.post(
    '/api/v1/alert-rules',
    {
      schema: {
        tags,
        summary: 'Create an alert rule; when it fires it records alert.fired (and alert.resolved), which webhooks get',
        querystring: OrgQuery,
        body: CreateAlertRuleBody,
        response: { 201: AlertRule, ...errors },
      },
    },
    async (req, reply) => reply.code(201).send(await alerts.create(scopeOf(req, 'admin'), req.body)),
  );
  app.get(
    '/api/v1/alert-rules/:id',
    { schema: { tags, summary: 'An alert rule', ...one, response: { 200: AlertRule, ...errors } } },
    async (req) => alerts.get(scopeOf(req, 'viewer'), req.params.id),
  );
  app.patch(
    '/api/v1/alert-rules/:id',
    {
      schema: {
        tags,
        summary: 'Rename, change the parameters of, enable or disable an alert rule (its kind stays)',
        ...one,
        body: PatchAlertRuleBody,
        response: { 200: AlertRule, ...errors },
      },
    },
    async (req) => alerts.update(scopeOf(req, 'admin'), req.params.id, req.body),
  );
  app.delete(
    '/api/v1/alert-rules/:id',
    { schema: { tags, summary: 'Delete an alert rule', ...one, response: { 200: OkResponse, ...errors } } },
    async (req) => {
      await alerts.remove(scopeOf(req, 'admin'), req.params.id);
      return { ok: true as const };
    },
  );
}
