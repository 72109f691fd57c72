import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { apiErrorFromResponse, fieldProblems, problemFor } from './api-error.ts';
import { buildQuery } from './client.ts';

describe('apiErrorFromResponse', () => {
  it('parses the error envelope', () => {
    const body = JSON.stringify({
      error: { code: 'STALE_VERSION', message: 'The template changed since you loaded it', request_id: 'req-7' },
    });
    const error = apiErrorFromResponse(409, body, null);
    assert.equal(error.code, 'STALE_VERSION');
    assert.equal(error.message, 'The template changed since you loaded it');
    assert.equal(error.requestId, 'req-7');
    assert.equal(error.status, 409);
  });

  it('falls back for bodies that are not the envelope', () => {
    const error = apiErrorFromResponse(502, '<html>Bad gateway</html>', 'hdr-1');
    assert.equal(error.code, 'HTTP_502');
    assert.equal(error.message, 'The Flowgate server is not reachable');
    assert.equal(error.requestId, 'hdr-1');
  });

  it('exposes validation details per field', () => {
    const body = JSON.stringify({
      error: {
        code: 'VALIDATION_FAILED',
        message: 'The request is not valid',
        request_id: 'r',
        details: [
          { path: '/name', message: 'must NOT have fewer than 1 characters' },
          { instancePath: '/strategy/batches', message: 'too many' },
        ],
      },
    });
    const error = apiErrorFromResponse(400, body, null);
    assert.deepEqual(fieldProblems(error), [
      { path: 'name', message: 'must NOT have fewer than 1 characters' },
      { path: 'strategy.batches', message: 'too many' },
    ]);
    assert.equal(problemFor(error, 'strategy'), 'too many');
    assert.equal(problemFor(error, 'version'), undefined);
  });
});

describe('buildQuery', () => {
  it('drops empty values and repeats arrays', () => {
    assert.equal(
      buildQuery({ org_id: 'o', name: '', cursor: undefined, tag: ['env=prod', 'region=eu'], limit: 50 }),
      '?org_id=o&tag=env%3Dprod&tag=region%3Deu&limit=50',
    );
    assert.equal(buildQuery({}), '');
  });
});
