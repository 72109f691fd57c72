import { ErrorBody, OrgQuery, OrgSettings, UpdateSettingsBody } from '@flowgate/config-model';
import type { App } from '../../platform/http/types.ts';
import { scopeOf } from '../../platform/http/auth.ts';
import type { SettingsService } from './settings.service.ts';

export async function settingsRoutes(app: App, deps: { settings: SettingsService }) {
  const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody };
  app.get(
    '/api/v1/settings',
    {
      schema: {
        tags: ['settings'],
        summary: 'Organization settings',
        querystring: OrgQuery,
        response: { 200: OrgSettings, ...errors },
      },
    },
    async (req) => deps.settings.get(scopeOf(req, 'viewer')),
  );
  app.put(
    '/api/v1/settings',
    {
      schema: {
        tags: ['settings'],
        summary: 'Update organization settings',
        querystring: OrgQuery,
        body: UpdateSettingsBody,
        response: { 200: OrgSettings, ...errors },
      },
    },
    async (req) => deps.settings.update(scopeOf(req, 'admin'), req.body),
  );
}
