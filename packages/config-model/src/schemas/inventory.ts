// The inventory API: what flows through the gateways, as measured by the Flowgate processor at the start
// (`in`) and the end (`out`) of every pipeline (docs/measurement.md). Per-minute figures come from the
// latest reported window; history is per hour.
import { Type, type Static } from '@sinclair/typebox';
import { Nullable, Timestamp, Uuid } from './common.ts';

const PerMin = (what: string) => Type.Number({ minimum: 0, description: `${what} per minute in the latest window` });

export const InventoryLabel = Type.Object({
  name: Type.String({ description: 'Attribute key' }),
  distinct: Type.Integer({
    description:
      'Distinct values in the latest window; an estimate (HyperLogLog, ~1.6 % error) when exact is false. ' +
      'Across gateways: the largest count any one gateway saw — a lower bound, values are not shared between gateways',
  }),
  exact: Type.Boolean(),
  examples: Type.Array(Type.String(), { description: 'A few of the values, as seen' }),
});
export type InventoryLabel = Static<typeof InventoryLabel>;

export const InventoryMetricOut = Type.Object(
  {
    series: Type.Integer(),
    datapoints_per_min: PerMin('Data points'),
    bytes_per_min: PerMin('Protobuf bytes'),
  },
  {
    description:
      "The same metric where the pipeline ends (position out: what is exported); zeros when the pipeline's " +
      'processors drop it; null when no pipeline carrying it reported an out position',
  },
);

export const InventoryMetric = Type.Object({
  name: Type.String(),
  type: Type.String({ description: 'gauge, sum, histogram, exponential_histogram or summary' }),
  unit: Type.String(),
  monotonic: Nullable(Type.Boolean()),
  temporality: Nullable(Type.String({ description: 'cumulative or delta (sums and histograms)' })),
  series: Type.Integer({
    description:
      'Distinct resource + data point attribute sets in the latest window, where the gateway receives it ' +
      '(position in). A metric in several pipelines is counted where it is largest (pipelines fed by one ' +
      'receiver see the same data)',
  }),
  datapoints_per_min: PerMin('Data points'),
  bytes_per_min: PerMin("Protobuf bytes of the metric's share of the requests"),
  labels: Type.Array(InventoryLabel, { description: 'Data point attributes, most distinct values first' }),
  resource_labels: Type.Array(InventoryLabel, { description: 'Resource attributes, most distinct values first' }),
  pipelines: Type.Array(Type.String(), { description: 'Pipelines whose in position saw it' }),
  out: Nullable(InventoryMetricOut),
});
export type InventoryMetric = Static<typeof InventoryMetric>;

export const InventoryLogGroup = Type.Object({
  service: Type.String({ description: "Resource service.name ('unknown' when absent)" }),
  severity: Type.String({ description: 'Severity text, or the severity number’s name' }),
  records_per_min: PerMin('Log records'),
  bytes_per_min: PerMin('Protobuf bytes'),
  out: Nullable(
    Type.Object(
      { records_per_min: PerMin('Log records'), bytes_per_min: PerMin('Protobuf bytes') },
      { description: 'The same group at the end of the pipeline (what is exported); null when not reported' },
    ),
  ),
});
export type InventoryLogGroup = Static<typeof InventoryLogGroup>;

export const InventoryFlow = Type.Object(
  {
    items: Type.Integer({ description: 'Data points, log records or spans in the latest window' }),
    bytes: Type.Integer({ description: 'Protobuf-encoded bytes in the latest window' }),
    items_per_min: PerMin('Items'),
    bytes_per_min: PerMin('Bytes'),
    window_start: Timestamp,
    window_end: Timestamp,
  },
  { description: 'What passed one position of the pipeline; null when that position has not reported' },
);
export type InventoryFlow = Static<typeof InventoryFlow>;

export const InventoryPipeline = Type.Object({
  name: Type.String({ description: 'Pipeline id in service.pipelines' }),
  signal: Type.String(),
  in: Nullable(InventoryFlow),
  out: Nullable(InventoryFlow),
  bytes_reduction: Nullable(
    Type.Number({ description: '1 − out bytes / in bytes (per minute): the measured saving of this pipeline' }),
  ),
});
export type InventoryPipeline = Static<typeof InventoryPipeline>;

export const MeasurementState = Type.Object({
  status: Type.Union([Type.Literal('reporting'), Type.Literal('waiting'), Type.Literal('unsupported')], {
    description:
      'reporting: summaries are stored; waiting: the gateway can measure but no summary has come yet; ' +
      'unsupported: its build has no flowgate_measure processor (an older collector) or it has not said',
  }),
  component: Nullable(
    Type.Boolean({ description: "flowgate_measure is among the gateway's available components; null: not reported" }),
  ),
  capability: Type.Boolean({ description: 'The gateway announced the io.flowgate.measure custom capability' }),
});

export const GatewayInventory = Type.Object({
  gateway_id: Uuid,
  measurement: MeasurementState,
  metrics: Type.Array(InventoryMetric, { description: 'By bytes per minute, largest first' }),
  metrics_dropped: Type.Integer({
    description: 'Metric names the processor did not track in detail (over its limit): counted in totals only',
  }),
  logs: Type.Array(InventoryLogGroup, { description: 'By bytes per minute, largest first' }),
  pipelines: Type.Array(InventoryPipeline),
  reported_at: Nullable(Timestamp),
});
export type GatewayInventory = Static<typeof GatewayInventory>;

