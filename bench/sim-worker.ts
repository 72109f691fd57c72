// A simulator worker process: holds a slice of the simulated fleet and answers the parent
// (bench/simulator.ts) over the IPC channel. Started with `fork(..., { execArgv: ['--import', 'tsx'] })`.
import http from 'node:http';
import { SimAgent, type SimShared } from './lib/sim-agent.ts';
import { collectorConfigYaml, effectiveConfig, healthTree } from './lib/payloads.ts';
import { failsAt, type WorkerRequest, type WorkerStatus } from './lib/protocol.ts';

if (!process.send) {
  console.error('sim-worker must be started by bench/simulator.ts (fork with an IPC channel)');
  process.exit(2);
}

const health = healthTree();
const baseEffective = effectiveConfig(Buffer.from(collectorConfigYaml('as installed')));
let agents: SimAgent[] = [];
let shared: SimShared | null = null;

function reply(id: number, body: unknown) {
  process.send!({ id, body });
}

/**
 * Runs fn over items with at most `limit` in flight (a connect
 * burst larger than the listen backlog only causes SYN retries).
 */
async function pool<T>(items: T[], limit: number, fn: (t: T) => Promise<void>): Promise<void> {
  let next = 0;
  const runners = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const t = items[next++]!;
      await fn(t).catch(() => undefined);
    }
  });
  await Promise.all(runners);
}

function status(): WorkerStatus {
  let connected = 0;
  let fullStateAcked = 0;
  let reconnected = 0;
  let configs = 0;
  let applied = 0;
  let failed = 0;
  for (const a of agents) {
    if (a.client.connected) connected++;
    if (a.fullStateAcked) fullStateAcked++;
    if (a.connects > 1) reconnected++;
    if (a.lastConfig) {
      configs++;
      if (a.lastConfig.doneAt) {
        if (a.lastConfig.failed) failed++;
        else applied++;
      }
    }
  }
  const c = shared?.counters ?? { sent: 0, received: 0, errors: 0, sendFailures: 0 };
  return {
    agents: agents.length,
    connected,
    fullStateAcked,
    reconnected,
    configs,
    applied,
    failed,
    ...c,
    rssBytes: process.memoryUsage.rss(),
  };
}

process.on('message', (raw) => {
  const req = raw as WorkerRequest;
  void handle(req).catch((err: Error) => reply(req.id, { error: err.stack ?? err.message }));
});

async function handle(req: WorkerRequest): Promise<void> {
  switch (req.op) {
    case 'init': {
      if (agents.length) throw new Error('init: agents exist; stop first');
      const c = req.config;
      shared = {
        url: c.url,
        token: c.token,
        transport: c.transport,
        heartbeatSeconds: c.heartbeatSeconds,
        applyDelayMs: c.applyDelayMs,
        reconnectMinMs: c.reconnectMinMs,
        reconnectMaxMs: c.reconnectMaxMs,
        health,
        baseEffective,
        httpAgent:
          c.transport === 'http'
            ? new http.Agent({ keepAlive: true, maxSockets: 2048, keepAliveMsecs: 60_000 })
            : undefined,
        counters: { sent: 0, received: 0, errors: 0, sendFailures: 0 },
      };
      for (let i = 0; i < c.count; i++) {
        const index = c.startIndex + i;
        agents.push(
          new SimAgent(index, shared, {
            hostName: `${c.namePrefix}-${String(index).padStart(6, '0')}`,
            localAddress: c.localAddresses.length ? c.localAddresses[index % c.localAddresses.length] : undefined,
            fails: failsAt(index, c.failShare),
          }),
        );
      }
      reply(req.id, { ok: true });
      return;
    }
    case 'start': {
      await pool(agents, req.concurrency, (a) => a.start());
      reply(req.id, status());
      return;
    }
    case 'status':
      reply(req.id, status());
      return;
    case 'deployStats': {
      const received: number[] = [];
      const done: number[] = [];
      let failed = 0;
      let missing = 0;
      for (const a of agents) {
        const cfg = a.seenConfigs.get(req.hash);
        if (!cfg) {
          missing++;
          continue;
        }
        received.push(cfg.receivedAt - req.t0);
        if (!cfg.doneAt) continue;
        if (cfg.failed) failed++;
        else done.push(cfg.doneAt - req.t0);
      }
      reply(req.id, { received, applied: done, failed, missing });
      return;
    }
    case 'uids':
      reply(
        req.id,
        agents.map((a) => a.uid),
      );
      return;
    case 'stop': {
      await pool(agents, req.concurrency, (a) => a.stop());
      shared?.httpAgent?.destroy();
      agents = [];
      reply(req.id, { ok: true });
      return;
    }
    case 'exit':
      reply(req.id, { ok: true });
      setTimeout(() => process.exit(0), 20);
      return;
  }
}

process.on('disconnect', () => process.exit(0));
