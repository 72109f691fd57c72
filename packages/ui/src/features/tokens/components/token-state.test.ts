import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { revokeTokenConsequences, tokenState, tokenStateHint } from './token-state.ts';

const NOW = Date.parse('2026-06-01T00:00:00Z');
const token = (
  over: Partial<{ is_active: boolean; expires_at: string | null; max_uses: number | null; uses: number }> = {},
) => ({
  is_active: true,
  expires_at: '2026-07-01T00:00:00Z',
  max_uses: null,
  uses: 0,
  ...over,
});

describe('tokenState', () => {
  it('tells active, expired, used up and revoked apart (revoked wins)', () => {
    assert.equal(tokenState(token(), NOW), 'active');
    assert.equal(tokenState(token({ expires_at: null }), NOW), 'active');
    assert.equal(tokenState(token({ expires_at: '2026-05-01T00:00:00Z' }), NOW), 'expired');
    assert.equal(tokenState(token({ max_uses: 2, uses: 2 }), NOW), 'used_up');
    assert.equal(tokenState(token({ is_active: false, expires_at: '2026-05-01T00:00:00Z' }), NOW), 'revoked');
  });
});

describe('tokenStateHint', () => {
  it('says an expired or used-up token stops new enrolments only: its zero-touch gateways keep reconnecting', () => {
    for (const state of ['expired', 'used_up'] as const) {
      const hint = tokenStateHint(state);
      assert.ok(hint);
      assert.match(hint.short ?? '', /no new gateways/);
      assert.match(hint.detail, /enrols no new gateways/);
      assert.match(hint.detail, /enrolled zero-touch with it keep reconnecting/);
      assert.match(hint.detail, /until you revoke it/);
    }
  });

  it('says a revoked token refuses the gateways enrolled zero-touch with it; an active one needs no hint', () => {
    assert.match(tokenStateHint('revoked')?.detail ?? '', /zero-touch with it are refused/);
    assert.equal(tokenStateHint('active'), null);
  });
});

describe('revokeTokenConsequences', () => {
  it('says revoking disconnects the gateways enrolled zero-touch with it and spares script-onboarded ones', () => {
    const text = revokeTokenConsequences('active').join(' ');
    assert.match(text, /New gateways can no longer enrol/);
    assert.match(text, /enrolled zero-touch with it .* revoking it disconnects them/);
    assert.match(text, /installed with the install script .* keep working/);
  });

  it('does not claim revoking an expired token stops enrolment: that already stopped', () => {
    const text = revokeTokenConsequences('expired').join(' ');
    assert.doesNotMatch(text, /can no longer enrol/);
    assert.match(text, /already enrols no new gateways/);
    assert.match(text, /revoking it disconnects them/);
  });
});
