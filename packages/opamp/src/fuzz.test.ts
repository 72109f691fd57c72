// ≥100,000 mutated and random frames against a live server over both transports; afterwards a
// well-formed agent is still served and the heap is back near where it started.
// Replay a failure with FLOWGATE_FUZZ_SEED=<seed printed in the assertion message>.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import v8 from 'node:v8';
import vm from 'node:vm';
import { OpampClient } from './client.ts';
import { fuzzOpampEndpoint } from './testing/fuzz.ts';
import { startTestOpampServer } from './testing/test-server.ts';

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

function settledHeap(): number {
  for (let i = 0; i < 3; i++) gc();
  return process.memoryUsage().heapUsed;
}

test('fuzz: 100,000 hostile frames over WebSocket and HTTP are all answered, nothing crashes or leaks', async (t) => {
  let onMessageCalls = 0;
  let protocolErrors = 0;
  let warnLines = 0;
  const srv = await startTestOpampServer({
    maxMessageBytes: 64 * 1024,
    logger: { warn: () => void warnLines++ },
    onProtocolError: () => void protocolErrors++,
    onMessage: () => {
      onMessageCalls++;
      return undefined;
    },
  });
  t.after(() => srv.close());

  // Warm up JIT, pools and lazily created state so the baseline is honest.
  await fuzzOpampEndpoint({ wsUrl: srv.wsUrl, httpUrl: srv.httpUrl, frames: 2_000, seed: 1 });
  const baseline = settledHeap();
  onMessageCalls = 0;
  protocolErrors = 0;

  const seed = Number(process.env.FLOWGATE_FUZZ_SEED ?? Date.now() % 2 ** 31);
  const report = await fuzzOpampEndpoint({ wsUrl: srv.wsUrl, httpUrl: srv.httpUrl, frames: 100_000, seed });
  const why = `seed ${seed}: ${JSON.stringify(report)}`;

  assert.ok(report.ws.sent + report.http.sent >= 100_000, why);
  assert.ok(report.ws.sent > 0 && report.http.sent > 0, why);
  // WebSocket: every frame answered on its socket, none closed by the server.
  assert.equal(report.ws.replies, report.ws.sent, why);
  assert.equal(report.ws.unanswered, 0, why);
  assert.deepEqual(report.ws.closes, {}, why);
  assert.equal(report.ws.undecodableReplies, 0, why);
  assert.equal(report.ws.unavailable, 0, why);
  assert.ok(report.ws.badRequest > 0 && report.ws.ok > 0, `both outcomes exercised — ${why}`);
  // HTTP: only the statuses the transport defines for bad input; no 5xx, no resets.
  assert.equal(report.http.transportErrors, 0, why);
  assert.deepEqual(Object.keys(report.http.statuses).sort(), ['200', '400', '415'], why);
  // Only well-formed messages reach the application, and each refusal is reported once.
  assert.equal(onMessageCalls, report.ws.ok + (report.http.statuses['200'] ?? 0), why);
  assert.equal(
    protocolErrors,
    report.ws.badRequest + (report.http.statuses['400'] ?? 0) + (report.http.statuses['415'] ?? 0),
    why,
  );
  // A peer flooding bad frames cannot flood the log.
  assert.ok(warnLines <= 40 + (report.durationMs / 1000) * 5 * 2, `${warnLines} warn lines in ${report.durationMs} ms`);

  // Still serving well-formed agents on both transports.
  for (const url of [srv.wsUrl, srv.httpUrl]) {
    const replies: unknown[] = [];
    const agent = new OpampClient({ url, reconnect: false, heartbeatSeconds: 0, onMessage: (m) => replies.push(m) });
    await agent.start();
    await agent.send({
      agentDescription: {
        identifyingAttributes: [
          { key: 'service.name', value: { value: { case: 'stringValue', value: 'after-fuzz' } } },
        ],
      },
    });
    const deadline = Date.now() + 5_000;
    while (replies.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    assert.ok(replies.length > 0, `no reply over ${url} after fuzzing`);
    await agent.stop();
  }
  assert.equal(srv.server.connections(), 0);

  const after = settledHeap();
  const mb = (n: number): string => `${(n / 1048576).toFixed(1)} MB`;
  t.diagnostic(
    `${report.ws.sent} WS + ${report.http.sent} HTTP frames in ` +
      `${report.durationMs} ms; heap ${mb(baseline)} → ${mb(after)}; seed ${seed}`,
  );
  assert.ok(after < 2 * baseline + 50 * 1048576, `heap grew from ${mb(baseline)} to ${mb(after)}`);
});
