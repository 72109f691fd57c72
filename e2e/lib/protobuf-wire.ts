// Protobuf wire format, read generically: a message becomes field number → values, so stand-ins can
// decode exactly the fields they check (OTLP, Cloud Monitoring, Cloud Logging) by their numbers from the
// public .proto files, without generated code. A body that is not a valid message throws.
import { BinaryReader, WireType } from '@bufbuild/protobuf/wire';

export type WireValue = Uint8Array | bigint | number;
export type WireMessage = Map<number, WireValue[]>;

export function decodeMessage(bytes: Uint8Array): WireMessage {
  const r = new BinaryReader(bytes);
  const out: WireMessage = new Map();
  while (r.pos < r.len) {
    const [no, type] = r.tag();
    if (no === 0) throw new Error('invalid protobuf: field number 0');
    let v: WireValue;
    switch (type) {
      case WireType.Varint:
        v = BigInt(r.uint64());
        break;
      case WireType.Bit64:
        v = r.fixed64() as unknown as bigint;
        break;
      case WireType.LengthDelimited:
        v = r.bytes();
        break;
      case WireType.Bit32:
        v = r.fixed32();
        break;
      default:
        throw new Error(`invalid protobuf: wire type ${type as number} of field ${no}`);
    }
    const list = out.get(no) ?? [];
    list.push(v);
    out.set(no, list);
  }
  return out;
}

const bytesOf = (m: WireMessage, no: number) =>
  (m.get(no) ?? []).filter((v): v is Uint8Array => v instanceof Uint8Array);
/** Every embedded message of a repeated (or single) field. */
export const messages = (m: WireMessage, no: number): WireMessage[] => bytesOf(m, no).map(decodeMessage);
export const message = (m: WireMessage, no: number): WireMessage | null => messages(m, no)[0] ?? null;
export const string = (m: WireMessage, no: number): string =>
  bytesOf(m, no)[0] ? new TextDecoder().decode(bytesOf(m, no)[0]) : '';
export const varint = (m: WireMessage, no: number): bigint => {
  const v = m.get(no)?.[0];
  return typeof v === 'bigint' ? v : 0n;
};
/** A fixed64 field read as a double (OTLP as_double, Cloud Monitoring double_value). */
export function double(m: WireMessage, no: number): number | null {
  const v = m.get(no)?.[0];
  if (v === undefined || v instanceof Uint8Array) return null;
  const buf = new DataView(new ArrayBuffer(8));
  buf.setBigUint64(0, BigInt.asUintN(64, BigInt(v)), true);
  return buf.getFloat64(0, true);
}
/** A fixed64 field read as a signed integer (OTLP as_int). */
export function sfixed64(m: WireMessage, no: number): bigint | null {
  const v = m.get(no)?.[0];
  if (v === undefined || v instanceof Uint8Array) return null;
  return BigInt.asIntN(64, BigInt(v));
}
/** `map<string, string>` entries (key = 1, value = 2). */
export const stringMap = (m: WireMessage, no: number): Record<string, string> =>
  Object.fromEntries(messages(m, no).map((e) => [string(e, 1), string(e, 2)]));
