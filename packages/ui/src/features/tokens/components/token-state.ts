import type { RegistrationToken } from '../../../lib/api/types.ts';

export type TokenState = 'active' | 'revoked' | 'expired' | 'used_up';

export function tokenState(
  token: Pick<RegistrationToken, 'is_active' | 'expires_at' | 'max_uses' | 'uses'>,
  now: number = Date.now(),
): TokenState {
  if (!token.is_active) return 'revoked';
  if (token.expires_at && Date.parse(token.expires_at) <= now) return 'expired';
  if (token.max_uses !== null && token.uses >= token.max_uses) return 'used_up';
  return 'active';
}

/**
 * What a token in this state still does. Expiry and the last use end enrolment only: gateways enrolled
 * zero-touch send the registration token on every connection and keep reconnecting with it. Revoking it
 * is what cuts them off. Gateways onboarded with the script have their own OpAMP token either way.
 */
export function tokenStateHint(state: TokenState): { short: string | null; detail: string } | null {
  switch (state) {
    case 'active':
      return null;
    case 'expired':
    case 'used_up':
      return {
        short: 'Enrols no new gateways',
        detail:
          `${state === 'expired' ? 'Expired' : 'Used up'}: it enrols no new gateways. ` +
          `The gateways enrolled zero-touch with it keep reconnecting with it until you revoke it.`,
      };
    case 'revoked':
      return {
        short: null,
        detail:
          'Revoked: it enrols no new gateways, and the gateways enrolled ' +
          'zero-touch with it are refused when they connect.',
      };
  }
}

/** The revoke dialog's text: what revoking this token changes, given what it already stopped doing. */
export function revokeTokenConsequences(state: TokenState): string[] {
  return [
    state === 'active' ? 'New gateways can no longer enrol with it.' : 'It already enrols no new gateways.',
    'Every gateway enrolled zero-touch with it (supervisor config) sends this token on every connection: ' +
      'revoking it disconnects them, each refused from its next connection on.',
    'Gateways installed with the install script (or flowgate gateway run) have their own OpAMP token and keep working.',
  ];
}
