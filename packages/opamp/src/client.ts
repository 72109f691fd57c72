// A small OpAMP agent-side client (WebSocket or plain HTTP) for tests and fleet benchmarks.
//
// Deliberately lean — one socket, one timer and a few closures per agent — so a benchmark can
// run tens of thousands of them in one process. It speaks the protocol, not an agent: it
// does not keep status for compression or answer ReportFullState by itself; the caller does
// that in onMessage with send().
import http from 'node:http';
import https from 'node:https';
import { promisify } from 'node:util';
import { gunzip as gunzipCb, gzip as gzipCb } from 'node:zlib';
import { create, toBinary } from '@bufbuild/protobuf';
import type { MessageInitShape } from '@bufbuild/protobuf';
import WebSocket from 'ws';
import { AgentToServerSchema, ServerErrorResponseType, ServerToAgentSchema } from './gen/opamp/v1/opamp_pb.ts';
import type { AgentToServer, ServerToAgent } from './gen/opamp/v1/opamp_pb.ts';
import { decodeHttpBody, decodeWsFrame, encodeWsFrame, INSTANCE_UID_LENGTH } from './framing.ts';
import { AgentCapability } from './capabilities.ts';
import { newInstanceUid, uuidFromBytes } from './uuid.ts';

const gunzip = promisify(gunzipCb);
const gzip = promisify(gzipCb);

/** An AgentToServer to send, minus what the client fills in itself. */
export type AgentToServerInit = Omit<
  Exclude<MessageInitShape<typeof AgentToServerSchema>, AgentToServer>,
  'instanceUid' | 'sequenceNum' | 'capabilities'
>;

export interface OpampClientOptions {
  /** ws(s)://host:port/v1/opamp or http(s)://host:port/v1/opamp */
  url: string;
  /** Default: from the URL scheme. */
  transport?: 'websocket' | 'http';
  /** Sent with the upgrade request / every POST (e.g. Authorization). */
  headers?: Record<string, string>;
  /** 16 bytes. Default: a fresh UUIDv7. */
  instanceUid?: Uint8Array;
  /**
   * AgentCapabilities mask; ReportsStatus is always added. Default:
   * status, remote config, effective config, health, heartbeat.
   */
  capabilities?: bigint;
  /** Source address to bind (spreads a big simulated fleet over several local IPs). */
  localAddress?: string;
  /** HTTP: polling interval. WebSocket: heartbeat interval. 0 disables. Default 30. */
  heartbeatSeconds?: number;
  /** Reconnect (WebSocket) / retry failed polls (HTTP) with exponential backoff. Default on. */
  reconnect?: boolean | { minDelayMs?: number; maxDelayMs?: number };
  /** HTTP: gzip request bodies. Default false. */
  gzipRequests?: boolean;
  /** HTTP: keep-alive agent to use (share one across many clients). Default: one per client. */
  httpAgent?: http.Agent;
  /** WebSocket: offer permessage-deflate. Default false. */
  perMessageDeflate?: boolean;
  /** Largest ServerToAgent accepted. Default 64 MiB. */
  maxMessageBytes?: number;
  /** HTTP request / WebSocket handshake timeout. Default 30 s. */
  timeoutMs?: number;
  onMessage?(msg: ServerToAgent): void;
  onError?(err: Error): void;
  /** WebSocket: after every successful (re)connect — the place to resend full state. */
  onConnect?(): void;
  onDisconnect?(info: { code: number; reason: string }): void;
}

/** A refused connection or request; status and Retry-After when the server sent them. */
export class OpampClientError extends Error {
  override readonly name = 'OpampClientError';
  constructor(
    message: string,
    readonly status?: number,
    readonly retryAfterMs?: number,
    readonly errorResponse?: ServerToAgent['errorResponse'],
  ) {
    super(message);
  }
}

const DEFAULT_CAPABILITIES =
  AgentCapability.ReportsStatus |
  AgentCapability.AcceptsRemoteConfig |
  AgentCapability.ReportsEffectiveConfig |
  AgentCapability.ReportsRemoteConfig |
  AgentCapability.ReportsHealth |
  AgentCapability.ReportsHeartbeat;

