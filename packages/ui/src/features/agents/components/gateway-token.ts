import type { GatewayDetail } from '../../../lib/api/types.ts';
import { dateTime } from '../../../lib/format.ts';

type GatewayAuth = GatewayDetail['auth'];
type RegistrationTokenRef = NonNullable<GatewayAuth['registration_token']>;

const stateWord: Record<RegistrationTokenRef['state'], string> = {
  active: 'active',
  expired: 'expired',
  used_up: 'used up',
  revoked: 'revoked',
};

export interface GatewayAuthSummary {
  method: GatewayAuth['method'];
  /**
   * One line: "Own gateway token — expires …", "Registration token
   * edge (fgr_ab12…) — zero-touch; active", "No gateway token".
   */
  label: string;
  /** What that means for the gateway, or null when the label says it all. */
  hint: string | null;
  /** Whether the registration tokens page is worth a link (a registration token is in play). */
  linkToTokens: boolean;
  /** Own token only: it expired (the gateway is refused until it gets a new one). */
  expired: boolean;
}

const tokenName = (t: RegistrationTokenRef) => `${t.name} (${t.prefix}…)`;

/**
 * How the gateway authenticates, as the server says in `auth`. A gateway onboarded with the script has
 * its own OpAMP token; one enrolled zero-touch has none: its supervisor presents the registration token on
 * every connection, so that token's expiry or last use does not cut it off, only revoking it does.
 */
export function gatewayAuthSummary(
  gateway: Pick<GatewayDetail, 'auth' | 'token_expires_at'>,
  opts: { now?: number; format?: (iso: string) => string } = {},
): GatewayAuthSummary {
  const { auth } = gateway;
  const format = opts.format ?? dateTime;
  const now = opts.now ?? Date.now();
  const token = auth.registration_token;
  if (auth.method === 'gateway_token') {
    const expiresAt = gateway.token_expires_at;
    const expired = !!expiresAt && Date.parse(expiresAt) <= now;
    const when = expiresAt ? `${expired ? 'expired' : 'expires'} ${format(expiresAt)}` : 'no expiry recorded';
    let hint: string | null = expired ? 'It is refused until it gets a new token (rotate) or enrols again.' : null;
    if (auth.zero_touch) {
      const via = token ? `registration token ${tokenName(token)}` : 'a registration token';
      hint = [hint, `Enrolled zero-touch with ${via}: that token also admits it until it is revoked.`]
        .filter(Boolean)
        .join(' ');
    }
    return {
      method: auth.method,
      label: `Own gateway token — ${when}`,
      hint,
      linkToTokens: auth.zero_touch && token?.state !== 'revoked',
      expired,
    };
  }
  if (auth.method === 'registration_token') {
    if (!token) {
      return {
        method: auth.method,
        label: 'Registration token — zero-touch',
        hint: 'The registration token it enrolled with is no longer on record.',
        linkToTokens: false,
        expired: false,
      };
    }
    return {
      method: auth.method,
      label: `Registration token ${tokenName(token)} — zero-touch; ${stateWord[token.state]}`,
      hint: zeroTouchHint(token.state),
      linkToTokens: true,
      expired: false,
    };
  }
  return {
    method: auth.method,
    label: 'No gateway token',
    hint:
      'Its own token was revoked: it is refused until you rotate (issue ' +
      'it a new token and configure it with it) or it enrols again.',
    linkToTokens: false,
    expired: false,
  };
}

function zeroTouchHint(state: RegistrationTokenRef['state']): string {
  switch (state) {
    case 'active':
      return (
        'Its supervisor presents this token on every connection. ' +
        'Revoking the token cuts it off, with every gateway enrolled zero-touch with it.'
      );
    case 'expired':
    case 'used_up':
      return `The token enrols no new gateways, but this one keeps reconnecting with it until it is revoked.`;
    case 'revoked':
      return 'The token was revoked: the gateway is refused when it connects.';
  }
}

export interface GatewayTokenActions {
  /** Null: there is no token of its own to revoke; `revokeDisabledReason` says why and what to do instead. */
  revoke: string | null;
  revokeDisabledReason: string | null;
  rotate: string;
  /** The toast after a revoke (null when revoking is not offered). */
  revoked: string | null;
}

/** The agent page's revoke and rotate actions, as the server handles them for this gateway. */
export function gatewayTokenActions(auth: GatewayAuth, gatewayName: string): GatewayTokenActions {
  const token = auth.registration_token;
  const via = token ? `registration token ${tokenName(token)}` : 'its registration token';
  if (auth.method === 'gateway_token') {
    return {
      revoke: auth.zero_touch
        ? `${gatewayName}'s own token stops working and its connection is dropped. It was enrolled zero-touch: ` +
          `its supervisor can still reconnect with ${via} until that token is revoked.`
        : `${gatewayName} is refused at its next connection or poll until it enrols again with a registration token.`,
      revokeDisabledReason: null,
      rotate:
        'A new token is issued and the current one stops working. ' +
        'The new token is shown once: give it to the gateway, or it will be disconnected.',
      revoked: auth.zero_touch
        ? `${gatewayName} can still reconnect with ${via} until that token is revoked.`
        : `${gatewayName} can no longer connect with it.`,
    };
  }
  if (auth.method === 'registration_token') {
    return {
      revoke: null,
      revokeDisabledReason:
        `${gatewayName} was enrolled zero-touch and has no gateway token of its ` +
        `own to revoke. To cut it off, revoke ${via} on the Registration tokens ` +
        `page (that cuts off every gateway enrolled zero-touch with it).`,
      rotate:
        `${gatewayName} has no OpAMP token of its own: one is issued and shown ` +
        `once. Until its supervisor is configured with it, ` +
        `it keeps connecting with ${via}, which admits it until revoked.`,
      revoked: null,
    };
  }
  return {
    revoke: null,
    revokeDisabledReason: `${gatewayName}'s token was already revoked: it has none to revoke.`,
    rotate:
      `${gatewayName} has no OpAMP token: a new one is issued and shown ` +
      `once. Configure the gateway with it to let it connect again.`,
    revoked: null,
  };
}
