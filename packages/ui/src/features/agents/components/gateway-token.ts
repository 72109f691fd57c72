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
 * A zero-touch gateway keeps reconnecting after its registration token expires or is used up; only
 * revoking that token cuts it off.
 */
export function gatewayTokenExpiry(tokenExpiresAt: string | null, format: (iso: string) => string = dateTime): GatewayTokenExpiry {
  if (tokenExpiresAt) return { state: 'token', label: format(tokenExpiresAt), hint: null };
  return {
    state: 'none',
    label: 'No gateway token',
    hint: 'It connects with its registration token (zero-touch enrolment) until that token is revoked; the token expiring or being used up does not cut it off. Or its own token was revoked.',
  };
}

/** The agent page's revoke and rotate dialogs, for a gateway with or without an OpAMP token of its own. */
export function gatewayTokenActions(state: GatewayTokenExpiry['state'], gatewayName: string): { revoke: string; rotate: string } {
  if (state === 'token') {
    return {
      revoke: `${gatewayName} is refused at its next connection or poll until it enrols again with a registration token.`,
      rotate: 'A new token is issued and the current one stops working. The new token is shown once: give it to the gateway, or it will be disconnected.',
    };
  }
  return {
    revoke: `${gatewayName} has no OpAMP token of its own. If it enrolled zero-touch it connects with its registration token: revoking here only drops its current connection and it reconnects. To cut it off, revoke that registration token, which cuts off every gateway enrolled zero-touch with it.`,
    rotate: `${gatewayName} has no OpAMP token of its own: one is issued and shown once. Until the gateway is configured with it, a gateway enrolled zero-touch keeps connecting with its registration token.`,
  };
}
