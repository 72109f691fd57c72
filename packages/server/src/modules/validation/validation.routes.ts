import { ErrorBody, OrgQuery, ValidationBody, ValidationResult } from '@flowgate/config-model';
import type { App } from '../../platform/http/types.ts';
import { scopeOf } from '../../platform/http/auth.ts';
import type { ValidationService } from './validation.service.ts';

export async function validationRoutes(app: App, deps: { validation: ValidationService }) {
  app.post(
    '/api/v1/validation',
    {
      schema: {
        tags: ['templates'],
        summary:
          'Validate a collector configuration: YAML, structure, components (of the target gateways ' +
          'or the distribution), pipeline references, opamp extension, secrets, literal credentials, ' +
          "then the real collector's validate. Every problem at once.",
        querystring: OrgQuery,
        body: ValidationBody,
        response: { 200: ValidationResult, 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody },
      },
    },
    async (req) => deps.validation.validate(scopeOf(req, 'viewer'), req.body),
  );
}
