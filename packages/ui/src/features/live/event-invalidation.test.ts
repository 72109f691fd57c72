import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { dedupeKeys, keysForEvent } from './event-invalidation.ts';

const org = '11111111-1111-4111-8111-111111111111';

describe('keysForEvent', () => {
  it('maps gateway events to the org gateway caches', () => {
    for (const type of [
      'gateway.created',
      'gateway.updated',
      'gateway.connected',
      'gateway.disconnected',
      'gateway.deleted',
    ] as const) {
      assert.deepEqual(keysForEvent({ type, org_id: org, id: 'g1' }, org), [['org', org, 'gateways']]);
    }
  });

  it('refreshes deployments and gateways on a deployment change', () => {
    assert.deepEqual(keysForEvent({ type: 'deployment.updated', org_id: org, id: 'd1' }, org), [
      ['org', org, 'deployments'],
      ['org', org, 'gateways'],
    ]);
  });

  it('refreshes templates on a template change', () => {
    assert.deepEqual(keysForEvent({ type: 'template.updated', org_id: org, id: 't1' }, org), [
      ['org', org, 'templates'],
    ]);
  });

  it('ignores events of another org', () => {
    assert.deepEqual(keysForEvent({ type: 'gateway.updated', org_id: 'other', id: 'g1' }, org), []);
  });
});

describe('dedupeKeys', () => {
  it('keeps one copy and drops keys covered by a shorter prefix', () => {
    const keys = dedupeKeys([
      ['org', org, 'gateways'],
      ['org', org, 'gateways', 'detail', 'g1'],
      ['org', org, 'gateways'],
      ['org', org, 'deployments'],
    ]);
    assert.deepEqual(keys, [
      ['org', org, 'gateways'],
      ['org', org, 'deployments'],
    ]);
  });
});
