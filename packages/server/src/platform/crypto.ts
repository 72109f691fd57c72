import {
  createHash,
  createHmac,
  hkdfSync,
  randomBytes,
  createCipheriv,
  createDecipheriv,
  timingSafeEqual,
} from 'node:crypto';

export const sha256Hex = (value: string | Uint8Array) => createHash('sha256').update(value).digest('hex');

/**
 * Random secret token with a recognisable prefix, e.g. fgr_… (registration)
 * or fgk_… (API key). 48 random bytes → 64 base64url chars.
 */
export function newSecretToken(kind: 'fgr' | 'fgk'): string {
  return `${kind}_${randomBytes(48).toString('base64url')}`;
}

export function tokenPrefix(token: string): string {
  return token.slice(0, 10);
}

/** Derives independent keys from FLOWGATE_SECRET for JWT signing and encryption at rest. */
export function deriveKey(secret: string, purpose: 'jwt' | 'encryption'): Uint8Array {
  return new Uint8Array(hkdfSync('sha256', secret, 'flowgate', `flowgate:${purpose}`, 32));
}

/** AES-256-GCM; output: base64url(iv | tag | ciphertext). */
export function encrypt(key: Uint8Array, plaintext: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url');
}

export function decrypt(key: Uint8Array, sealed: string): string {
  const raw = Buffer.from(sealed, 'base64url');
  const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12));
  decipher.setAuthTag(raw.subarray(12, 28));
  return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
}

export function safeEqual(a: string, b: string): boolean {
  const ha = createHmac('sha256', 'cmp').update(a).digest();
  const hb = createHmac('sha256', 'cmp').update(b).digest();
  return timingSafeEqual(ha, hb);
}

/**
 * Deterministic per-gateway credential for the own-telemetry ingest (OTLP/HTTP), sent to the agent
 * in the own_metrics offer. Deterministic so the offer (and its hash) only changes when the
 * destination does: a changed offer restarts the collector.
 */
export function telemetryToken(secret: string, gatewayId: string): string {
  const mac = createHmac('sha256', deriveKey(secret, 'jwt')).update(`telemetry:${gatewayId}`).digest('base64url');
  return `fgt_${gatewayId}.${mac}`;
}

export function verifyTelemetryToken(secret: string, token: string): string | null {
  const m = /^fgt_([0-9a-f-]{36})\.([\w-]+)$/.exec(token);
  if (!m) return null;
  return safeEqual(telemetryToken(secret, m[1]!), token) ? m[1]! : null;
}
