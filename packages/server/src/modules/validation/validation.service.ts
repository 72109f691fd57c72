// POST /api/v1/validation and the check deployments run before rolling a version out: the static
// checks from config-model (all problems at once), then the real collector's validate command.
import {
  componentSetsFromAvailable,
  distributionComponents,
  distributionLabel,
  structuralCodes,
  validateCollectorConfig,
  validationCodes,
  type ComponentSource,
  type ValidationIssue,
  type ValidationResult,
} from '@flowgate/config-model';
import type pino from 'pino';
import type { FlowgateConfig } from '../../config/env.ts';
import type { Db } from '../../platform/db/db.ts';
import { AppError } from '../../platform/errors.ts';
import { COLLECTOR_BINARY, collectorBinary, createLimiter } from '../../platform/collector.ts';
import type { OrgScope } from '../../platform/scope.ts';
import type { SecretsService } from '../secrets/secrets.service.ts';
import { collectorValidate } from './collector-validate.ts';
import { gatewayComponents } from './validation.store.ts';

/** Collector `validate` processes at once (they are short but CPU-heavy); others wait their turn. */
const COLLECTOR_VALIDATE_CONCURRENCY = 2;

const distribution: ComponentSource = { label: distributionLabel, components: distributionComponents, gateway: false };
const note = (code: string, message: string): ValidationIssue => ({
  code,
  message,
  path: null,
  line: null,
  column: null,
});

export function createValidationService(deps: {
  db: Db;
  config: Pick<FlowgateConfig, 'gatewayBinDir'>;
  secrets: Pick<SecretsService, 'names'>;
  logger: pino.Logger;
}) {
  const limiter = createLimiter(COLLECTOR_VALIDATE_CONCURRENCY);

  /** The gateways' reported components; a gateway that reported none is checked against the distribution. */
  async function sourcesFor(
    scope: OrgScope,
    gatewayIds: string[] | undefined,
  ): Promise<{ sources: ComponentSource[]; notes: ValidationIssue[] }> {
    if (!gatewayIds?.length) return { sources: [distribution], notes: [] };
    const ids = [...new Set(gatewayIds)];
    const rows = await gatewayComponents(deps.db, scope, ids);
    if (rows.length !== ids.length) {
      const found = new Set(rows.map((r) => r.id));
      throw new AppError('GATEWAY_NOT_FOUND', `Gateway not found: ${ids.filter((id) => !found.has(id)).join(', ')}`);
    }
    const sources: ComponentSource[] = [];
    const unreported: string[] = [];
    for (const r of rows) {
      const components = componentSetsFromAvailable(r.available_components);
      if (components) sources.push({ label: `gateway "${r.name}"`, components, gateway: true });
      else unreported.push(r.name);
    }
    const notes: ValidationIssue[] = [];
    if (unreported.length) {
      sources.push(distribution);
      notes.push(
        note(
          'COMPONENTS_NOT_REPORTED',
          `${unreported.length === 1 ? 'Gateway' : 'Gateways'} ${unreported.map((n) => `"${n}"`).join(', ')} ` +
            `did not report AvailableComponents; checked against ${distributionLabel} instead`,
        ),
      );
    }
    return { sources, notes };
  }

  async function validate(
    scope: OrgScope,
    body: { config_yaml: string; gateway_ids?: string[] },
  ): Promise<ValidationResult> {
    const { sources, notes } = await sourcesFor(scope, body.gateway_ids);
    const secretNames = await deps.secrets.names(scope);
    const result = validateCollectorConfig(body.config_yaml, { componentSources: sources, secretNames });
    const errors = [...result.errors];
    const warnings = [...result.warnings, ...notes];
    let collectorChecked = false;
    const bin = collectorBinary(deps.config);
    if (!bin) {
      // Say so rather than let "no errors" read as "valid": only the structural checks ran.
      warnings.push(
        note(
          'COLLECTOR_CHECK_SKIPPED',
          `Structure checked only: no collector binary (${COLLECTOR_BINARY}) on this server, so the ` +
            "collector's own validate did not run (npm run gateway:build, or FLOWGATE_GATEWAY_BIN_DIR)",
        ),
      );
    } else if (errors.some((e) => structuralCodes.has(e.code))) {
      // The collector would stop at the first of these and only repeat it.
    } else if (
      sources.some((s) => s.gateway) &&
      validateCollectorConfig(body.config_yaml, { componentSources: [distribution] }).errors.some(
        (e) => e.code === validationCodes.unknownComponentType,
      )
    ) {
      warnings.push(
        note(
          'COLLECTOR_CHECK_SKIPPED',
          `The configuration uses components the gateways have but ` +
            `${distributionLabel} lacks, so the local collector cannot check it`,
        ),
      );
    } else {
      try {
        const check = await collectorValidate(bin, body.config_yaml, limiter);
        collectorChecked = check.ran;
        errors.push(...check.errors);
        warnings.push(...check.warnings);
      } catch (err) {
        deps.logger.warn({ err: (err as Error).message }, 'collector validate failed to run');
        warnings.push(note('COLLECTOR_CHECK_SKIPPED', 'The collector validate command could not be run'));
      }
    }
    return { valid: errors.length === 0, errors, warnings, collector_checked: collectorChecked };
  }

  return { validate };
}
export type ValidationService = ReturnType<typeof createValidationService>;
