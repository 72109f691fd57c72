// Summaries that must never reach storage: malformed, oversized or out of bounds (refused and logged with
// the gateway), and from a gateway revoked, deleted or unknown — even one admitted before the revocation.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { customMessage } from '@flowgate/opamp';
import { MEASURE_CAPABILITY } from '@flowgate/config-model';
import { eventually } from '../../testing/sim-agent.ts';
import { label, summaryBytes, summaryMessage } from '../../testing/measure.ts';
import { lastMinute, minute, startInventoryTestbed, type InventoryTestbed } from './inventory.fixtures.ts';

let bed: InventoryTestbed;
const admin = () => bed.admin();
const startGateway = (...args: Parameters<InventoryTestbed['startGateway']>) => bed.startGateway(...args);
const rowCounts = () => bed.rowCounts();

before(async () => {
  bed = await startInventoryTestbed();
});
after(async () => {
  await bed?.close();
});

test('malformed, oversized and out-of-bounds summaries are refused and logged; nothing is stored', async () => {
  const { agent, id } = await startGateway('inv-bad');
  await eventually(async () => (await admin().get(`/api/v1/gateways/${id}`)).body.connected);
  const before = await rowCounts();
  const msg = (data: Uint8Array) => customMessage(MEASURE_CAPABILITY, 'summary', data);
  const end = lastMinute();
  const good = minute(end);
  const outOfBounds = structuredClone(good);
  (outOfBounds[0]!.metrics as { bytes: number }[])[0]!.bytes = -5;
  const tooManyLabels = structuredClone(good);
  (tooManyLabels[0]!.metrics as { labels: unknown[] }[])[0]!.labels = Array.from({ length: 300 }, (_, i) =>
    label(`l${i}`, 1),
  );
  const cases: [string, Uint8Array, RegExp][] = [
    ['plain JSON, not gzip', new TextEncoder().encode(JSON.stringify({ v: 1, points: good })), /not gzip/],
    ['gzip of something not JSON', new Uint8Array(gzipSync('points: []')), /not JSON/],
    ['a negative size', new Uint8Array(gzipSync(JSON.stringify({ v: 1, points: outOfBounds }))), /bytes/],
    ['300 label keys', new Uint8Array(gzipSync(JSON.stringify({ v: 1, points: tooManyLabels }))), /labels/],
    [
      'more than 16 MiB once decompressed',
      new Uint8Array(gzipSync(Buffer.alloc(17 * 1024 * 1024, 0x20))),
      /decompressed/,
    ],
    [
      'more than 2 MiB compressed',
      new Uint8Array(Buffer.concat([Buffer.from([0x1f, 0x8b]), Buffer.alloc(2 * 1024 * 1024)])),
      /compressed/,
    ],
  ];
  for (const [what, data, reason] of cases) {
    const at = bed.logLines.length;
    await agent.send({ customMessage: msg(data) });
    const line = await eventually(async () =>
      bed.logLines.slice(at).find((l) => l.includes('summary refused') && l.includes(id)),
    ).catch(() => null);
    assert.ok(line, `${what}: logged with the gateway id`);
    assert.match(JSON.parse(line!).reason, reason, what);
  }
  assert.deepEqual(await rowCounts(), before, 'nothing stored');
  const inv = (await admin().get(`/api/v1/gateways/${id}/inventory`)).body;
  assert.equal(inv.measurement.status, 'waiting');
  // The connection is unharmed: a good summary afterwards is stored.
  await agent.send({ customMessage: summaryMessage(good) });
  await eventually(async () => (await admin().get(`/api/v1/gateways/${id}/inventory`)).body.pipelines.length === 2);
});

test('a revoked, deleted or unknown gateway writes nothing, even with a message already on its way', async () => {
  // A gateway with its own OpAMP token (script onboarding), so it can be revoked.
  const enrol = await bed.fg.app.inject({
    method: 'POST',
    url: '/api/v1/gateways',
    headers: { authorization: `Bearer ${bed.regToken}` },
    payload: { name: 'inv-revoked', instance_id: 'inv-revoked-1' },
  });
  assert.equal(enrol.statusCode, 201, enrol.body);
  const { id, opamp_token: token } = enrol.json();
  const { agent } = await startGateway('inv-revoked', { token });
  await eventually(async () => (await admin().get(`/api/v1/gateways/${id}`)).body.connected);
  const source = async () => {
    const [row] = await bed.fg.db.query<{ org_id: string; opamp_token_jti: string }>(
      'SELECT org_id, opamp_token_jti FROM gateways WHERE id = $1',
      [id],
    );
    return {
      orgId: row!.org_id,
      gatewayId: id,
      transport: 'websocket' as const,
      credential: { kind: 'gateway_token' as const, jti: row!.opamp_token_jti },
    };
  };
  const admitted = await source();
  const before = await rowCounts();
  assert.equal((await admin().post(`/api/v1/gateways/${id}/revoke-token`)).status, 200);
  // What was admitted before the revocation and arrives after it is not stored.
  await assert.rejects(
    bed.fg.features.inventory.ingestSummary(admitted, summaryBytes(minute(lastMinute()))),
    /credential revoked/,
  );
  // The connection itself is closed; the agent's reconnection is refused at admission.
  await eventually(async () => !(await admin().get(`/api/v1/gateways/${id}`)).body.connected);
  await agent.send({ customMessage: summaryMessage(minute(lastMinute())) }).catch(() => undefined);
  assert.deepEqual(await rowCounts(), before);

  // Deleted while connected.
  const del = await startGateway('inv-deleted');
  await eventually(async () => (await admin().get(`/api/v1/gateways/${del.id}`)).body.connected);
  const [row] = await bed.fg.db.query<{ org_id: string; registration_token_id: string }>(
    'SELECT org_id, registration_token_id FROM gateways WHERE id = $1',
    [del.id],
  );
  assert.equal((await admin().delete(`/api/v1/gateways/${del.id}`)).status, 200);
  await assert.rejects(
    bed.fg.features.inventory.ingestSummary(
      {
        orgId: row!.org_id,
        gatewayId: del.id,
        transport: 'websocket',
        credential: { kind: 'registration_token', id: row!.registration_token_id },
      },
      summaryBytes(minute(lastMinute())),
    ),
    /deleted/,
  );
  // Unknown: no such gateway.
  await assert.rejects(
    bed.fg.features.inventory.ingestSummary(
      {
        orgId: bed.fg.defaultOrgId,
        gatewayId: '00000000-0000-4000-8000-000000000000',
        transport: 'http',
        credential: { kind: 'registration_token', id: row!.registration_token_id },
      },
      summaryBytes(minute(lastMinute())),
    ),
    /deleted/,
  );
  assert.deepEqual(await rowCounts(), before);
});
