// Protocol messages → our own types, at the adapter boundary (the rest of the server never sees protobuf).
import type { AnyValue, ComponentHealth, KeyValue, AgentDescription } from '@flowgate/opamp';
import type { ComponentHealthNode } from '@flowgate/config-model';

/**
 * Agent text as PostgreSQL can store it: NUL is refused in text and jsonb (SQLSTATE 22021 / 22P05),
 * and one such character must not make an agent's whole report (or its enrolment) fail.
 */
export const storable = (s: string) => (s.includes('\u0000') ? s.replaceAll('\u0000', '') : s);

export function anyValueText(v: AnyValue | undefined): string {
  if (!v) return '';
  switch (v.value.case) {
    case 'stringValue':
      return v.value.value;
    case 'boolValue':
      return String(v.value.value);
    case 'intValue':
      return v.value.value.toString();
    case 'doubleValue':
      return String(v.value.value);
    case 'bytesValue':
      return Buffer.from(v.value.value).toString('base64');
    case 'arrayValue':
      return JSON.stringify(v.value.value.values.map(anyValueText));
    case 'kvlistValue':
      return JSON.stringify(Object.fromEntries(v.value.value.values.map((kv) => [kv.key, anyValueText(kv.value)])));
    default:
      return '';
  }
}

const kvRecord = (kvs: KeyValue[]) =>
  Object.fromEntries(kvs.map((kv) => [storable(kv.key), storable(anyValueText(kv.value))]));

export function descriptionOf(d: AgentDescription) {
  return { identifying: kvRecord(d.identifyingAttributes), non_identifying: kvRecord(d.nonIdentifyingAttributes) };
}

const nanosToIso = (n: bigint) => (n > 0n ? new Date(Number(n / 1_000_000n)).toISOString() : null);

export function healthTree(h: ComponentHealth, depth = 0): ComponentHealthNode {
  const components: Record<string, ComponentHealthNode> = {};
  if (depth < 8)
    for (const [k, v] of Object.entries(h.componentHealthMap)) components[storable(k)] = healthTree(v, depth + 1);
  return {
    healthy: h.healthy,
    status: storable(h.status),
    last_error: storable(h.lastError),
    start_time: nanosToIso(h.startTimeUnixNano),
    status_time: nanosToIso(h.statusTimeUnixNano),
    components,
  };
}

export const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
export const unhex = (s: string) => new Uint8Array(Buffer.from(s, 'hex'));
