import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { gatewayTokenActions, gatewayTokenExpiry } from './gateway-token.ts';

describe('gateway token expiry', () => {
  it('shows the expiry of the gateway’s own OpAMP token', () => {
    const expiry = gatewayTokenExpiry('2027-03-01T12:00:00Z', (iso) => `at ${iso}`);
    assert.deepEqual(expiry, { state: 'token', label: 'at 2027-03-01T12:00:00Z', hint: null });
  });

  it('says a gateway without a token has none, and why, instead of a bare dash', () => {
    const expiry = gatewayTokenExpiry(null);
    assert.equal(expiry.state, 'none');
    assert.equal(expiry.label, 'No gateway token');
    assert.match(expiry.hint ?? '', /registration token/);
    assert.match(expiry.hint ?? '', /revoked/);
  });

  it('does not say a zero-touch gateway stops when its registration token expires: only revoking it does', () => {
    const hint = gatewayTokenExpiry(null).hint ?? '';
    assert.doesNotMatch(hint, /as long as that token is valid/);
    assert.match(hint, /until that token is revoked/);
    assert.match(hint, /expiring or being used up does not cut it off/);
  });
});

describe('gateway token actions', () => {
  it('with its own token: revoking refuses the gateway, rotating replaces the token', () => {
    const text = gatewayTokenActions('token', 'gw-1');
    assert.match(text.revoke, /^gw-1 is refused at its next connection/);
    assert.match(text.rotate, /current one stops working/);
  });

  it('without one: says revoking here does not keep a zero-touch gateway out, and what does', () => {
    const text = gatewayTokenActions('none', 'gw-1');
    assert.match(text.revoke, /no OpAMP token of its own/);
    assert.match(text.revoke, /reconnects/);
    assert.match(text.revoke, /revoke that registration token/);
    assert.doesNotMatch(text.rotate, /will be disconnected/);
  });
});
