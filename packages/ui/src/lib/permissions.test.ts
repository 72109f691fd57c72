import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { can } from './permissions.ts';

describe('permissions', () => {
  it('a viewer sees no mutating control', () => {
    for (const p of [
      'gateways:write',
      'templates:write',
      'deployments:write',
      'tokens:write',
      'settings:write',
    ] as const)
      assert.equal(can('viewer', p), false, p);
  });
  it('an editor edits templates, deployments and gateways but not people, keys, tokens or settings', () => {
    assert.equal(can('editor', 'templates:write'), true);
    assert.equal(can('editor', 'deployments:write'), true);
    assert.equal(can('editor', 'gateways:write'), true);
    for (const p of ['members:write', 'apikeys:write', 'settings:write', 'tokens:write', 'gateways:admin'] as const)
      assert.equal(can('editor', p), false, p);
  });
  it('admins and owners can do everything', () => {
    assert.equal(can('admin', 'members:write'), true);
    assert.equal(can('owner', 'audit:read'), true);
    assert.equal(can(null, 'templates:write'), false);
  });
});
