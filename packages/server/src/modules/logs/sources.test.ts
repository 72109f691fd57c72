// The gateway sample source through the injected snapshot function (the gateway snapshot API plugs in here):
// the records become masked lines with their severities and the snapshot's period; errors pass through.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { systemScope } from '../../platform/scope.ts';
import { AppError } from '../../platform/errors.ts';
import type { Db } from '../../platform/db/db.ts';
import { createSources, guessFormat, type TakeSnapshot } from './sources.ts';

const scope = systemScope('00000000-0000-4000-8000-000000000001');

test('a gateway snapshot becomes a masked sample with severities and the snapshot period', async () => {
  const asked: unknown[] = [];
  const takeSnapshot: TakeSnapshot = async (_scope, gatewayId, opts) => {
    asked.push({ gatewayId, ...opts });
    return {
      window_seconds: 30,
      otlp_json: {
        resourceLogs: [
          {
            scopeLogs: [
              {
                logRecords: [
                  { severityNumber: 17, body: { stringValue: 'payment failed token=abcd1234efgh' } },
                  { severityNumber: 9, body: { stringValue: 'payment ok for order 7' } },
                ],
              },
            ],
          },
        ],
      },
    };
  };
  const sources = createSources({
    db: {} as Db,
    secretValues: async () => [],
    gatewayExists: async () => undefined,
    takeSnapshot,
  });
  const s = await sources.resolve(scope, { gateway_id: '00000000-0000-4000-8000-0000000000aa' });
  assert.deepEqual(s.lines, ['payment failed token=***', 'payment ok for order 7']);
  assert.deepEqual(s.severities, ['error', 'info']);
  assert.equal(s.windowSeconds, 30);
  assert.equal(s.source, 'gateway:00000000-0000-4000-8000-0000000000aa');
  assert.deepEqual(asked, [
    { gatewayId: '00000000-0000-4000-8000-0000000000aa', signal: 'logs', max_items: 100_000, max_bytes: 16777216 },
  ]);
});

test('an unknown gateway is refused before any snapshot; the stub says live samples are not available yet', async () => {
  let snapshots = 0;
  const sources = createSources({
    db: {} as Db,
    secretValues: async () => [],
    gatewayExists: async () => {
      throw new AppError('GATEWAY_NOT_FOUND');
    },
    takeSnapshot: async () => {
      snapshots++;
      return { otlp_json: {} };
    },
  });
  await assert.rejects(sources.resolve(scope, { gateway_id: '00000000-0000-4000-8000-0000000000bb' }), {
    code: 'GATEWAY_NOT_FOUND',
  });
  assert.equal(snapshots, 0);
});

test('the format of pasted content is detected', () => {
  assert.equal(guessFormat('{"resourceLogs": []}'), 'otlp_json');
  assert.equal(guessFormat('{"msg":"a"}\n{"msg":"b"}\n'), 'jsonl');
  assert.equal(guessFormat('plain line\n{"msg":"b"}\n'), 'text');
});
