import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createReportQueue } from './deployments.service.ts';

type Batch = Parameters<Parameters<typeof createReportQueue>[0]>[0];
const flat = (b: Batch) => [...b.values()].map((g) => `${g.status}:${g.hash}:${[...g.gatewayIds].sort().join(',')}`);

test('reports of one moment are recorded together, one group per (hash, outcome)', async () => {
  const seen: string[][] = [];
  const q = createReportQueue(async (b) => void seen.push(flat(b)), { intervalMs: 60_000, onError: () => undefined });
  for (const id of ['g1', 'g2', 'g3']) q.add({ orgId: 'o', gatewayId: id, hash: 'h1', status: 'APPLIED', error: null });
  q.add({ orgId: 'o', gatewayId: 'g4', hash: 'h1', status: 'FAILED', error: 'bad' });
  q.add({ orgId: 'o', gatewayId: 'g5', hash: null, status: 'APPLIED', error: null }); // matches no target
  await q.close();
  assert.deepEqual(seen, [['APPLIED:h1:g1,g2,g3', 'FAILED:h1:g4']]);
});

test(
  'a gateway reporting twice in one moment is recorded ' + 'in order (FAILED before the APPLIED of its recovery)',
  async () => {
    const seen: string[][] = [];
    const q = createReportQueue(async (b) => void seen.push(flat(b)), { intervalMs: 60_000, onError: () => undefined });
    q.add({ orgId: 'o', gatewayId: 'g2', hash: 'h0', status: 'APPLIED', error: null });
    q.add({ orgId: 'o', gatewayId: 'g1', hash: 'h1', status: 'FAILED', error: 'bad' });
    q.add({ orgId: 'o', gatewayId: 'g1', hash: 'h0', status: 'APPLIED', error: null });
    await q.close();
    assert.deepEqual(seen, [['APPLIED:h0:g2', 'FAILED:h1:g1'], ['APPLIED:h0:g1']]);
  },
);

test('a batch that fails to record is kept and recorded first on the next flush', async () => {
  const seen: string[][] = [];
  let fail = true;
  const errors: unknown[] = [];
  const q = createReportQueue(
    async (b) => {
      if (fail) throw new Error('database unreachable');
      seen.push(flat(b));
    },
    { intervalMs: 60_000, onError: (e) => errors.push(e) },
  );
  q.add({ orgId: 'o', gatewayId: 'g1', hash: 'h1', status: 'APPLIED', error: null });
  await q.flush();
  assert.equal(errors.length, 1);
  assert.equal(q.pending(), 1);
  q.add({ orgId: 'o', gatewayId: 'g2', hash: 'h1', status: 'FAILED', error: 'x' });
  fail = false;
  await q.close();
  assert.deepEqual(seen, [['APPLIED:h1:g1'], ['FAILED:h1:g2']]);
  assert.equal(q.pending(), 0);
});

test(
  'a batch that keeps failing is let go after a few attempts ' +
    '(the reconcile records it), so later reports are not held up',
  async () => {
    const seen: string[][] = [];
    const q = createReportQueue(
      async (b) => {
        if ([...b.values()].some((g) => g.gatewayIds.has('poison'))) throw new Error('always fails');
        seen.push(flat(b));
      },
      { intervalMs: 60_000, onError: () => undefined },
    );
    q.add({ orgId: 'o', gatewayId: 'poison', hash: 'h1', status: 'APPLIED', error: null });
    await q.flush();
    q.add({ orgId: 'o', gatewayId: 'g2', hash: 'h1', status: 'APPLIED', error: null });
    for (let i = 0; i < 5 && seen.length === 0; i++) await q.flush();
    assert.deepEqual(seen, [['APPLIED:h1:g2']]);
    assert.equal(q.pending(), 0);
    await q.close();
  },
);
