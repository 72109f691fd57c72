import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as delay } from 'node:timers/promises';
import { create } from '@bufbuild/protobuf';
import { ServerToAgentSchema } from './gen/opamp/v1/opamp_pb.ts';
import type { AgentToServer, ServerToAgent } from './gen/opamp/v1/opamp_pb.ts';
import { OpampClient } from './client.ts';
import type { OpampConnection } from './server.ts';
import { startTestOpampServer } from './testing/test-server.ts';
import { announcedCustomCapabilities, customCapabilities, customMessage } from './custom-messages.ts';

async function until(cond: () => boolean, what: string, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await delay(10);
  }
}

const CAP = 'io.flowgate.measure';
const payload = Uint8Array.from([0x1f, 0x8b, 0, 1, 2, 3, 255]);

for (const transport of ['websocket', 'http'] as const) {
  test(`${transport}: custom capabilities and messages cross the transport both ways, bytes intact`, async (t) => {
    const received: AgentToServer[] = [];
    const conns: OpampConnection<unknown>[] = [];
    const srv = await startTestOpampServer({
      onConnected: (c) => conns.push(c),
      onMessage: (conn, msg) => {
        received.push(msg);
        if (transport === 'websocket') conns[0] ??= conn;
        // The server answers a custom message with one of its own (HTTP: in the reply to the poll).
        if (msg.customMessage?.type === 'summary')
          return create(ServerToAgentSchema, {
            customMessage: customMessage(CAP, 'snapshot.request', new TextEncoder().encode('{"id":"1"}')),
          });
        return undefined;
      },
    });
    t.after(() => srv.close());
    const fromServer: ServerToAgent[] = [];
    const client = new OpampClient({
      url: transport === 'websocket' ? srv.wsUrl : srv.httpUrl,
      heartbeatSeconds: 0,
      reconnect: false,
      onMessage: (m) => fromServer.push(m),
    });
    await client.start();
    t.after(() => client.stop());
    await client.send({ customCapabilities: customCapabilities([CAP]) });
    await client.send({ customMessage: customMessage(CAP, 'summary', payload) });
    await until(() => received.some((m) => m.customMessage), 'the custom message');
    const announced = received.find((m) => m.customCapabilities);
    assert.deepEqual(announcedCustomCapabilities(announced!), [CAP]);
    const got = received.find((m) => m.customMessage)!.customMessage!;
    assert.equal(got.capability, CAP);
    assert.equal(got.type, 'summary');
    assert.deepEqual([...got.data], [...payload]);

    await until(() => fromServer.some((m) => m.customMessage), 'the server’s custom message');
    const reply = fromServer.find((m) => m.customMessage)!.customMessage!;
    assert.equal(reply.type, 'snapshot.request');
    assert.equal(new TextDecoder().decode(reply.data), '{"id":"1"}');
    if (transport === 'websocket') {
      // WebSocket: the server may also push one at any time.
      await conns[0]!.send(
        create(ServerToAgentSchema, { customMessage: customMessage(CAP, 'ping', new Uint8Array()) }),
      );
      await until(() => fromServer.some((m) => m.customMessage?.type === 'ping'), 'the pushed custom message');
    }
  });
}

test('announced capabilities: malformed names dropped, duplicates merged, absent field means unchanged', () => {
  assert.equal(announcedCustomCapabilities({ customCapabilities: undefined }), undefined);
  assert.deepEqual(
    announcedCustomCapabilities({
      customCapabilities: customCapabilities([CAP, 'not a name', CAP, 'io.opentelemetry.pprof', 'x', '']),
    }),
    ['io.flowgate.measure', 'io.opentelemetry.pprof'],
  );
  assert.deepEqual(announcedCustomCapabilities({ customCapabilities: customCapabilities([]) }), []);
  const many = Array.from({ length: 100 }, (_, i) => `io.example.c${i}`);
  assert.equal(announcedCustomCapabilities({ customCapabilities: customCapabilities(many) })!.length, 64);
});
