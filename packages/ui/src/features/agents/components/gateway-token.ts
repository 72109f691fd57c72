import { dateTime } from '../../../lib/format.ts';

export interface GatewayTokenExpiry {
  /** `token`: the gateway has its own OpAMP token; `none`: it has none. */
  state: 'token' | 'none';
  label: string;
  hint: string | null;
}

/**
 * What to say about a gateway's OpAMP token. `token_expires_at` is null when the gateway has no token of
 * its own: it enrolled zero-touch (the supervisor config sends the registration token on every OpAMP
 * connection and is never given a gateway token), or its token was revoked. The API does not say which,
 * so the hint names both. Gateway tokens always expire (opamp_token_days is at least 1): null never means "never".
 */
export function gatewayTokenExpiry(tokenExpiresAt: string | null, format: (iso: string) => string = dateTime): GatewayTokenExpiry {
  if (tokenExpiresAt) return { state: 'token', label: format(tokenExpiresAt), hint: null };
  return {
    state: 'none',
    label: 'No gateway token',
    hint: 'It authenticates with its registration token (zero-touch enrolment) for as long as that token is valid, or its own token was revoked.',
  };
}
