// ≥100,000 mutated and random OpAMP frames over WebSocket and plain HTTP against the whole control
// plane (adapter, database, bus), admitted with gateways' OpAMP tokens — a registration token would
// make every well-formed random frame enrol a new gateway. Each gateway floods far beyond its message
// budget, so most well-formed frames are answered UNAVAILABLE + retry_info (throttled) and the rest go
// through the whole adapter (random uids, descriptions, health, config status, effective config).
// A witness agent keeps being answered promptly during the flood; afterwards well-formed agents are
// still served on both transports, /readyz is 200 and the heap is back near its post-warm-up baseline.
// Replay a failure with FLOWGATE_FUZZ_SEED=<seed printed in the assertion message>.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import v8 from 'node:v8';
import vm from 'node:vm';
import { fuzzOpampEndpoint, type FuzzReport } from '@flowgate/opamp/testing/fuzz.ts';
import { startTestFlowgate, api, type TestFlowgate } from '../testing/harness.ts';
import { SimAgent, description, eventually } from '../testing/sim-agent.ts';

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

function settledHeap(): number {
  for (let i = 0; i < 3; i++) gc();
  return process.memoryUsage().heapUsed;
}
const mb = (n: number): string => `${(n / 1048576).toFixed(1)} MB`;

/** One WebSocket per gateway token: a second live socket for one gateway replaces the first (by design). */
const LANES = 4;
const FRAMES = 100_000;

let fg: TestFlowgate;
let base: string;
let regToken: string;
const agents: SimAgent[] = [];

before(async () => {
  fg = await startTestFlowgate();
  await fg.app.listen({ port: 0, host: '127.0.0.1' });
  base = `http://127.0.0.1:${(fg.app.server.address() as { port: number }).port}`;
  const res = await api(fg, fg.adminToken).post('/api/v1/registration-tokens', { name: 'fuzz', expires_in_days: 1 });
  assert.equal(res.status, 201);
  regToken = res.body.token;
});
after(async () => {
  for (const a of agents) await a.stop().catch(() => undefined);
  await fg?.close();
});

async function registerGateway(name: string) {
  const res = await fg.app.inject({
    method: 'POST',
    url: '/api/v1/gateways',
    headers: { authorization: `Bearer ${regToken}` },
    payload: { name, instance_id: name },
  });
  assert.equal(res.statusCode, 201, res.body);
  return res.json() as { id: string; opamp_token: string };
}

function merge(reports: FuzzReport[]) {
  const sum = {
    wsSent: 0,
    wsReplies: 0,
    badRequest: 0,
    unavailable: 0,
    ok: 0,
    undecodable: 0,
    unanswered: 0,
    closes: {} as Record<string, number>,
    httpSent: 0,
    statuses: {} as Record<string, number>,
    transportErrors: 0,
  };
  for (const r of reports) {
    sum.wsSent += r.ws.sent;
    sum.wsReplies += r.ws.replies;
    sum.badRequest += r.ws.badRequest;
    sum.unavailable += r.ws.unavailable;
    sum.ok += r.ws.ok;
    sum.undecodable += r.ws.undecodableReplies;
    sum.unanswered += r.ws.unanswered;
    for (const [k, v] of Object.entries(r.ws.closes)) sum.closes[k] = (sum.closes[k] ?? 0) + v;
    sum.httpSent += r.http.sent;
    for (const [k, v] of Object.entries(r.http.statuses)) sum.statuses[k] = (sum.statuses[k] ?? 0) + v;
    sum.transportErrors += r.http.transportErrors;
  }
  return sum;
}

/** A well-formed agent over `url`: enrols (registration token) and is answered. */
async function wellFormedAgentIsServed(url: string, hostName: string) {
  const a = new SimAgent({ url, token: regToken, reconnect: false });
  agents.push(a);
  await a.start();
  await a.send({ agentDescription: description(hostName) });
  const reply = await a.next(() => true, 5_000);
  assert.equal(reply.errorResponse, undefined, `${hostName}: answered without error`);
  const gw = await eventually(async () => {
    const list = await api(fg, fg.adminToken).get(`/api/v1/gateways?name=${hostName}`);
    return list.body.items.find((g: { name: string; connected: boolean }) => g.name === hostName && g.connected);
  });
  assert.ok(gw, `${hostName} enrolled and connected`);
  await a.stop();
}

