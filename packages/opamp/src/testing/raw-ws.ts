// A bare WebSocket peer that sends whatever bytes a test wants and collects decoded replies.
import WebSocket from 'ws';
import type { ClientOptions } from 'ws';
import { ServerToAgentSchema } from '../gen/opamp/v1/opamp_pb.ts';
import type { ServerToAgent } from '../gen/opamp/v1/opamp_pb.ts';
import { decodeWsFrame } from '../framing.ts';

export interface RawWsPeer {
  ws: WebSocket;
  replies: ServerToAgent[];
  /** Resolves with the next reply not yet returned by next(). */
  next(timeoutMs?: number): Promise<ServerToAgent>;
  closed: Promise<{ code: number; reason: string }>;
}

export async function openRawWs(url: string, options: ClientOptions = {}): Promise<RawWsPeer> {
  const ws = new WebSocket(url, { perMessageDeflate: false, ...options });
  const replies: ServerToAgent[] = [];
  let read = 0;
  const waiters: Array<() => void> = [];
  ws.on('message', (data: Buffer) => {
    replies.push(
      decodeWsFrame(ServerToAgentSchema, new Uint8Array(data.buffer, data.byteOffset, data.byteLength)).message,
    );
    for (const w of waiters.splice(0)) w();
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) => {
    ws.on('close', (code, reason) => {
      resolve({ code, reason: reason.toString() });
      for (const w of waiters.splice(0)) w();
    });
  });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  ws.on('error', () => {});
  const next = async (timeoutMs = 5_000): Promise<ServerToAgent> => {
    const deadline = Date.now() + timeoutMs;
    while (read >= replies.length) {
      if (ws.readyState === WebSocket.CLOSED) throw new Error('socket closed while waiting for a reply');
      if (Date.now() > deadline) throw new Error('timed out waiting for a reply');
      await new Promise<void>((resolve) => {
        waiters.push(resolve);
        setTimeout(resolve, 50).unref();
      });
    }
    return replies[read++]!;
  };
  return { ws, replies, next, closed };
}