export class OpampClient {
  readonly transport: 'websocket' | 'http';
  private readonly url: URL;
  private uid: Uint8Array;
  private seq = 1n; // first message carries 1, as @elastic/opamp-client-node does
  private readonly caps: bigint;
  private readonly opts: OpampClientOptions;
  private heartbeatMs: number;
  private readonly minDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly retry: boolean;
  private stopped = true;
  private failures = 0;
  /** Heartbeat (WebSocket) or next poll (HTTP). */
  private timer: NodeJS.Timeout | undefined;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private connectWaiters: Array<{ resolve(): void; reject(err: Error): void }> = [];
  // WebSocket state
  private ws: WebSocket | undefined;
  // HTTP state
  private httpChain: Promise<unknown> = Promise.resolve();
  private ownAgent: http.Agent | undefined;

  constructor(opts: OpampClientOptions) {
    this.opts = opts;
    this.transport = opts.transport ?? (/^wss?:/i.test(opts.url) ? 'websocket' : 'http');
    this.url = new URL(opts.url);
    this.uid = opts.instanceUid ?? newInstanceUid();
    if (this.uid.length !== INSTANCE_UID_LENGTH) throw new RangeError('instanceUid must be 16 bytes');
    this.caps = (opts.capabilities ?? DEFAULT_CAPABILITIES) | AgentCapability.ReportsStatus;
    this.heartbeatMs = (opts.heartbeatSeconds ?? 30) * 1000;
    const r = opts.reconnect ?? true;
    this.retry = r !== false;
    this.minDelayMs = typeof r === 'object' ? (r.minDelayMs ?? 1000) : 1000;
    this.maxDelayMs = typeof r === 'object' ? (r.maxDelayMs ?? 60_000) : 60_000;
  }

  get instanceUid(): Uint8Array {
    return this.uid;
  }

  /** Sequence number the next message will carry. */
  get nextSequenceNum(): bigint {
    return this.seq;
  }

  get connected(): boolean {
    return this.transport === 'websocket' ? this.ws?.readyState === WebSocket.OPEN : !this.stopped;
  }

  /**
   * WebSocket: connects; resolves on the first open. HTTP: sends the first poll; resolves on
   * its reply. With reconnect on, failures are retried (after Retry-After when the server sent
   * one) until success or stop(); with reconnect off, the first failure rejects.
   */
  async start(): Promise<void> {
    if (!this.stopped) return;
    this.stopped = false;
    const firstSuccess = new Promise<void>((resolve, reject) => this.connectWaiters.push({ resolve, reject }));
    if (this.transport === 'websocket') this.connectWs();
    else this.send({}).catch(() => undefined); // post() settles firstSuccess either way
    return firstSuccess;
  }

  /**
   * Sends a message; instance_uid, sequence_num and capabilities are filled in.
   * WebSocket: resolves once written (replies arrive at onMessage); rejects when not connected.
   * HTTP: queued behind any outstanding request; resolves with the reply (also given to onMessage).
   */
  send(partial: AgentToServerInit = {}): Promise<ServerToAgent | undefined> {
    const msg = create(AgentToServerSchema, partial);
    msg.instanceUid = this.uid;
    msg.capabilities = this.caps;
    if (this.transport === 'websocket') {
      const ws = this.ws;
      if (!ws || ws.readyState !== WebSocket.OPEN) return Promise.reject(new OpampClientError('not connected'));
      msg.sequenceNum = this.seq++;
      this.armHeartbeat();
      const frame = encodeWsFrame(AgentToServerSchema, msg);
      return new Promise((resolve, reject) =>
        ws.send(frame, { binary: true }, (err) => (err ? reject(err) : resolve(undefined))),
      );
    }
    const result = this.httpChain.then(() => {
      msg.sequenceNum = this.seq++;
      msg.instanceUid = this.uid;
      return this.post(msg);
    });
    this.httpChain = result.catch(() => undefined);
    return result;
  }

