import { DryRunBody, DryRunResult, ErrorBody, IdParams, OrgQuery } from '@flowgate/config-model';
import type { App } from '../../platform/http/types.ts';
import { scopeOf } from '../../platform/http/auth.ts';
import type { DryRunService } from './dry-run.service.ts';

export async function dryRunRoutes(app: App, deps: { dryRun: DryRunService }) {
  app.post(
    '/api/v1/templates/:id/dry-run',
    {
      schema: {
        tags: ['templates'],
        summary:
          "Run the template's processors in a real collector on sample telemetry (built-in " +
          'metrics/logs from the reference workload, or your OTLP/JSON) and compare input and output',
        querystring: OrgQuery,
        params: IdParams,
        body: DryRunBody,
        response: {
          200: DryRunResult,
          400: ErrorBody,
          401: ErrorBody,
          403: ErrorBody,
          404: ErrorBody,
          503: ErrorBody,
          504: ErrorBody,
        },
      },
    },
    async (req) => deps.dryRun.run(scopeOf(req, 'viewer'), req.params.id, req.body),
  );
}
