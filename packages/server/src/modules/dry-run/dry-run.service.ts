// Dry-run: the template's processors, run by the real gateway collector in a child process on sample
// telemetry. The child gets a generated config — an OTLP/HTTP receiver on 127.0.0.1, the processors of
// the template's metrics/logs/traces pipeline, an OTLP/HTTP (JSON) exporter to a sink in this process —
// and is killed when the output is in. Time-limited, at most two at once, cleaned up on every path.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isMap, parseDocument, stringify } from 'yaml';
import { validationCodes } from '@flowgate/config-model';
import type pino from 'pino';
import type { FlowgateConfig } from '../../config/env.ts';
import { AppError } from '../../platform/errors.ts';
import { collectorBinary, createLimiter, startChild, type CollectorChild } from '../../platform/collector.ts';
import type { OrgScope } from '../../platform/scope.ts';
import type { TemplatesService } from '../templates/templates.service.ts';
import { collectorErrorText } from '../validation/collector-validate.ts';
import { neutralizeRefs } from '../validation/local-collector-config.ts';
import {
  countTelemetry,
  otlpSampleProblems,
  signalPaths,
  signalRootKeys,
  signalsIn,
  type OtlpData,
  type OtlpSignal,
} from './otlp-json.ts';
import { startOtlpSink, type OtlpSink } from './otlp-sink.ts';
import samples from './gen/samples.json' with { type: 'json' };

export const DRY_RUN_TIMEOUT_MS = 30_000;
export const DRY_RUN_CONCURRENCY = 2;
/** Processors that only regroup data in time; left out so the output arrives with the request. */
const TIME_BATCHING_PROCESSORS = new Set(['batch']);
const EXPORTER_ID = 'otlp_http/flowgate_dry_run';

export type DryRunSample = 'metrics' | 'logs' | 'all' | { otlp_json: unknown };

export interface DryRunPipeline {
  signal: OtlpSignal;
  pipeline: string;
  processors: string[];
  /** Receivers of a pipeline of a runPlan plan: DRY_RUN_RECEIVER (the sample) or connector ids; default the sample. */
  receivers?: string[];
  /** Exporters: DRY_RUN_SINK (compared output) or connector ids; default the sink. */
  exporters?: string[];
}

/** In a runPlan plan: the receiver the sample arrives on, and the exporter whose output is returned. */
export const DRY_RUN_RECEIVER = 'otlp';
export const DRY_RUN_SINK = 'sink';

/** A plan built by a caller (the log studio's preview): pipelines by id, processors and connectors. */
export interface DryRunPlan {
  pipelines: DryRunPipeline[];
  processors: Obj;
  connectors?: Obj;
}

function sampleData(sample: DryRunSample | undefined): OtlpData {
  if (sample && typeof sample === 'object') {
    const problems = otlpSampleProblems(sample.otlp_json);
    if (problems.length)
      throw new AppError(
        'VALIDATION_FAILED',
        `The sample is not OTLP/JSON: ${problems.join('; ')}`,
        problems.map((message) => ({ path: 'body/sample/otlp_json', message })),
      );
    return sample.otlp_json as OtlpData;
  }
  const which = sample ?? 'all';
  return {
    ...(which !== 'logs' ? { resourceMetrics: samples.metrics.resourceMetrics as unknown[] } : {}),
    ...(which !== 'metrics' ? { resourceLogs: samples.logs.resourceLogs as unknown[] } : {}),
  };
}

type Obj = Record<string, unknown>;

/** The template pipeline run for each signal: `metrics` (etc.) when it exists, else the first metrics/… by name. */
export function dryRunPlan(
  configYaml: string,
  signals: OtlpSignal[],
): { pipelines: DryRunPipeline[]; processors: Obj; notes: string[] } {
  const doc = parseDocument(neutralizeRefs(configYaml));
  const root = (doc.errors.length || !isMap(doc.contents) ? {} : doc.toJS()) as Obj;
  const pipelines = ((root.service as Obj | undefined)?.pipelines ?? {}) as Record<string, Obj | null>;
  const defined = (root.processors ?? {}) as Obj;
  const out: DryRunPipeline[] = [];
  const processors: Obj = {};
  const notes: string[] = [];
  for (const signal of signals) {
    const ids = Object.keys(pipelines)
      .filter((id) => id === signal || id.startsWith(`${signal}/`))
      .sort((a, b) => (a === signal ? -1 : b === signal ? 1 : a.localeCompare(b)));
    if (ids.length === 0) {
      notes.push(`The template has no ${signal} pipeline: the ${signal} sample was not run`);
      continue;
    }
    if (ids.length > 1) notes.push(`The template has ${ids.length} ${signal} pipelines; the dry-run ran "${ids[0]}"`);
    const list = ((pipelines[ids[0]!] ?? {}).processors ?? []) as unknown[];
    const run: string[] = [];
    for (const p of list) {
      const id = String(p);
      if (TIME_BATCHING_PROCESSORS.has(id.split('/')[0]!)) {
        notes.push(`"${id}" was left out: it only groups data in time and does not change what is sent`);
        continue;
      }
      if (!(id in defined))
        throw new AppError(
          'INVALID_CONFIG',
          `Pipeline "${ids[0]}" references processor "${id}", which is not defined`,
          {
            errors: [
              {
                code: validationCodes.undefinedComponent,
                message: `processor "${id}" is not defined`,
                path: `service::pipelines::${ids[0]}`,
                line: null,
                column: null,
              },
            ],
          },
        );
      processors[id] = defined[id] ?? null;
      run.push(id);
    }
    out.push({ signal, pipeline: ids[0]!, processors: run });
  }
  return { pipelines: out, processors, notes };
}

