// Talks to another Node process through its inspector (started with --inspect=127.0.0.1:0):
// forces a full GC so RSS is compared after GC, and records CPU profiles. Black box: only the
// DevTools protocol, nothing imported from the server.
import WebSocket from 'ws';

/** The inspector URL a process printed on stderr ("Debugger listening on ws://…"); the last one wins. */
export function inspectorUrl(output: string): string | null {
  const all = [...output.matchAll(/Debugger listening on (ws:\/\/\S+)/g)];
  return all.length ? all[all.length - 1]![1]! : null;
}

export class InspectorSession {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  private constructor(private readonly ws: WebSocket) {
    ws.on('message', (data) => {
      const m = JSON.parse(String(data)) as { id?: number; result?: unknown; error?: { message: string } };
      const p = m.id === undefined ? undefined : this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id!);
      if (m.error) p.reject(new Error(`inspector: ${m.error.message}`));
      else p.resolve(m.result);
    });
    ws.on('close', () => {
      for (const p of this.pending.values()) p.reject(new Error('inspector: closed'));
      this.pending.clear();
    });
  }

  static async open(url: string, timeoutMs = 10_000): Promise<InspectorSession> {
    const ws = new WebSocket(url, { handshakeTimeout: timeoutMs });
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    return new InspectorSession(ws);
  }

  call<T = unknown>(method: string, params: Record<string, unknown> = {}, timeoutMs = 60_000): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      const t = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`inspector: ${method} timed out`));
      }, timeoutMs);
      this.pending.set(id, {
        resolve: (v) => (clearTimeout(t), resolve(v as T)),
        reject: (e) => (clearTimeout(t), reject(e)),
      });
      this.ws.send(JSON.stringify({ id, method, params }));
    });
  }

  close(): void {
    this.ws.terminate();
  }
}

/**
 * HeapProfiler.collectGarbage: V8's low-memory full GC, which
 * also returns freed pages. Returns the JS heap in use after it.
 */
export async function collectGarbage(url: string): Promise<{ heapUsedBytes: number; heapTotalBytes: number }> {
  const s = await InspectorSession.open(url);
  try {
    await s.call('HeapProfiler.collectGarbage');
    const h = await s.call<{ usedSize: number; totalSize: number }>('Runtime.getHeapUsage');
    return { heapUsedBytes: h.usedSize, heapTotalBytes: h.totalSize };
  } finally {
    s.close();
  }
}

/** Starts the V8 CPU profiler; stop() returns the .cpuprofile JSON text. */
export async function startCpuProfile(url: string, samplingIntervalUs = 1000): Promise<{ stop(): Promise<string> }> {
  const s = await InspectorSession.open(url);
  await s.call('Profiler.enable');
  await s.call('Profiler.setSamplingInterval', { interval: samplingIntervalUs });
  await s.call('Profiler.start');
  return {
    async stop() {
      try {
        const r = await s.call<{ profile: unknown }>('Profiler.stop', {}, 120_000);
        return JSON.stringify(r.profile);
      } finally {
        s.close();
      }
    },
  };
}
