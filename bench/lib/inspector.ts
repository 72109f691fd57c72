// Forces a full garbage collection in another Node process through its inspector (started with
// --inspect=127.0.0.1:0), so RSS is compared after GC rather than at whatever point V8's heap
// happens to be in. Black box: only the DevTools protocol, nothing imported from the server.
import WebSocket from 'ws';

/** The inspector URL a process printed on stderr ("Debugger listening on ws://…"). */
export function inspectorUrl(output: string): string | null {
  return /Debugger listening on (ws:\/\/\S+)/.exec(output)?.[1] ?? null;
}

/** HeapProfiler.collectGarbage: V8's low-memory full GC, which also returns freed pages. */
export async function collectGarbage(url: string, timeoutMs = 30_000): Promise<void> {
  const ws = new WebSocket(url);
  try {
    await new Promise<void>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error('inspector: timeout')), timeoutMs);
      ws.once('error', (err) => {
        clearTimeout(t);
        reject(err);
      });
      ws.once('open', () => ws.send(JSON.stringify({ id: 1, method: 'HeapProfiler.collectGarbage' })));
      ws.on('message', (data) => {
        const m = JSON.parse(String(data)) as { id?: number; error?: { message: string } };
        if (m.id !== 1) return;
        clearTimeout(t);
        if (m.error) reject(new Error(`inspector: ${m.error.message}`));
        else resolve();
      });
    });
  } finally {
    ws.terminate();
  }
}
