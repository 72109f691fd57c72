// The log studio's parts wired together: samples and mining (logs.service.ts), rendering and saving log
// blocks as a template, preview through the real collector (preview.ts), suggestions (ai-assist.ts).
import { type BlockInstance, type PreviewLogsBody, type SuggestBody } from '@flowgate/config-model';
import type { Db } from '../../platform/db/db.ts';
import { AppError } from '../../platform/errors.ts';
import type { OrgScope } from '../../platform/scope.ts';
import type { DryRunService } from '../dry-run/dry-run.service.ts';
import { BASE_CONFIG_YAML } from '../gateways/gateways.service.ts';
import type { SecretsService } from '../secrets/secrets.service.ts';
import type { SettingsService } from '../settings/settings.service.ts';
import type { TemplatesService } from '../templates/templates.service.ts';
import type { ValidationService } from '../validation/validation.service.ts';
import { createAiAssist } from './ai-assist.ts';
import type { Outbound } from '../../platform/outbound.ts';
import { addedComponents, applyLogBlocks, parseConfig, toYaml } from './compose.ts';
import { createLogsService } from './logs.service.ts';
import { createMiningQueue } from './mining.ts';
import { createPreview } from './preview.ts';
import { createSources, type TakeSnapshot } from './sources.ts';

export function createLogStudio(deps: {
  db: Db;
  secrets: Pick<SecretsService, 'knownSecretValues' | 'names' | 'value'>;
  gatewayExists: (scope: OrgScope, id: string) => Promise<void>;
  settings: Pick<SettingsService, 'get'>;
  dryRun: Pick<DryRunService, 'runPlan'>;
  templates: Pick<TemplatesService, 'create' | 'createVersion' | 'versionRow'>;
  validation: Pick<ValidationService, 'validate'>;
  takeSnapshot: TakeSnapshot;
  /** platform/outbound.ts, for the AI endpoint. */
  outbound: Pick<Outbound, 'request'>;
}) {
  const secretValues = (scope: OrgScope) => deps.secrets.knownSecretValues(scope);
  const sources = createSources({
    db: deps.db,
    secretValues,
    gatewayExists: deps.gatewayExists,
    takeSnapshot: deps.takeSnapshot,
  });
  const mining = createMiningQueue();
  const logs = createLogsService({ db: deps.db, sources, mining, settings: deps.settings });
  const baseConfig = async (scope: OrgScope) => (await deps.settings.get(scope)).base_config_yaml ?? BASE_CONFIG_YAML;
  const preview = createPreview({
    sources,
    mining,
    dryRun: deps.dryRun,
    prices: logs.prices,
    secretNames: (scope) => deps.secrets.names(scope),
    baseConfig,
  });
  const ai = createAiAssist({
    settings: async (scope) => (await deps.settings.get(scope)).log_ai,
    secretValue: (scope, name) => deps.secrets.value(scope, name),
    secretValues,
    outbound: deps.outbound,
  });

  return {
    ...logs,
    mining,
    preview: (scope: OrgScope, body: PreviewLogsBody) => preview(scope, body),
    suggest: (scope: OrgScope, body: SuggestBody) => ai.suggest(scope, body),
    testAi: (scope: OrgScope) => ai.test(scope),

    async render(scope: OrgScope, body: { blocks: BlockInstance[]; base_config_yaml?: string }) {
      const base = parseConfig(body.base_config_yaml ?? (await baseConfig(scope)), 'The base configuration');
      const applied = applyLogBlocks(base, body.blocks, await deps.secrets.names(scope));
      return {
        config_yaml: toYaml(applied.config),
        components_yaml: toYaml(addedComponents(base, applied.config)),
        notes: applied.notes,
      };
    },

    /** A new template (or a new version of one) with the blocks in its logs pipeline, validated first. */
    async saveTemplate(
      scope: OrgScope,
      body: { name?: string; template_id?: string; blocks: BlockInstance[]; message?: string },
    ) {
      if ((body.name === undefined) === (body.template_id === undefined))
        throw new AppError('VALIDATION_FAILED', 'Give either name (a new template) or template_id (a new version)');
      const baseYaml = body.template_id
        ? (await deps.templates.versionRow(scope, body.template_id)).config_yaml
        : await baseConfig(scope);
      const applied = applyLogBlocks(
        parseConfig(baseYaml, 'The base configuration'),
        body.blocks,
        await deps.secrets.names(scope),
      );
      const configYaml = toYaml(applied.config);
      const check = await deps.validation.validate(scope, { config_yaml: configYaml, gateway_ids: [] });
      if (!check.valid)
        throw new AppError(
          'INVALID_CONFIG',
          `The configuration with these log actions is not valid: ${check.errors[0]?.message}`,
          {
            errors: check.errors,
          },
        );
      const message = body.message ?? `Log studio: ${body.blocks.map((b) => b.type).join(', ')}`;
      if (body.template_id) {
        const v = await deps.templates.createVersion(scope, body.template_id, { config_yaml: configYaml, message });
        return { template_id: body.template_id, version: v.version, created: false, config_yaml: configYaml };
      }
      const t = await deps.templates.create(scope, {
        name: body.name!,
        type: 'logs',
        config_yaml: configYaml,
        message,
      });
      return { template_id: t.id, version: t.latest.version, created: true, config_yaml: configYaml };
    },
  };
}
export type LogStudio = ReturnType<typeof createLogStudio>;
