import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { startTestFlowgate, type TestFlowgate } from '../../testing/harness.ts';
import { systemScope } from '../../platform/scope.ts';
import { getGateway, insertGateway, type GatewayRow } from './gateways.store.ts';
import { createGatewayPatchBatcher } from './patch-batcher.ts';

let fg: TestFlowgate;
let other: string;
const ids: string[] = [];
before(async () => {
  fg = await startTestFlowgate();
  other = (
    await fg.db.query<{ id: string }>(
      "INSERT INTO organizations (name, slug) VALUES ('Other', 'other-patch') RETURNING id",
    )
  )[0]!.id;
  for (let i = 0; i < 3; i++) {
    ids.push(
      (
        await insertGateway(fg.db, systemScope(fg.defaultOrgId), {
          instanceId: `pb-${i}`,
          instanceUid: null,
          name: `pb-${i}`,
          nameIsCustom: false,
          hostname: null,
          ipAddress: null,
          metadata: {},
          registrationTokenId: null,
        })
      ).id,
    );
  }
});
after(() => fg?.close());

const row = async (id: string) => (await getGateway(fg.db, systemScope(fg.defaultOrgId), id)) as GatewayRow;

test('patches of one moment: one statement per column set, one commit; every column keeps its type', async () => {
  const b = createGatewayPatchBatcher(fg.db, { maxDelayMs: 20, lanes: 1 });
  const at = new Date('2026-11-26T10:00:00.000Z');
  const results = await Promise.all([
    b.patch(fg.defaultOrgId, ids[0]!, {
      remote_config_status: 'APPLIED',
      remote_config_hash: 'aa',
      remote_config_updated_at: at,
      health: { healthy: true, status: 'StatusOK' },
    }),
    b.patch(fg.defaultOrgId, ids[1]!, {
      remote_config_status: 'FAILED',
      remote_config_hash: 'bb',
      remote_config_updated_at: at,
      health: { healthy: false, status: 'StatusError' },
    }),
    b.patch(fg.defaultOrgId, ids[2]!, { effective_config: 'receivers: {}', capabilities: 7, connected: true }),
  ]);
  assert.deepEqual(results, [true, true, true]);
  assert.deepEqual(b.stats(), { batches: 1, statements: 2, patches: 3, fallbacks: 0 });
  const a = await row(ids[0]!);
  assert.equal(a.remote_config_status, 'APPLIED');
  assert.equal(a.remote_config_updated_at!.toISOString(), at.toISOString());
  assert.deepEqual(a.health, { healthy: true, status: 'StatusOK' });
  assert.equal((await row(ids[1]!)).remote_config_status, 'FAILED');
  const c = await row(ids[2]!);
  assert.equal(c.effective_config, 'receivers: {}');
  assert.equal(c.capabilities, 7);
  assert.equal(c.connected, true);
  await b.close();
});

test(
  'a gateway patched twice in one moment ends with its second ' +
    "patch; unknown ids and another org's gateway are not found",
  async () => {
    const b = createGatewayPatchBatcher(fg.db, { maxDelayMs: 20 });
    const results = await Promise.all([
      b.patch(fg.defaultOrgId, ids[0]!, { remote_config_status: 'APPLYING' }),
      b.patch(fg.defaultOrgId, ids[0]!, { remote_config_status: 'APPLIED' }),
      b.patch(fg.defaultOrgId, randomUUID(), { remote_config_status: 'APPLIED' }),
      b.patch(other, ids[1]!, { remote_config_status: 'APPLYING' }),
    ]);
    assert.deepEqual(results, [true, true, false, false]);
    assert.equal((await row(ids[0]!)).remote_config_status, 'APPLIED');
    assert.equal((await row(ids[1]!)).remote_config_status, 'FAILED', 'another org cannot patch it');
    await b.close();
  },
);

test('one bad patch fails only its caller', async () => {
  const b = createGatewayPatchBatcher(fg.db, { maxDelayMs: 20 });
  const good = b.patch(fg.defaultOrgId, ids[0]!, { status: 'active' });
  const bad = b.patch(fg.defaultOrgId, ids[1]!, { status: 'not-a-status' }); // CHECK constraint
  await assert.rejects(bad, /check constraint|violates/);
  assert.equal(await good, true);
  assert.equal((await row(ids[0]!)).status, 'active');
  assert.equal(b.stats().fallbacks, 1);
  await b.close();
});

test('with several lanes, patches of one gateway stay in order', async () => {
  const b = createGatewayPatchBatcher(fg.db, { maxDelayMs: 5, lanes: 3, maxBatch: 2 });
  const statuses = ['APPLYING', 'APPLIED', 'FAILED', 'APPLYING', 'APPLIED'];
  await Promise.all(
    ids.flatMap((id) => statuses.map((st) => b.patch(fg.defaultOrgId, id, { remote_config_status: st }))),
  );
  for (const id of ids) assert.equal((await row(id)).remote_config_status, 'APPLIED');
  await b.close();
});
