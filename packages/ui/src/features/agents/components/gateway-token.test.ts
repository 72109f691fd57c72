import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { gatewayTokenExpiry } from './gateway-token.ts';

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
});