  /** Sends agent_disconnect (both transports), then closes. Never rejects. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.clearTimer();
    if (this.transport === 'websocket') {
      this.stopped = true;
      this.clearReconnect();
      for (const w of this.connectWaiters.splice(0)) w.reject(new OpampClientError('stopped'));
      const ws = this.ws;
      if (!ws) return;
      if (ws.readyState === WebSocket.OPEN) {
        const msg = create(AgentToServerSchema, {
          instanceUid: this.uid,
          sequenceNum: this.seq++,
          capabilities: this.caps,
          agentDisconnect: {},
        });
        await new Promise<void>((resolve) =>
          ws.send(encodeWsFrame(AgentToServerSchema, msg), { binary: true }, () => resolve()),
        );
        await new Promise<void>((resolve) => {
          const t = setTimeout(() => {
            ws.terminate();
            resolve();
          }, 2_000);
          ws.once('close', () => {
            clearTimeout(t);
            resolve();
          });
          ws.close(1000, 'agent stopping');
        });
      } else {
        ws.terminate();
      }
      return;
    }
    try {
      await Promise.race([this.send({ agentDisconnect: {} }), sleep(this.opts.timeoutMs ?? 30_000)]);
    } catch {
      /* best effort */
    }
    this.stopped = true;
    this.clearTimer();
    this.ownAgent?.destroy();
  }

  // ---------------------------------------------------------------- WebSocket

  private connectWs(): void {
    if (this.stopped) return;
    const ws = new WebSocket(this.opts.url, {
      headers: this.opts.headers,
      localAddress: this.opts.localAddress,
      perMessageDeflate: this.opts.perMessageDeflate ?? false,
      maxPayload: this.opts.maxMessageBytes ?? 64 * 1024 * 1024,
      handshakeTimeout: this.opts.timeoutMs ?? 30_000,
    });
    this.ws = ws;
    let refused: OpampClientError | undefined;
    let retryAfterMs: number | undefined;
    ws.on('unexpected-response', (_req, res) => {
      const retryAfter = parseRetryAfter(res.headers['retry-after']);
      refused = new OpampClientError(`WebSocket upgrade refused: HTTP ${res.statusCode}`, res.statusCode, retryAfter);
      res.resume();
      this.opts.onError?.(refused);
      this.failConnect(refused);
      if (ws.readyState !== WebSocket.CLOSED) ws.terminate();
      this.scheduleReconnect(retryAfter);
    });
    ws.on('open', () => {
      this.failures = 0;
      this.armHeartbeat();
      for (const w of this.connectWaiters.splice(0)) w.resolve();
      this.opts.onConnect?.();
    });
    ws.on('message', (data, isBinary) => {
      if (!isBinary) return this.opts.onError?.(new OpampClientError('server sent a text frame'));
      let msg: ServerToAgent;
      try {
        msg = decodeWsFrame(ServerToAgentSchema, toBytes(data)).message;
      } catch (err) {
        return this.opts.onError?.(err as Error);
      }
      this.receive(msg);
      const er = msg.errorResponse;
      if (er?.type === ServerErrorResponseType.ServerErrorResponseType_Unavailable && this.retry) {
        retryAfterMs =
          er.Details.case === 'retryInfo' ? Number(er.Details.value.retryAfterNanoseconds / 1_000_000n) : undefined;
        ws.close(1000, 'server unavailable; retrying later');
      }
    });
    ws.on('error', (err) => {
      if (refused) return; // already reported by unexpected-response
      this.opts.onError?.(err);
      this.failConnect(err);
    });
    ws.on('close', (code, reason) => {
      this.clearTimer();
      if (this.ws === ws) this.ws = undefined;
      if (refused) return;
      this.opts.onDisconnect?.({ code, reason: reason.toString() });
      if (!this.retry) this.stopped = true;
      this.scheduleReconnect(retryAfterMs);
    });
  }

  /** A failed attempt: with retries on, start() keeps waiting; without, it rejects and we are stopped. */
  private failConnect(err: Error): void {
    if (this.retry && !this.stopped) return;
    if (this.connectWaiters.length > 0) this.stopped = true;
    for (const w of this.connectWaiters.splice(0)) w.reject(err);
  }

  private scheduleReconnect(retryAfterMs: number | undefined): void {
    if (this.stopped || !this.retry || this.reconnectTimer) return;
    const delay = Math.max(retryAfterMs ?? 0, this.backoff());
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      this.connectWs();
    }, delay);
  }

  // ---------------------------------------------------------------- HTTP

  private async post(msg: AgentToServer): Promise<ServerToAgent> {
    this.clearTimer();
    try {
      const reply = await this.request(toBinary(AgentToServerSchema, msg));
      this.failures = 0;
      for (const w of this.connectWaiters.splice(0)) w.resolve();
      this.receive(reply);
      const er = reply.errorResponse;
      const retryAfter =
        er?.Details.case === 'retryInfo' ? Number(er.Details.value.retryAfterNanoseconds / 1_000_000n) : 0;
      if (this.heartbeatMs > 0) this.schedulePoll(Math.max(retryAfter, this.heartbeatMs));
      return reply;
    } catch (err) {
      this.opts.onError?.(err as Error);
      if (this.retry) this.schedulePoll(this.retryDelay(err));
      else this.failConnect(err as Error);
      throw err;
    }
  }

  private schedulePoll(delayMs: number): void {
    if (this.stopped) return;
    this.clearTimer();
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.send({}).catch(() => undefined);
    }, delayMs);
  }

  private async request(body: Uint8Array): Promise<ServerToAgent> {
    const url = this.url;
    const mod = url.protocol === 'https:' ? https : http;
    this.ownAgent ??= this.opts.httpAgent ? undefined : new mod.Agent({ keepAlive: true, maxSockets: 1 });
    const payload = this.opts.gzipRequests ? await gzip(body) : body;
    const headers: Record<string, string | number> = {
      ...this.opts.headers,
      'Content-Type': 'application/x-protobuf',
      'Accept-Encoding': 'gzip',
      'OpAMP-Instance-UID': uuidFromBytes(this.uid),
      'Content-Length': payload.length,
    };
    if (this.opts.gzipRequests) headers['Content-Encoding'] = 'gzip';
    const max = this.opts.maxMessageBytes ?? 64 * 1024 * 1024;
    const { status, resHeaders, data } = await new Promise<{
      status: number;
      resHeaders: http.IncomingHttpHeaders;
      data: Buffer;
    }>((resolve, reject) => {
      const req = mod.request(url, {
        method: 'POST',
        headers,
        agent: this.opts.httpAgent ?? this.ownAgent,
        localAddress: this.opts.localAddress,
        timeout: this.opts.timeoutMs ?? 30_000,
      });
      req.on('timeout', () => req.destroy(new OpampClientError('request timed out')));
      req.on('error', reject);
      req.on('response', (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (size > max) return res.destroy(new OpampClientError('reply exceeds maxMessageBytes'));
          chunks.push(c);
        });
        res.on('error', reject);
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, resHeaders: res.headers, data: Buffer.concat(chunks) }),
        );
      });
      req.end(payload);
    });
    let bytes: Uint8Array = toBytes(data);
    if ((resHeaders['content-encoding'] ?? '').toLowerCase() === 'gzip')
      bytes = toBytes(await gunzip(data, { maxOutputLength: max }));
    const isProto = (resHeaders['content-type'] ?? '').startsWith('application/x-protobuf');
    if (status !== 200) {
      let errorResponse: ServerToAgent['errorResponse'];
      if (isProto) {
        try {
          errorResponse = decodeHttpBody(ServerToAgentSchema, bytes).errorResponse;
        } catch {
          /* keep the status */
        }
      }
      const text =
        errorResponse?.errorMessage ?? (isProto ? '' : Buffer.from(bytes).toString('utf8').trim().slice(0, 200));
      throw new OpampClientError(
        `HTTP ${status}${text ? `: ${text}` : ''}`,
        status,
        parseRetryAfter(resHeaders['retry-after']),
        errorResponse,
      );
    }
    return decodeHttpBody(ServerToAgentSchema, bytes);
  }

  // ---------------------------------------------------------------- shared

  private receive(msg: ServerToAgent): void {
    const newUid = msg.agentIdentification?.newInstanceUid;
    if (newUid && newUid.length === INSTANCE_UID_LENGTH) this.uid = newUid.slice();
    const hb = msg.connectionSettings?.opamp?.heartbeatIntervalSeconds;
    if (hb !== undefined && hb > 0n) {
      this.heartbeatMs = Number(hb) * 1000;
      if (this.transport === 'websocket') this.armHeartbeat();
    }
    this.opts.onMessage?.(msg);
  }

  private armHeartbeat(): void {
    if (this.transport !== 'websocket') return;
    this.clearTimer();
    if (this.heartbeatMs <= 0 || this.stopped) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.send({}).catch(() => undefined);
    }, this.heartbeatMs);
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private clearReconnect(): void {
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = undefined;
  }

  private backoff(): number {
    const base = Math.min(this.maxDelayMs, this.minDelayMs * 2 ** Math.min(this.failures, 20));
    this.failures++;
    return Math.round(base * (0.8 + Math.random() * 0.4));
  }

  private retryDelay(err: unknown): number {
    const ra = err instanceof OpampClientError ? err.retryAfterMs : undefined;
    return Math.max(ra ?? 0, this.backoff());
  }
}

/** Retry-After as delay-seconds or an HTTP date → milliseconds from now. */
export function parseRetryAfter(value: string | string[] | undefined): number | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  if (v === undefined || v.trim() === '') return undefined;
  if (/^\d+$/.test(v.trim())) return Number(v.trim()) * 1000;
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

function toBytes(data: WebSocket.RawData | Buffer): Uint8Array {
  if (Array.isArray(data)) data = Buffer.concat(data);
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
