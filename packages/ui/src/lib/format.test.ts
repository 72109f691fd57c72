import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compactNumber, parseTag, relativeTime, tagsToText } from './format.ts';

describe('format', () => {
  const now = Date.parse('2026-03-01T12:00:00Z');
  it('relativeTime', () => {
    assert.equal(relativeTime(null, now), 'never');
    assert.equal(relativeTime('2026-03-01T11:59:55Z', now), 'just now');
    assert.equal(relativeTime('2026-03-01T11:59:15Z', now), '45s ago');
    assert.equal(relativeTime('2026-03-01T11:30:00Z', now), '30m ago');
    assert.equal(relativeTime('2026-02-27T12:00:00Z', now), '2d ago');
    assert.equal(relativeTime('2026-03-01T14:00:00Z', now), 'in 2h');
    assert.equal(relativeTime('2026-03-01T12:00:20Z', now), 'just now', 'clock skew is not the future');
  });

  it('compactNumber', () => {
    assert.equal(compactNumber(999), '999');
    assert.equal(compactNumber(1500), '1.5k');
    assert.equal(compactNumber(2_000_000), '2M');
    assert.equal(compactNumber(123_456_789), '123M');
    assert.equal(compactNumber(null), '—');
  });

  it('tags', () => {
    assert.deepEqual(parseTag(' env = prod '), ['env', 'prod']);
    assert.deepEqual(parseTag('canary'), ['canary', '']);
    assert.equal(parseTag('=x'), null);
    assert.deepEqual(tagsToText({ region: 'eu', env: 'prod', canary: '' }), ['canary', 'env=prod', 'region=eu']);
  });
});
