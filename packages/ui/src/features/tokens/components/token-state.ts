import type { RegistrationToken } from '../../../lib/api/types.ts';

export type TokenState = 'active' | 'revoked' | 'expired' | 'used_up';

export function tokenState(token: Pick<RegistrationToken, 'is_active' | 'expires_at' | 'max_uses' | 'uses'>, now: number = Date.now()): TokenState {
  if (!token.is_active) return 'revoked';
  if (token.expires_at && Date.parse(token.expires_at) <= now) return 'expired';
  if (token.max_uses !== null && token.uses >= token.max_uses) return 'used_up';
  return 'active';
}