export function dryRunCollectorConfig(plan: DryRunPlan, receiverPort: number, sinkPort: number): string {
  return stringify({
    receivers: { otlp: { protocols: { http: { endpoint: `127.0.0.1:${receiverPort}` } } } },
    processors: plan.processors,
    ...(plan.connectors && Object.keys(plan.connectors).length ? { connectors: plan.connectors } : {}),
    exporters: {
      [EXPORTER_ID]: {
        endpoint: `http://127.0.0.1:${sinkPort}`,
        encoding: 'json',
        compression: 'none',
        timeout: '10s',
        // Synchronous export: the receiver answers only after the sink has the output.
        retry_on_failure: { enabled: false },
        sending_queue: { enabled: false },
      },
    },
    service: {
      // No internal metrics server: several dry-runs (and gateways) share this host.
      telemetry: { metrics: { level: 'none' }, logs: { level: 'warn' } },
      pipelines: Object.fromEntries(
        plan.pipelines.map((p) => [
          p.receivers || p.exporters ? p.pipeline : p.signal,
          {
            receivers: p.receivers ?? [DRY_RUN_RECEIVER],
            processors: p.processors,
            exporters: (p.exporters ?? [DRY_RUN_SINK]).map((e) => (e === DRY_RUN_SINK ? EXPORTER_ID : e)),
          },
        ]),
      ),
    },
  });
}

async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((resolve, reject) => {
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (srv.address() as { port: number }).port;
  await new Promise<void>((resolve) => srv.close(() => resolve()));
  return port;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ port, host: '127.0.0.1' });
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => {
      s.destroy();
      resolve(false);
    });
  });
}

class DryRunTimeout extends Error {}

function timeLeft(deadline: number): number {
  const left = deadline - Date.now();
  if (left <= 0) throw new DryRunTimeout();
  return left;
}

/** Waits until the receiver listens (the collector starts exporters and processors before receivers). */
async function waitReady(child: CollectorChild, port: number, deadline: number): Promise<'ready' | 'exited'> {
  let exited = false;
  void child.exited.then(() => {
    exited = true;
  });
  while (!exited) {
    timeLeft(deadline);
    if (await canConnect(port)) return 'ready';
    await sleep(50);
  }
  return 'exited';
}

