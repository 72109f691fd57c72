// Issue 15: no event is lost when the process dies between the change and the delivery. A real
// `flowgate start` commits a change (a template), its outbox publishes the event and the webhook call
// starts — and the process is SIGKILLed while the receiver holds that call. Another process on the same
// database takes the delivery over once the dead one's lease runs out and delivers it: same delivery id,
// same event, a valid signature.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import { startServer, eventually, type ServerProcess } from './lib/server.ts';
import { freshDatabase, type TestDatabase } from './lib/database.ts';

let db: TestDatabase | null = null;
let server: ServerProcess | null = null;
const received: { headers: IncomingHttpHeaders; body: string }[] = [];
const held: ServerResponse[] = [];
const receiver = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
    // The first call is held open: the process that made it is killed meanwhile.
    if (received.length === 1) held.push(res);
    else res.writeHead(200).end('ok');
  });
});

after(async () => {
  for (const r of held) r.destroy();
  receiver.closeAllConnections();
  await new Promise((r) => receiver.close(r));
  await server?.stop('SIGKILL');
  await db?.drop().catch(() => undefined);
});

test(
  'a process killed between the commit and the delivery: the next process delivers',
  { timeout: 180_000 },
  async () => {
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', () => r()));
    const url = `http://127.0.0.1:${(receiver.address() as { port: number }).port}/flowgate`;
    db = await freshDatabase();
    // Deliveries time out after 2 s; a dead process's lease (2 × timeout + 5 s) runs out 9 s after it took it.
    const env = { ...db.env, FLOWGATE_WEBHOOK_ALLOW_PRIVATE: 'true', FLOWGATE_WEBHOOK_TIMEOUT_SECONDS: '2' };
    server = await startServer(env);
    const dataDir = server.dataDir;
    const hook = await server.api('POST', '/api/v1/webhooks', { name: 'crash', url, events: ['template.created'] });
    assert.equal(hook.status, 201, JSON.stringify(hook.body));
    const t = await server.api('POST', '/api/v1/templates', {
      name: 'before-the-crash',
      config_yaml: 'exporters:\n  debug: {}\n',
    });
    assert.equal(t.status, 201);
    await eventually(async () => received.length === 1, 30_000);
    const first = received[0]!;
    assert.equal(JSON.parse(first.body).subject.id, t.body.id);
    // Killed while the receiver holds the call: the delivery is neither delivered nor failed.
    const killed = await server.stop('SIGKILL');
    assert.equal(killed, null, 'SIGKILL, no clean shutdown');

    server = await startServer(env, { dataDir });
    const delivered = await eventually(async () => {
      const list = await server!.api('GET', `/api/v1/webhooks/${hook.body.id}/deliveries`);
      return list.body.items.find((d: { status: string }) => d.status === 'delivered');
    }, 60_000);
    assert.equal(received.length, 2, 'delivered once more, not more');
    const second = received[1]!;
    assert.equal(second.headers['x-flowgate-delivery'], first.headers['x-flowgate-delivery'], 'the same delivery');
    assert.equal(JSON.parse(second.body).id, JSON.parse(first.body).id, 'the same event');
    assert.equal(
      second.headers['x-flowgate-signature'],
      `sha256=${createHmac('sha256', hook.body.secret).update(second.body).digest('hex')}`,
    );
    assert.equal(delivered.attempts, 2);
    assert.deepEqual(
      delivered.attempt_log.map((a: { attempt: number; response_code: number }) => [a.attempt, a.response_code]),
      [[2, 200]],
      'the first attempt died with its process; the second is the one recorded',
    );
  },
);
