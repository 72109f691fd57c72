import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { GatewayDetail } from '../../../lib/api/types.ts';
import { gatewayAuthSummary, gatewayTokenActions } from './gateway-token.ts';

type Auth = GatewayDetail['auth'];
const NOW = Date.parse('2026-06-01T00:00:00Z');
const format = (iso: string) => `at ${iso}`;
const edge = (state: NonNullable<Auth['registration_token']>['state']) => ({
  id: '11111111-1111-4111-8111-111111111111',
  name: 'edge-fleet',
  prefix: 'fgr_ab12',
  state,
});
const summary = (auth: Auth, tokenExpiresAt: string | null = null) =>
  gatewayAuthSummary({ auth, token_expires_at: tokenExpiresAt }, { now: NOW, format });

describe('gateway auth summary', () => {
  it('own token: says so with its expiry', () => {
    const s = summary(
      { method: 'gateway_token', zero_touch: false, registration_token: edge('active') },
      '2027-03-01T12:00:00Z',
    );
    assert.equal(s.label, 'Own gateway token — expires at 2027-03-01T12:00:00Z');
    assert.equal(s.hint, null);
    assert.equal(s.expired, false);
    assert.equal(s.linkToTokens, false, 'the registration token plays no part in how it connects');
  });

  it('own token in the past: says it expired and what to do', () => {
    const s = summary({ method: 'gateway_token', zero_touch: false, registration_token: null }, '2026-05-01T00:00:00Z');
    assert.equal(s.label, 'Own gateway token — expired at 2026-05-01T00:00:00Z');
    assert.equal(s.expired, true);
    assert.match(s.hint ?? '', /refused until it gets a new token/);
  });

  it('own token given to a zero-touch gateway: says its registration token still admits it', () => {
    const s = summary(
      { method: 'gateway_token', zero_touch: true, registration_token: edge('active') },
      '2027-03-01T12:00:00Z',
    );
    assert.match(s.label, /^Own gateway token — expires/);
    assert.match(
      s.hint ?? '',
      /zero-touch with registration token edge-fleet \(fgr_ab12…\): that token also admits it until it is revoked/,
    );
    assert.equal(s.linkToTokens, true);
  });

  it('zero-touch: names the registration token, its prefix and state instead of "No gateway token"', () => {
    const s = summary({ method: 'registration_token', zero_touch: true, registration_token: edge('active') });
    assert.equal(s.label, 'Registration token edge-fleet (fgr_ab12…) — zero-touch; active');
    assert.doesNotMatch(s.label, /No gateway token/);
    assert.match(s.hint ?? '', /Revoking the token cuts it off/);
    assert.equal(s.linkToTokens, true);
  });

  it('zero-touch with an expired or used-up token: it keeps reconnecting; with a revoked one it is refused', () => {
    assert.equal(
      summary({ method: 'registration_token', zero_touch: true, registration_token: edge('used_up') }).label,
      'Registration token edge-fleet (fgr_ab12…) — zero-touch; used up',
    );
    for (const state of ['expired', 'used_up'] as const) {
      const hint =
        summary({ method: 'registration_token', zero_touch: true, registration_token: edge(state) }).hint ?? '';
      assert.match(hint, /keeps reconnecting with it until it is revoked/);
    }
    const revoked = summary({ method: 'registration_token', zero_touch: true, registration_token: edge('revoked') });
    assert.match(revoked.label, /; revoked$/);
    assert.match(revoked.hint ?? '', /refused/);
  });

  it('zero-touch with a token no longer on record: does not invent one', () => {
    const s = summary({ method: 'registration_token', zero_touch: true, registration_token: null });
    assert.equal(s.label, 'Registration token — zero-touch');
    assert.equal(s.linkToTokens, false);
  });

  it(
    'own token revoked and not zero-touch: says it cannot connect, ' + 'not that a registration token might carry it',
    () => {
      const s = summary({ method: 'none', zero_touch: false, registration_token: edge('active') });
      assert.equal(s.label, 'No gateway token');
      assert.match(s.hint ?? '', /revoked: it is refused/);
      assert.doesNotMatch(s.hint ?? '', /zero-touch/);
    },
  );
});

describe('gateway token actions', () => {
  it('with its own token: revoking refuses the gateway, rotating replaces the token', () => {
    const text = gatewayTokenActions({ method: 'gateway_token', zero_touch: false, registration_token: null }, 'gw-1');
    assert.match(text.revoke ?? '', /^gw-1 is refused at its next connection/);
    assert.equal(text.revokeDisabledReason, null);
    assert.match(text.rotate, /current one stops working/);
    assert.match(text.revoked ?? '', /can no longer connect/);
  });

  it('own token on a zero-touch gateway: revoking is offered but does not claim to cut it off', () => {
    const text = gatewayTokenActions(
      { method: 'gateway_token', zero_touch: true, registration_token: edge('active') },
      'gw-1',
    );
    assert.doesNotMatch(text.revoke ?? '', /is refused/);
    assert.match(text.revoke ?? '', /can still reconnect with registration token edge-fleet/);
    assert.match(text.revoked ?? '', /can still reconnect/);
  });

  it(
    'zero-touch: revoking is not offered (the server answers ' +
      '409); it says to revoke the registration token instead',
    () => {
      const text = gatewayTokenActions(
        { method: 'registration_token', zero_touch: true, registration_token: edge('active') },
        'gw-1',
      );
      assert.equal(text.revoke, null);
      assert.match(text.revokeDisabledReason ?? '', /no gateway token of its own/);
      assert.match(text.revokeDisabledReason ?? '', /revoke registration token edge-fleet \(fgr_ab12…\)/);
      assert.match(text.rotate, /keeps connecting with registration token edge-fleet/);
      assert.doesNotMatch(text.rotate, /will be disconnected/);
    },
  );

  it('no token at all: nothing to revoke; rotating lets it connect again', () => {
    const text = gatewayTokenActions({ method: 'none', zero_touch: false, registration_token: null }, 'gw-1');
    assert.equal(text.revoke, null);
    assert.match(text.revokeDisabledReason ?? '', /already revoked/);
    assert.match(text.rotate, /connect again/);
  });
});
