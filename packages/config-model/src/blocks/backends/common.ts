// Pieces every backend preset shares: schema fields (secret names, URLs, queue and retry sizes) and the
// exporter settings they render to. Values are the collector's documented defaults unless a comment says
// otherwise (exporterhelper and configretry at collector v0.158.0 / v1.64.0).
import { Type, type TLiteral, type TUnion } from '@sinclair/typebox';
import { SECRET_NAME_RE } from '../../collector/config-refs.ts';
import { blockProblemCodes, SECRET_FIELD, WHEN_FIELD, type BlockProblem } from '../types.ts';

/** Options marking a field as relevant only when other fields have one of the given values. */
export const when = (cond: Record<string, string[]>) => ({ [WHEN_FIELD]: cond });

/** A field holding the NAME of a Flowgate secret (never its value). */
export const SecretName = (description: string, options: Record<string, unknown> = {}) =>
  Type.String({
    ...options,
    description,
    pattern: SECRET_NAME_RE.source,
    patternMessage: 'must be a secret name (letters, digits and _, not starting with a digit)',
    [SECRET_FIELD]: true,
  });

export const StringEnum = <T extends string[]>(values: [...T], options: Record<string, unknown> = {}) =>
  Type.Union(
    values.map((v) => Type.Literal(v)),
    options,
  ) as unknown as TUnion<{ [K in keyof T]: TLiteral<T[K]> }>;

export const HttpUrl = (description: string) =>
  Type.String({
    description,
    minLength: 1,
    maxLength: 2048,
    pattern: '^https?://[^\\s/$.?#][^\\s]*$',
    patternMessage: 'must be an http:// or https:// URL',
  });

/** host:port for gRPC exporters. */
export const HostPort = (description: string) =>
  Type.String({
    description,
    minLength: 1,
    maxLength: 512,
    pattern: '^(https?://)?[^\\s/:]+(:[0-9]{1,5})$',
    patternMessage: 'must be host:port (for example collector.example.com:4317)',
  });

export const queueFields = {
  queue_size: Type.Integer({
    minimum: 1,
    maximum: 1_000_000,
    description: 'Requests held in memory while the backend is slow or down (sending_queue.queue_size)',
  }),
  retry_max_elapsed_seconds: Type.Integer({
    minimum: 0,
    maximum: 86_400,
    description: 'Give up retrying a failed request after this many seconds (0: retry forever)',
  }),
};
/** exporterhelper's defaults: queue_size 1000, max_elapsed_time 300s. */
export const queueDefaults = { queue_size: 1000, retry_max_elapsed_seconds: 300 };

/**
 * `retry_on_failure` as configretry.NewDefaultBackOffConfig() has it (5s initial, 30s max interval),
 * with the user's max_elapsed_time.
 */
export function retryOnFailure(maxElapsedSeconds: number) {
  return {
    enabled: true,
    initial_interval: '5s',
    max_interval: '30s',
    max_elapsed_time: `${maxElapsedSeconds}s`,
  };
}

/** `sending_queue` of exporterhelper (10 consumers is its default). */
export function sendingQueue(queueSize: number) {
  return { enabled: true, num_consumers: 10, queue_size: queueSize };
}

/** An endpoint that ends in a signal path although the exporter appends it. */
export function signalPathProblem(path: string, url: string): BlockProblem | null {
  const m = /\/v1\/(metrics|logs|traces)\/?$/.exec(url);
  if (!m) return null;
  return {
    path,
    code: blockProblemCodes.invalidValue,
    message: `give the base URL without /v1/${m[1]}: the exporter appends /v1/metrics, /v1/logs and /v1/traces itself`,
  };
}

/** `a`, `b` and `c` */
export const listWords = (items: readonly string[]) =>
  items.length <= 1 ? items.join('') : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
