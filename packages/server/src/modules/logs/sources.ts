// Where the lines of a request come from — lines, pasted/uploaded content, a saved sample, or a live
// sample from a gateway — turned into one bounded, masked sample with notes about what was kept.
import {
  boundSample,
  linesFromContent,
  SampleFormatError,
  textLines,
  type BoundedSample,
  type SampleFormat,
  type SampleLines,
  type Severity,
} from '@flowgate/analysis';
import { LOG_SAMPLE_MAX_BYTES, LOG_SAMPLE_MAX_LINES, type LogSampleFormat } from '@flowgate/config-model';
import type { Db } from '../../platform/db/db.ts';
import { AppError } from '../../platform/errors.ts';
import type { OrgScope } from '../../platform/scope.ts';
import * as store from './logs.store.ts';

export interface SourceBody {
  lines?: string[];
  content?: string;
  format?: LogSampleFormat;
  sample_id?: string;
  gateway_id?: string;
}

/**
 * A live sample from a gateway: the records of its logs pipeline as OTLP/JSON. The snapshot API of the
 * gateway issue provides it (POST /api/v1/gateways/{id}/snapshots); the server wires it in features.ts.
 */
export type TakeSnapshot = (
  scope: OrgScope,
  gatewayId: string,
  opts: { signal: 'logs'; max_items: number; max_bytes: number },
) => Promise<{ otlp_json: unknown; window_seconds?: number | null }>;

export interface ResolvedSample extends BoundedSample {
  source: string;
  format: string;
  sampleId: string | null;
  name: string | null;
  windowSeconds: number | null;
}

/** text unless the content is clearly JSON lines or an OTLP/JSON export. */
export function guessFormat(content: string): SampleFormat {
  const head = content.trimStart().slice(0, 4096);
  if (head.startsWith('{') && /"resourceLogs"\s*:/.test(head)) return 'otlp_json';
  const lines = textLines(content.slice(0, 65536)).filter((l) => l.trim());
  const json = lines.filter((l) => l.trimStart().startsWith('{') && l.trimEnd().endsWith('}')).length;
  return lines.length > 0 && json / lines.length >= 0.8 ? 'jsonl' : 'text';
}

function parse(content: string, format: SampleFormat) {
  try {
    return linesFromContent(content, format);
  } catch (err) {
    if (err instanceof SampleFormatError) throw new AppError('LOG_SAMPLE_INVALID', err.message);
    throw err;
  }
}

export function createSources(deps: {
  db: Db;
  secretValues: (scope: OrgScope) => Promise<string[]>;
  gatewayExists: (scope: OrgScope, id: string) => Promise<void>;
  takeSnapshot: TakeSnapshot;
}) {
  const limits = { maxLines: LOG_SAMPLE_MAX_LINES, maxBytes: LOG_SAMPLE_MAX_BYTES };
  return {
    async resolve(scope: OrgScope, body: SourceBody, opts: { allowSaved?: boolean } = {}): Promise<ResolvedSample> {
      const given = (['lines', 'content', 'sample_id', 'gateway_id'] as const).filter((k) => body[k] !== undefined);
      if (given.length !== 1)
        throw new AppError(
          'VALIDATION_FAILED',
          `Give exactly one of lines, content, sample_id or gateway_id (got ${given.length ? given.join(', ') : 'none'})`,
        );
      if (body.format !== undefined && body.content === undefined)
        throw new AppError('VALIDATION_FAILED', 'format describes content: send it with content');
      let parsed: SampleLines & { received?: number; notes?: string[] };
      let source: string;
      let format: string;
      const sampleId: string | null = null;
      const name: string | null = null;
      let windowSeconds: number | null = null;
      if (body.lines) {
        parsed = { lines: body.lines, received: body.lines.length, notes: [] };
        source = 'lines';
        format = 'text';
      } else if (body.content !== undefined) {
        format = body.format ?? guessFormat(body.content);
        parsed = parse(body.content, format as SampleFormat);
        source = 'content';
      } else if (body.sample_id) {
        if (opts.allowSaved === false)
          throw new AppError('VALIDATION_FAILED', 'A saved sample is already saved: give lines, content or gateway_id');
        const row = await store.getSample(deps.db, scope, body.sample_id);
        if (!row) throw new AppError('LOG_SAMPLE_NOT_FOUND');
        const c = row.content;
        // Stored samples are already bounded and masked.
        return {
          lines: c.lines,
          ...(c.severities ? { severities: c.severities.map((s) => (s ?? undefined) as Severity | undefined) } : {}),
          ...(c.times ? { times: c.times.map((t) => t ?? undefined) } : {}),
          received_lines: c.lines.length,
          kept_lines: c.lines.length,
          dropped_lines: 0,
          bytes: Number(row.bytes),
          masked_values: 0,
          notes: row.notes,
          source: row.source,
          format: row.format,
          sampleId: row.id,
          name: row.name,
          windowSeconds: row.window_seconds,
        };
      } else {
        await deps.gatewayExists(scope, body.gateway_id!);
        const snap = await deps.takeSnapshot(scope, body.gateway_id!, {
          signal: 'logs',
          max_items: LOG_SAMPLE_MAX_LINES,
          max_bytes: LOG_SAMPLE_MAX_BYTES,
        });
        parsed = parse(JSON.stringify(snap.otlp_json), 'otlp_json');
        source = `gateway:${body.gateway_id}`;
        format = 'otlp_json';
        windowSeconds = snap.window_seconds ?? null;
      }
      const bounded = boundSample(parsed, { ...limits, secretValues: await deps.secretValues(scope) });
      if (bounded.kept_lines === 0 || bounded.lines.every((l) => l.trim() === ''))
        throw new AppError(
          'LOG_SAMPLE_EMPTY',
          parsed.received ? `The sample has ${parsed.received} lines but none with text` : undefined,
        );
      return { ...bounded, source, format, sampleId, name, windowSeconds };
    },
  };
}
export type Sources = ReturnType<typeof createSources>;
