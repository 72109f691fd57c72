// The OpAMP custom messages of the Flowgate processor (docs/measurement.md), as the control plane accepts
// them: JSON shapes with bounds on every count, string and number, checked before anything is stored.
// Decompression and its size limits are the server's (it owns zlib); this file is pure.
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';

/** Limits of what one message may carry. Beyond them a message is refused whole, nothing stored. */
export const measureLimits = {
  /** gzip-compressed `data` of a custom message. */
  compressedBytes: 2 * 1024 * 1024,
  /** The JSON after decompression. */
  decompressedBytes: 16 * 1024 * 1024,
  /** Points in one summary: one per instance (pipeline × position) of the collector. */
  points: 512,
  /** Metric names per point (the processor tracks 5,000 by default). */
  metrics: 20_000,
  /** Label keys per metric, point or resource. */
  labels: 256,
  /** Example values per label key. */
  examples: 32,
  /** (service, severity) groups per point (the processor tracks 1,000 by default). */
  logGroups: 20_000,
  /** Any count or size: JavaScript's exact integers. */
  number: Number.MAX_SAFE_INTEGER,
  /** A window is at most a day long (the processor reports every minute by default). */
  windowSeconds: 86_400,
} as const;

const Count = Type.Integer({ minimum: 0, maximum: measureLimits.number });
const Name = Type.String({ minLength: 1, maxLength: 1024 });
const Text = (max: number) => Type.String({ maxLength: max });

export const MeasureLabel = Type.Object({
  name: Name,
  distinct: Count,
  exact: Type.Optional(Type.Boolean()),
  examples: Type.Optional(Type.Array(Text(4096), { maxItems: measureLimits.examples })),
});
export type MeasureLabel = Static<typeof MeasureLabel>;

export const MeasureMetric = Type.Object({
  name: Name,
  type: Text(32),
  unit: Type.Optional(Text(256)),
  monotonic: Type.Optional(Type.Boolean()),
  temporality: Type.Optional(Text(32)),
  series: Count,
  datapoints: Count,
  bytes: Count,
  labels: Type.Optional(Type.Array(MeasureLabel, { maxItems: measureLimits.labels })),
  resource_labels: Type.Optional(Type.Array(MeasureLabel, { maxItems: measureLimits.labels })),
});
export type MeasureMetric = Static<typeof MeasureMetric>;

export const MeasureLogGroup = Type.Object({
  service: Text(1024),
  severity: Text(64),
  records: Count,
  bytes: Count,
});
export type MeasureLogGroup = Static<typeof MeasureLogGroup>;

export const MeasurePosition = Type.Union([Type.Literal('in'), Type.Literal('out')]);
export const MeasureSignal = Type.Union([
  Type.Literal('metrics'),
  Type.Literal('logs'),
  Type.Literal('traces'),
  Type.Literal('profiles'),
]);
export type MeasureSignal = Static<typeof MeasureSignal>;

export const MeasurePoint = Type.Object({
  pipeline: Name,
  position: MeasurePosition,
  signal: MeasureSignal,
  window: Type.Object({ start: Type.String({ maxLength: 64 }), end: Type.String({ maxLength: 64 }) }),
  items: Count,
  bytes: Count,
  metrics: Type.Optional(Type.Array(MeasureMetric, { maxItems: measureLimits.metrics })),
  metrics_dropped: Type.Optional(Count),
  logs: Type.Optional(Type.Array(MeasureLogGroup, { maxItems: measureLimits.logGroups })),
});
export type MeasurePoint = Static<typeof MeasurePoint>;

export const MeasureSummary = Type.Object({
  v: Type.Literal(1),
  points: Type.Array(MeasurePoint, { maxItems: measureLimits.points }),
});
export type MeasureSummary = Static<typeof MeasureSummary>;

export const SnapshotRequest = Type.Object({
  id: Type.String({ minLength: 1, maxLength: 64 }),
  pipeline: Type.Optional(Name),
  position: Type.Optional(MeasurePosition),
  signal: MeasureSignal,
  max_items: Type.Integer({ minimum: 1, maximum: 1000 }),
  max_bytes: Type.Integer({ minimum: 1, maximum: 1024 * 1024 }),
  timeout_s: Type.Integer({ minimum: 1, maximum: 60 }),
});
export type SnapshotRequest = Static<typeof SnapshotRequest>;

export const SnapshotResponse = Type.Object({
  id: Type.String({ minLength: 1, maxLength: 64 }),
  pipeline: Type.Optional(Type.String({ maxLength: 1024 })),
  position: Type.Optional(Type.String({ maxLength: 8 })),
  signal: Type.Optional(Type.String({ maxLength: 16 })),
  truncated: Type.Optional(Type.Boolean()),
  error: Type.Optional(Type.String({ maxLength: 4096 })),
  otlp: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
});
export type SnapshotResponse = Static<typeof SnapshotResponse>;

export type Checked<T> = { ok: true; value: T } | { ok: false; problems: string[] };

/** Compiled on first use: importing this module (the UI does, through the index) compiles nothing. */
function checker<T extends TSchema>(schema: T) {
  let compiled: ReturnType<typeof TypeCompiler.Compile<T>> | null = null;
  return (value: unknown): Checked<Static<T>> => {
    compiled ??= TypeCompiler.Compile(schema);
    if (compiled.Check(value)) return { ok: true, value };
    const problems: string[] = [];
    for (const e of compiled.Errors(value)) {
      problems.push(`${e.path || '/'}: ${e.message}`);
      if (problems.length >= 10) break;
    }
    return { ok: false, problems };
  };
}

const checkSummaryShape = checker(MeasureSummary);

/**
 * A decoded `summary` against the contract: shape and bounds, then what a schema cannot say — windows
 * that are real time ranges (start before end, at most a day, not in the future by more than `skewMs`).
 */
export function checkSummary(value: unknown, now = Date.now(), skewMs = 3_600_000): Checked<MeasureSummary> {
  const shape = checkSummaryShape(value);
  if (!shape.ok) return shape;
  const problems: string[] = [];
  shape.value.points.forEach((p, i) => {
    const start = Date.parse(p.window.start);
    const end = Date.parse(p.window.end);
    if (!Number.isFinite(start) || !Number.isFinite(end)) problems.push(`/points/${i}/window: not RFC 3339 times`);
    else if (end <= start) problems.push(`/points/${i}/window: end is not after start`);
    else if (end - start > measureLimits.windowSeconds * 1000) problems.push(`/points/${i}/window: longer than a day`);
    else if (end > now + skewMs) problems.push(`/points/${i}/window: ends in the future`);
  });
  return problems.length ? { ok: false, problems: problems.slice(0, 10) } : shape;
}

export const checkSnapshotResponse = checker(SnapshotResponse);