export const OrgInventoryQuery = Type.Object(
  {
    org_id: Type.Optional(Uuid),
    q: Type.Optional(Type.String({ maxLength: 200, description: 'Metric name contains (case-insensitive)' })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 })),
    cursor: Type.Optional(Type.String({ maxLength: 1200 })),
  },
  { additionalProperties: false },
);

export const OrgInventoryMetric = Type.Object({
  name: Type.String(),
  type: Type.String(),
  unit: Type.String(),
  series: Type.Integer({ description: 'Summed over gateways (each at its in position)' }),
  datapoints_per_min: PerMin('Data points, summed over gateways,'),
  bytes_per_min: PerMin('Bytes, summed over gateways,'),
  labels: Type.Array(InventoryLabel),
  out: Nullable(InventoryMetricOut),
  gateway_count: Type.Integer(),
  gateways: Type.Array(Type.Object({ id: Uuid, name: Type.String() }), {
    description: 'Gateways it was seen on (the first 20 by name)',
  }),
});
export type OrgInventoryMetric = Static<typeof OrgInventoryMetric>;

export const SignalFlow = Type.Object({
  signal: Type.String(),
  in: Type.Object({ items_per_min: Type.Number(), bytes_per_min: Type.Number() }),
  out: Type.Object({ items_per_min: Type.Number(), bytes_per_min: Type.Number() }),
});

export const OrgInventory = Type.Object({
  items: Type.Array(OrgInventoryMetric),
  next_cursor: Nullable(Type.String()),
  totals: Type.Object({
    gateways_reporting: Type.Integer(),
    metrics: Type.Integer({ description: 'Distinct metric names (matching q)' }),
    signals: Type.Array(SignalFlow, { description: 'Items and bytes per minute in and out, summed over pipelines' }),
  }),
  reported_at: Nullable(Timestamp),
});
export type OrgInventory = Static<typeof OrgInventory>;

export const InventoryHistoryQuery = Type.Object(
  {
    org_id: Type.Optional(Uuid),
    hours: Type.Optional(Type.Integer({ minimum: 1, maximum: 24 * 90, default: 24 })),
  },
  { additionalProperties: false },
);

const HourFlow = Nullable(
  Type.Object({
    items: Type.Integer({ description: 'Summed over the windows that started in this hour' }),
    bytes: Type.Integer(),
    seconds: Type.Integer({
      description: 'Seconds of measurement windows in this hour (3600 when one instance reported all of it)',
    }),
    items_per_min: Type.Number({
      description: 'Items per minute over the measured windows (a partly reported hour is not smaller)',
    }),
    bytes_per_min: Type.Number({ description: 'Bytes per minute over the measured windows' }),
  }),
);
export const InventoryHistoryPoint = Type.Object({ hour: Timestamp, in: HourFlow, out: HourFlow });
export type InventoryHistoryPoint = Static<typeof InventoryHistoryPoint>;

export const GatewayInventoryHistory = Type.Object({
  gateway_id: Uuid,
  hours: Type.Integer(),
  pipelines: Type.Array(
    Type.Object({ name: Type.String(), signal: Type.String(), points: Type.Array(InventoryHistoryPoint) }),
  ),
});
export type GatewayInventoryHistory = Static<typeof GatewayInventoryHistory>;

export const OrgInventoryHistory = Type.Object({
  hours: Type.Integer(),
  signals: Type.Array(
    Type.Object({
      signal: Type.String(),
      points: Type.Array(InventoryHistoryPoint, { description: 'Summed over the gateways and pipelines' }),
    }),
  ),
});
export type OrgInventoryHistory = Static<typeof OrgInventoryHistory>;

export const SnapshotBody = Type.Object(
  {
    signal: Type.Union([Type.Literal('metrics'), Type.Literal('logs'), Type.Literal('traces')]),
    pipeline: Type.Optional(Type.String({ minLength: 1, maxLength: 1024, description: 'Default: every pipeline' })),
    position: Type.Optional(
      Type.Union([Type.Literal('in'), Type.Literal('out')], { description: 'Default: both positions' }),
    ),
    max_items: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })),
    max_bytes: Type.Optional(Type.Integer({ minimum: 1024, maximum: 1024 * 1024, default: 262_144 })),
    timeout_s: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: 50,
        default: 20,
        description: 'How long the gateway captures at most; the request waits 10 s more for the answer',
      }),
    ),
  },
  { additionalProperties: false },
);
export type SnapshotBody = Static<typeof SnapshotBody>;

export const Snapshot = Type.Object({
  id: Type.String(),
  gateway_id: Uuid,
  signal: Type.String(),
  pipeline: Nullable(Type.String()),
  position: Nullable(Type.String()),
  truncated: Type.Boolean({ description: 'The gateway stopped at max_items or max_bytes' }),
  records: Type.Integer({ description: 'Data points, log records or spans in otlp' }),
  otlp: Type.Record(Type.String(), Type.Unknown(), {
    description: 'OTLP/JSON (Export*ServiceRequest) of the captured records, credentials masked',
  }),
  captured_at: Timestamp,
});
export type Snapshot = Static<typeof Snapshot>;