export function createDryRunService(deps: {
  config: Pick<FlowgateConfig, 'gatewayBinDir'>;
  templates: Pick<TemplatesService, 'versionRow'>;
  logger: pino.Logger;
  timeoutMs?: number;
  concurrency?: number;
}) {
  const limiter = createLimiter(deps.concurrency ?? DRY_RUN_CONCURRENCY);
  const timeoutMs = deps.timeoutMs ?? DRY_RUN_TIMEOUT_MS;
  const log = deps.logger.child({ component: 'dry-run' });

  async function execute(bin: string, plan: DryRunPlan, inputs: OtlpData[], deadline: number) {
    const dir = await mkdtemp(join(tmpdir(), 'flowgate-dry-run-'));
    let sink: OtlpSink | null = null;
    let child: CollectorChild | null = null;
    const notes: string[] = [];
    try {
      sink = await startOtlpSink();
      // A port picked here can be taken before the collector binds it: one retry with another.
      let receiverPort = 0;
      for (let attempt = 0; ; attempt++) {
        receiverPort = await freePort();
        const file = join(dir, `config-${attempt}.yaml`);
        await writeFile(file, dryRunCollectorConfig(plan, receiverPort, sink.port), { mode: 0o600 });
        child = startChild(bin, ['--config', file], { cwd: dir });
        if ((await waitReady(child, receiverPort, deadline)) === 'ready') break;
        const output = child.output();
        if (attempt === 0 && /address already in use/i.test(output)) continue;
        const message = collectorErrorText(output);
        throw new AppError(
          'INVALID_CONFIG',
          `The collector refused to run the template's processors: ${message.split('\n')[0]}`,
          {
            errors: [
              { code: validationCodes.collectorRejected, message, path: 'processors', line: null, column: null },
            ],
          },
        );
      }
      for (const input of inputs) {
        for (const signal of signalsIn(input)) {
          if (!plan.pipelines.some((p) => p.signal === signal)) continue;
          const res = await fetch(`http://127.0.0.1:${receiverPort}${signalPaths[signal]}`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ [signalRootKeys[signal]]: input[signalRootKeys[signal]] }),
            signal: AbortSignal.timeout(timeLeft(deadline)),
          });
          const text = await res.text();
          if (!res.ok)
            notes.push(`The collector answered ${res.status} for the ${signal} sample: ${text.slice(0, 500)}`);
        }
      }
      // Export is synchronous, so the output is in; a short quiet period guards against stragglers.
      while (sink.idleMs() < 150) {
        timeLeft(deadline);
        await sleep(50);
      }
      notes.push(...sink.problems);
      return { output: sink.data(), notes };
    } catch (err) {
      if (err instanceof DryRunTimeout || (err as Error).name === 'TimeoutError') {
        throw new AppError('DRY_RUN_TIMEOUT', `The dry-run did not finish within ${Math.round(timeoutMs / 1000)} s`);
      }
      throw err;
    } finally {
      await child?.stop(2000).catch(() => undefined);
      await sink?.close().catch(() => undefined);
      await rm(dir, { recursive: true, force: true }).catch((err) =>
        log.warn({ err: (err as Error).message, dir }, 'dry-run temp dir not removed'),
      );
    }
  }

  function binaryOrFail(): string {
    const bin = collectorBinary(deps.config);
    if (!bin)
      throw new AppError(
        'DRY_RUN_UNAVAILABLE',
        'Dry-run needs the gateway collector binary, which is not built here: ' +
          'run `npm run gateway:build` (or set FLOWGATE_GATEWAY_BIN_DIR)',
      );
    return bin;
  }

  return {
    get active() {
      return limiter.active;
    },
    /**
     * Runs a plan built by the caller (pipelines with connectors and several exporters) on sample
     * telemetry sent as several requests; the same time limit, slots and clean-up as a template dry-run.
     */
    async runPlan(
      plan: DryRunPlan,
      inputs: OtlpData[],
    ): Promise<{ output: OtlpData; notes: string[]; duration_ms: number }> {
      const bin = binaryOrFail();
      const started = Date.now();
      const job = limiter.tryRun(() => execute(bin, plan, inputs, started + timeoutMs));
      if (!job)
        throw new AppError(
          'DRY_RUN_UNAVAILABLE',
          `${DRY_RUN_CONCURRENCY} dry-runs are already running; try again in a few seconds`,
          undefined,
          { 'Retry-After': '5' },
        );
      const { output, notes } = await job;
      return { output, notes, duration_ms: Date.now() - started };
    },
    async run(scope: OrgScope, templateId: string, body: { version?: number; sample?: DryRunSample }) {
      const version = await deps.templates.versionRow(scope, templateId, body.version);
      const bin = binaryOrFail();
      const input = sampleData(body.sample);
      const plan = dryRunPlan(version.config_yaml, signalsIn(input));
      if (plan.pipelines.length === 0) {
        throw new AppError(
          'INVALID_CONFIG',
          `Nothing to dry-run: the template has no ${signalsIn(input).join(' or ')} pipeline`,
          {
            errors: plan.notes.map((message) => ({
              code: 'NO_PIPELINE',
              message,
              path: 'service::pipelines',
              line: null,
              column: null,
            })),
          },
        );
      }
      const started = Date.now();
      const job = limiter.tryRun(() => execute(bin, plan, [input], started + timeoutMs));
      if (!job)
        throw new AppError(
          'DRY_RUN_UNAVAILABLE',
          `${DRY_RUN_CONCURRENCY} dry-runs are already running; try again in a few seconds`,
          undefined,
          { 'Retry-After': '5' },
        );
      const { output, notes } = await job;
      // Only the signals that ran are shown on both sides, so the counts compare like with like.
      const ran = new Set(plan.pipelines.map((p) => signalRootKeys[p.signal]));
      const shownInput: OtlpData = Object.fromEntries(Object.entries(input).filter(([k]) => ran.has(k as never)));
      return {
        template_id: templateId,
        version: version.version,
        input: shownInput,
        output,
        input_counts: countTelemetry(shownInput),
        output_counts: countTelemetry(output),
        pipelines: plan.pipelines,
        notes: [...plan.notes, ...notes],
        duration_ms: Date.now() - started,
      };
    },
  };
}
export type DryRunService = ReturnType<typeof createDryRunService>;
