import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ApiError } from '../../../lib/api/api-error.ts';
import { resultFromError } from '../hooks/use-validation.ts';
import { changePercent, compareCounts } from './dry-run-model.ts';

describe('dry-run counts', () => {
  it('joins input and output by name and puts drops first', () => {
    const rows = compareCounts(
      { 'http.server.duration': 40, 'system.cpu.time': 10, 'debug.metric': 5 },
      { 'http.server.duration': 40, 'system.cpu.time': 4, 'new.metric': 2 },
    );
    assert.deepEqual(
      rows.map((r) => [r.name, r.change]),
      [
        ['debug.metric', 'dropped'],
        ['system.cpu.time', 'reduced'],
        ['new.metric', 'added'],
        ['http.server.duration', 'unchanged'],
      ],
    );
  });

  it('formats the change', () => {
    assert.equal(changePercent(10, 4), '-60%');
    assert.equal(changePercent(10, 10), '0%');
    assert.equal(changePercent(0, 3), 'new');
  });
});

describe('validation errors answered as HTTP errors', () => {
  it('turns INVALID_YAML details into problems with line and column', () => {
    const error = new ApiError({
      code: 'INVALID_YAML',
      message: 'The YAML could not be parsed',
      status: 400,
      details: [{ message: 'Nested mappings are not allowed', line: 3, column: 9 }],
    });
    assert.deepEqual(resultFromError(error), {
      valid: false,
      errors: [{ code: 'INVALID_YAML', message: 'Nested mappings are not allowed', path: null, line: 3, column: 9 }],
      warnings: [],
      collector_checked: false,
    });
  });

  it('leaves other errors to the error state', () => {
    assert.equal(resultFromError(new ApiError({ code: 'INTERNAL', message: 'x', status: 500 })), null);
  });
});
