// The real collector's `validate` command (unmarshals every component config, runs its Validate and
// builds the pipeline graph without starting it). Its error text becomes one COLLECTOR_REJECTED issue.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { locateComponent, validationCodes, type ValidationIssue } from '@flowgate/config-model';
import { runChild, type createLimiter } from '../../platform/collector.ts';
import { forLocalCollector } from './local-collector-config.ts';

export const COLLECTOR_VALIDATE_TIMEOUT_MS = 20_000;

export interface CollectorCheck {
  ran: boolean;
  errors: ValidationIssue[];
  warnings: ValidationIssue[];
}

/** The collector's own words: from cobra's `Error: …` to the end, else the last lines it printed. */
export function collectorErrorText(output: string): string {
  const at = output.search(/^Error: /m);
  const raw =
    at >= 0
      ? output.slice(at + 'Error: '.length)
      : output
          .split('\n')
          .filter((l) => l.trim())
          .slice(-5)
          .join('\n');
  const text = raw
    .split('\n')
    .map((l) => l.trimEnd())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
  return text.length > 4000
    ? `${text.slice(0, 4000)}…`
    : text || 'the collector rejected the configuration without a message';
}

const KIND_RE =
  /\b(receivers|processors|exporters|extensions|connectors)(?:::|'?[^"]{0,80}?")([A-Za-z][\w]*(?:\/[^\s":']+)?)/;
const PIPELINE_RE = /\bpipelines::((?:traces|metrics|logs|profiles)(?:\/[^\s":']+)?)/;

/** Best effort: the component or pipeline the collector's message names, with its position in our text. */
export function locateCollectorError(
  message: string,
  configYaml: string,
): Pick<ValidationIssue, 'path' | 'line' | 'column'> {
  const kind = KIND_RE.exec(message);
  if (kind) {
    const pos = locateComponent(configYaml, [kind[1]!, kind[2]!]);
    if (pos) return { path: `${kind[1]}::${kind[2]}`, ...pos };
  }
  const pipeline = PIPELINE_RE.exec(message);
  if (pipeline) {
    const pos = locateComponent(configYaml, ['service', 'pipelines', pipeline[1]!]);
    if (pos) return { path: `service::pipelines::${pipeline[1]}`, ...pos };
  }
  return { path: null, line: null, column: null };
}

export async function collectorValidate(
  bin: string,
  configYaml: string,
  limiter: ReturnType<typeof createLimiter>,
): Promise<CollectorCheck> {
  return limiter.run(async () => {
    const dir = await mkdtemp(join(tmpdir(), 'flowgate-validate-'));
    try {
      const file = join(dir, 'config.yaml');
      await writeFile(file, forLocalCollector(configYaml), { mode: 0o600 });
      const r = await runChild(bin, ['validate', '--config', file], {
        cwd: dir,
        timeoutMs: COLLECTOR_VALIDATE_TIMEOUT_MS,
      });
      const skipped = (message: string): CollectorCheck => ({
        ran: false,
        errors: [],
        warnings: [{ code: 'COLLECTOR_CHECK_SKIPPED', message, path: null, line: null, column: null }],
      });
      if (r.spawnError) return skipped(`The collector could not be started for validation: ${r.spawnError.message}`);
      if (r.timedOut)
        return skipped(
          `The collector's validate command did not finish within ${COLLECTOR_VALIDATE_TIMEOUT_MS / 1000} s`,
        );
      if (r.code === 0) return { ran: true, errors: [], warnings: [] };
      const message = collectorErrorText(r.output);
      return {
        ran: true,
        errors: [{ code: validationCodes.collectorRejected, message, ...locateCollectorError(message, configYaml) }],
        warnings: [],
      };
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
}
