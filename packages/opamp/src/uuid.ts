// instance_uid helpers: OpAMP carries 16 raw bytes; people and logs read UUID strings.
import { randomBytes } from 'node:crypto';
import { INSTANCE_UID_LENGTH } from './framing.ts';

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** 16 bytes → canonical lowercase UUID text (8-4-4-4-12). Throws on any other length. */
export function uuidFromBytes(bytes: Uint8Array): string {
  if (bytes.length !== INSTANCE_UID_LENGTH)
    throw new RangeError(`a UUID is ${INSTANCE_UID_LENGTH} bytes, got ${bytes.length}`);
  let s = '';
  for (let i = 0; i < 16; i++) {
    if (i === 4 || i === 6 || i === 8 || i === 10) s += '-';
    s += HEX[bytes[i]!];
  }
  return s;
}

const UUID_RE = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;

/** UUID text (with or without dashes, any case) → 16 bytes. Throws on anything else. */
export function bytesFromUuid(uuid: string): Uint8Array {
  if (!UUID_RE.test(uuid)) throw new RangeError(`not a UUID: ${JSON.stringify(uuid.slice(0, 64))}`);
  const hex = uuid.replaceAll('-', '');
  const out = new Uint8Array(16);
  for (let i = 0; i < 16; i++) out[i] = Number.parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
}

/** A fresh UUIDv7 (time-ordered, as the spec recommends for instance_uid) as 16 bytes. */
export function newInstanceUid(nowMs: number = Date.now()): Uint8Array {
  const b = new Uint8Array(randomBytes(16));
  const ms = BigInt(nowMs);
  for (let i = 0; i < 6; i++) b[i] = Number((ms >> BigInt(8 * (5 - i))) & 0xffn);
  b[6] = 0x70 | (b[6]! & 0x0f); // version 7
  b[8] = 0x80 | (b[8]! & 0x3f); // RFC 4122 variant
  return b;
}