test(
  `fuzz: ${FRAMES.toLocaleString('en')} hostile frames against ` +
    `the live control plane; agents still served, heap bounded`,
  async (t) => {
    const gateways = await Promise.all(Array.from({ length: LANES }, (_, i) => registerGateway(`fuzz-target-${i}`)));
    const wsUrl = `${base.replace('http', 'ws')}/v1/opamp`;
    const httpUrl = `${base}/v1/opamp`;
    const run = (frames: number, seed: number) =>
      Promise.all(
        gateways.map((g, i) =>
          fuzzOpampEndpoint({
            wsUrl: i % 2 === 0 ? wsUrl : `${base.replace('http', 'ws')}/api/v1/opamp/v1/opamp`,
            httpUrl,
            headers: { Authorization: `Bearer ${g.opamp_token}` },
            frames: Math.ceil(frames / LANES),
            seed: seed + i * 1_000_003,
            wsSockets: 1,
          }),
        ),
      );

    // Warm-up: JIT, pools, prepared statements, per-gateway state, so the baseline is honest.
    await run(2_000, 1);
    await fg.features.opamp.flushLastSeen();
    const baseline = settledHeap();

    // A witness agent with its own budget, polled every 250 ms while the flood runs.
    const witness = new SimAgent({ url: wsUrl, token: regToken, reconnect: false });
    agents.push(witness);
    await witness.start();
    await witness.send({ agentDescription: description('fuzz-witness') });
    await witness.next(() => true);
    const latencies: number[] = [];
    const witnessErrors: string[] = [];
    let flooding = true;
    const witnessLoop = (async () => {
      while (flooding) {
        const n = witness.received.length;
        const t0 = performance.now();
        await witness.send({});
        const reply = await witness.next(() => true, 30_000, n);
        latencies.push(performance.now() - t0);
        if (reply.errorResponse) witnessErrors.push(reply.errorResponse.errorMessage);
        await new Promise((r) => setTimeout(r, 250));
      }
    })();

    const before = fg.features.opamp.stats();
    const seed = Number(process.env.FLOWGATE_FUZZ_SEED ?? Date.now() % 2 ** 31);
    const started = Date.now();
    const cpu = process.cpuUsage();
    const reports = await run(FRAMES, seed);
    const ms = Date.now() - started;
    const cpuMs = Math.round((process.cpuUsage(cpu).user + process.cpuUsage(cpu).system) / 1000);
    flooding = false;
    await witnessLoop;
    const stats = fg.features.opamp.stats();
    const throttled = stats.throttled - before.throttled;
    const processed = stats.messages - before.messages - throttled;
    const sum = merge(reports);
    const why = `seed ${seed}: ${JSON.stringify(sum)} throttled ${throttled}`;
    latencies.sort((a, b) => a - b);
    const pct = (p: number) => Math.round(latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))]!);
    t.diagnostic(
      `${sum.wsSent} WS + ${sum.httpSent} HTTP frames in ${ms} ms ` +
        `(${Math.round((sum.wsSent + sum.httpSent) / (ms / 1000))}/s, ${cpuMs} ms CPU); ` +
        `WS ok ${sum.ok}, BAD_REQUEST ${sum.badRequest}, UNAVAILABLE ${sum.unavailable}; ` +
        `HTTP ${JSON.stringify(sum.statuses)}; seed ${seed}`,
    );
    t.diagnostic(
      `adapter: ${processed} well-formed messages processed in full, ${throttled} throttled; witness: ` +
        `${latencies.length} replies, median ${pct(0.5)} ms, p95 ${pct(0.95)} ms, max ${pct(1)} ms`,
    );

    assert.ok(sum.wsSent + sum.httpSent >= FRAMES, why);
    assert.ok(sum.wsSent > 0 && sum.httpSent > 0, why);
    // WebSocket: every frame answered on its socket; the server closed none.
    assert.equal(sum.wsReplies, sum.wsSent, why);
    assert.equal(sum.unanswered, 0, why);
    assert.deepEqual(sum.closes, {}, why);
    assert.equal(sum.undecodable, 0, why);
    assert.ok(sum.badRequest > 0 && sum.ok > 0, `both outcomes exercised — ${why}`);
    // UNAVAILABLE only ever means throttled, never an internal failure: the adapter stores (or refuses)
    // whatever a well-formed frame carries. (Throttled HTTP frames are 200s carrying the same answer.)
    assert.ok(
      sum.unavailable > 0 && sum.unavailable <= throttled && throttled <= sum.unavailable + (sum.statuses['200'] ?? 0),
      why,
    );
    assert.ok(processed >= 4 * 60, `every gateway's burst went through the adapter — ${why}`);
    // The flood from four gateways did not starve an agent within its budget.
    assert.deepEqual(witnessErrors, [], 'the witness was never throttled or refused');
    assert.ok(latencies.length >= 5 && pct(0.95) < 5_000, `witness p95 ${pct(0.95)} ms`);
    // HTTP: only the transport's statuses for bad input; no 5xx, no resets.
    assert.equal(sum.transportErrors, 0, why);
    assert.deepEqual(
      Object.keys(sum.statuses).filter((s) => !['200', '400', '415'].includes(s)),
      [],
      why,
    );

    // The control plane is still whole.
    const ready = await fetch(`${base}/readyz`);
    assert.equal(ready.status, 200);
    await wellFormedAgentIsServed(wsUrl, 'after-fuzz-ws');
    await wellFormedAgentIsServed(httpUrl, 'after-fuzz-http');
    // The fuzzed gateways themselves still work with their own tokens.
    const again = new SimAgent({ url: wsUrl, token: gateways[0]!.opamp_token, reconnect: false });
    agents.push(again);
    await again.start();
    await again.send({ agentDescription: description('fuzz-target-0') });
    const r = await again.next(() => true, 5_000);
    assert.equal(r.errorResponse, undefined);
    await again.stop();
    const list = await api(fg, fg.adminToken).get('/api/v1/gateways?limit=500');
    assert.equal(
      list.body.items.length,
      LANES + 3,
      'gateway tokens never enrol anything; only the witness and the two well-formed agents were added',
    );

    await fg.features.opamp.flushLastSeen();
    await new Promise((res) => setTimeout(res, 200));
    const afterHeap = settledHeap();
    t.diagnostic(
      `heap ${mb(baseline)} → ${mb(afterHeap)}; adapter state: ${JSON.stringify(fg.features.opamp.stats())}`,
    );
    assert.ok(afterHeap < 2 * baseline + 64 * 1048576, `heap grew from ${mb(baseline)} to ${mb(afterHeap)}`);
  },
);
