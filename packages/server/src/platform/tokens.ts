// JWTs: user access tokens and gateway OpAMP tokens, HS256 with a key derived from FLOWGATE_SECRET.
import { SignJWT, jwtVerify, errors as joseErrors } from 'jose';
import { randomUUID } from 'node:crypto';
import { deriveKey } from './crypto.ts';

export const ACCESS_TOKEN_TTL_SECONDS = 12 * 3600;

export interface AccessClaims {
  sub: string;
  type: 'access';
  jti: string;
}
export interface OpampClaims {
  sub: string;
  org_id: string;
  type: 'opamp_token';
  jti: string;
  exp: number;
  iat: number;
}

export function createTokenSigner(secret: string) {
  const key = deriveKey(secret, 'jwt');
  const verify = async (token: string): Promise<Record<string, unknown> | null> => {
    try {
      const { payload } = await jwtVerify(token, key, { algorithms: ['HS256'], issuer: 'flowgate' });
      return payload as Record<string, unknown>;
    } catch (err) {
      if (err instanceof joseErrors.JOSEError || err instanceof TypeError) return null;
      throw err;
    }
  };
  return {
    async signAccess(userId: string): Promise<{ token: string; expiresIn: number }> {
      const token = await new SignJWT({ type: 'access' })
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject(userId)
        .setIssuer('flowgate')
        .setJti(randomUUID())
        .setIssuedAt()
        .setExpirationTime(`${ACCESS_TOKEN_TTL_SECONDS}s`)
        .sign(key);
      return { token, expiresIn: ACCESS_TOKEN_TTL_SECONDS };
    },
    async verifyAccess(token: string): Promise<AccessClaims | null> {
      const p = await verify(token);
      if (!p || p.type !== 'access' || typeof p.sub !== 'string' || typeof p.jti !== 'string') return null;
      return { sub: p.sub, type: 'access', jti: p.jti };
    },
    async signOpamp(
      gatewayId: string,
      orgId: string,
      days: number,
    ): Promise<{ token: string; jti: string; expiresAt: Date }> {
      const jti = randomUUID();
      const expiresAt = new Date(Date.now() + days * 86400_000);
      const token = await new SignJWT({ org_id: orgId, type: 'opamp_token' })
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject(gatewayId)
        .setIssuer('flowgate')
        .setJti(jti)
        .setIssuedAt()
        .setExpirationTime(Math.floor(expiresAt.getTime() / 1000))
        .sign(key);
      return { token, jti, expiresAt };
    },
    async verifyOpamp(token: string): Promise<OpampClaims | null> {
      const p = await verify(token);
      if (
        !p ||
        p.type !== 'opamp_token' ||
        typeof p.sub !== 'string' ||
        typeof p.org_id !== 'string' ||
        typeof p.jti !== 'string'
      )
        return null;
      return p as unknown as OpampClaims;
    },
  };
}
export type TokenSigner = ReturnType<typeof createTokenSigner>;
