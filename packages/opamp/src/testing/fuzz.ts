// Throws large numbers of mutated and random OpAMP frames at a live endpoint, over WebSocket
// (many frames per socket, windowed) and plain HTTP (keep-alive), and reports how every one
// was answered. Aim it at this package's server or at the whole control plane.
//
// Frames are generated with fast-check from a seed (reported, so a failure can be replayed):
// well-formed AgentToServer messages with random content, then mutated (bit flips,
// truncation, insertion, deletion, splicing, wrong instance_uid length, wrong header bytes) or
// replaced by plain random bytes. Frames stay below `maxFrameBytes` so that every one of them
// must be answered on the socket rather than by a size-limit close.
import http from 'node:http';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { create, toBinary } from '@bufbuild/protobuf';
import type { MessageInitShape } from '@bufbuild/protobuf';
import WebSocket from 'ws';
import { AgentToServerSchema, ServerErrorResponseType, ServerToAgentSchema } from '../gen/opamp/v1/opamp_pb.ts';
import { decodeWsFrame } from '../framing.ts';

export interface FuzzOptions {
  /** ws://…/v1/opamp; omit to skip the WebSocket part. */
  wsUrl?: string;
  /** http://…/v1/opamp; omit to skip the HTTP part. */
  httpUrl?: string;
  /** Sent on every upgrade / POST (authentication). */
  headers?: Record<string, string>;
  /** Total frames over both transports. */
  frames: number;
  /** Share of frames sent over HTTP when both URLs are given. Default 0.2 (HTTP costs a request each). */
  httpShare?: number;
  /** WebSocket connections the WS frames are spread over. Default 4. */
  wsSockets?: number;
  /** Frames in flight per socket before waiting for replies. Default 128. */
  wsWindow?: number;
  /** Parallel keep-alive HTTP connections. Default 8. */
  httpConcurrency?: number;
  /** Largest frame generated. Keep it under the server's maxMessageBytes. Default 2048. */
  maxFrameBytes?: number;
  /** fast-check seed. Default: derived from the clock (and reported). */
  seed?: number;
}

export interface FuzzReport {
  seed: number;
  durationMs: number;
  ws: {
    sent: number;
    replies: number;
    badRequest: number;
    unavailable: number;
    /** Replies without error_response: frames that happened to be well-formed. */
    ok: number;
    /** Replies the harness itself could not decode (should be 0). */
    undecodableReplies: number;
    /** Sent frames never answered because their socket closed. */
    unanswered: number;
    /** Close codes of sockets the server closed during the run (should be empty). */
    closes: Record<string, number>;
  };
  http: {
    sent: number;
    statuses: Record<string, number>;
    /** Requests that failed at the transport level (reset, timeout). */
    transportErrors: number;
  };
}

interface HttpCase {
  body: Uint8Array;
  headers: Record<string, string>;
}

interface Batch {
  ws: Uint8Array[];
  http: HttpCase[];
}

const BATCH = 500;

// ------------------------------------------------------------------ generation

function arbitraries(maxFrameBytes: number) {
  const text = fc.string({ maxLength: 24 });
  const anyValue = fc.oneof(
    text.map((value) => ({ value: { case: 'stringValue' as const, value } })),
    fc
      .bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n })
      .map((value) => ({ value: { case: 'intValue' as const, value } })),
    fc.boolean().map((value) => ({ value: { case: 'boolValue' as const, value } })),
    fc.double({ noNaN: true }).map((value) => ({ value: { case: 'doubleValue' as const, value } })),
  );
  const attrs = fc.array(fc.record({ key: text, value: anyValue }), { maxLength: 4 });
  const uid = fc.oneof(
    { weight: 8, arbitrary: fc.uint8Array({ minLength: 16, maxLength: 16 }) },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 26 }) },
  );
  const message = fc
    .record(
      {
        instanceUid: uid,
        sequenceNum: fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
        capabilities: fc.bigInt({ min: 0n, max: 0xffffn }),
        flags: fc.bigInt({ min: 0n, max: 3n }),
        agentDescription: fc.record({ identifyingAttributes: attrs, nonIdentifyingAttributes: attrs }),
        health: fc.record({
          healthy: fc.boolean(),
          lastError: text,
          status: text,
          startTimeUnixNano: fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
        }),
        remoteConfigStatus: fc.record({
          lastRemoteConfigHash: fc.uint8Array({ maxLength: 32 }),
          status: fc.integer({ min: 0, max: 5 }),
          errorMessage: text,
        }),
        effectiveConfig: fc.record({
          configMap: fc.record({
            configMap: fc.dictionary(text, fc.record({ body: fc.uint8Array({ maxLength: 200 }), contentType: text }), {
              maxKeys: 2,
            }),
          }),
        }),
        agentDisconnect: fc.constant({}),
        customMessage: fc.record({ capability: text, type: text, data: fc.uint8Array({ maxLength: 64 }) }),
      },
      { requiredKeys: ['instanceUid'] },
    )
    .map((init) =>
      toBinary(AgentToServerSchema, create(AgentToServerSchema, init as MessageInitShape<typeof AgentToServerSchema>)),
    );

  const mutate = (bytes: Uint8Array) =>
    fc.oneof(
      fc.constant(bytes),
      fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 7 })), { minLength: 1, maxLength: 8 }).map((flips) => {
        const out = bytes.slice();
        if (out.length === 0) return out;
        for (const [pos, bit] of flips) out[pos % out.length]! ^= 1 << bit;
        return out;
      }),
      fc.nat().map((n) => bytes.subarray(0, bytes.length === 0 ? 0 : n % bytes.length)),
      fc.tuple(fc.nat(), fc.uint8Array({ minLength: 1, maxLength: 32 })).map(([pos, ins]) => {
        const at = bytes.length === 0 ? 0 : pos % bytes.length;
        return Uint8Array.from([...bytes.subarray(0, at), ...ins, ...bytes.subarray(at)]);
      }),
      fc.tuple(fc.nat(), fc.nat({ max: 32 })).map(([pos, len]) => {
        const at = bytes.length === 0 ? 0 : pos % bytes.length;
        return Uint8Array.from([...bytes.subarray(0, at), ...bytes.subarray(at + len)]);
      }),
      fc.nat().map((n) => {
        const at = bytes.length === 0 ? 0 : n % bytes.length;
        return Uint8Array.from([...bytes, ...bytes.subarray(at)]); // splice a tail onto itself
      }),
    );

  const body = fc
    .oneof(
      { weight: 6, arbitrary: message.chain(mutate) },
      { weight: 2, arbitrary: message },
      { weight: 2, arbitrary: fc.uint8Array({ maxLength: 256 }) },
    )
    .map((b) => (b.length > maxFrameBytes - 11 ? b.subarray(0, maxFrameBytes - 11) : b));

  const header = fc.oneof(
    { weight: 14, arbitrary: fc.constant(Uint8Array.of(0)) },
    { weight: 2, arbitrary: fc.constant(new Uint8Array(0)) }, // legacy, header-less
    { weight: 2, arbitrary: fc.integer({ min: 1, max: 0x7f }).map((b) => Uint8Array.of(b)) },
    { weight: 1, arbitrary: fc.uint8Array({ minLength: 2, maxLength: 10 }) }, // multi-byte / broken varints
  );
  const wsFrame = fc.tuple(header, body).map(([h, b]) => {
    const out = new Uint8Array(h.length + b.length);
    out.set(h);
    out.set(b, h.length);
    return out;
  });

  const httpRequest = fc.tuple(body, fc.integer({ min: 0, max: 99 })).map(([b, roll]): HttpCase => {
    if (roll < 8)
      return { body: gzipSync(b), headers: { 'Content-Type': 'application/x-protobuf', 'Content-Encoding': 'gzip' } };
    if (roll < 10)
      return {
        body: gzipSync(b).subarray(0, 12),
        headers: { 'Content-Type': 'application/x-protobuf', 'Content-Encoding': 'gzip' },
      };
    if (roll < 12) return { body: b, headers: { 'Content-Type': roll === 10 ? 'application/json' : 'text/plain' } };
    return { body: b, headers: { 'Content-Type': 'application/x-protobuf' } };
  });
  return { wsFrame, httpRequest };
}

function* batches(seed: number, wsCount: number, httpCount: number, maxFrameBytes: number): Generator<Batch> {
  const { wsFrame, httpRequest } = arbitraries(maxFrameBytes);
  const n = Math.max(1, Math.ceil((wsCount + httpCount) / BATCH));
  let wsLeft = wsCount;
  let httpLeft = httpCount;
  for (let i = 0; i < n; i++) {
    const w = Math.min(Math.ceil(wsCount / n), wsLeft);
    const h = Math.min(Math.ceil(httpCount / n), httpLeft);
    yield {
      ws: w > 0 ? fc.sample(wsFrame, { numRuns: w, seed: seed + i * 2 }) : [],
      http: h > 0 ? fc.sample(httpRequest, { numRuns: h, seed: seed + i * 2 + 1 }) : [],
    };
    wsLeft -= w;
    httpLeft -= h;
  }
}

// ------------------------------------------------------------------ WebSocket side

class WsLane {
  private ws: WebSocket | undefined;
  private inFlight = 0;
  private waiters: Array<() => void> = [];

  constructor(
    private readonly url: string,
    private readonly headers: Record<string, string> | undefined,
    private readonly window: number,
    private readonly report: FuzzReport['ws'],
  ) {}

  private async open(): Promise<WebSocket> {
    const ws = new WebSocket(this.url, { headers: this.headers, perMessageDeflate: false });
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    ws.on('error', () => {});
    ws.on('message', (data: Buffer) => {
      this.inFlight--;
      this.report.replies++;
      try {
        const reply = decodeWsFrame(
          ServerToAgentSchema,
          new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
        ).message;
        const type = reply.errorResponse?.type;
        if (type === undefined) this.report.ok++;
        else if (type === ServerErrorResponseType.ServerErrorResponseType_BadRequest) this.report.badRequest++;
        else if (type === ServerErrorResponseType.ServerErrorResponseType_Unavailable) this.report.unavailable++;
      } catch {
        this.report.undecodableReplies++;
      }
      this.wake();
    });
    ws.on('close', (code) => {
      if (this.ws === ws) this.ws = undefined;
      this.report.unanswered += this.inFlight;
      this.inFlight = 0;
      if (!this.closingOnPurpose) this.report.closes[String(code)] = (this.report.closes[String(code)] ?? 0) + 1;
      this.wake();
    });
    this.ws = ws;
    return ws;
  }

  private closingOnPurpose = false;

  private wake(): void {
    for (const w of this.waiters.splice(0)) w();
  }

  private waitForRoom(limit: number): Promise<void> {
    if (this.inFlight < limit) return Promise.resolve();
    return new Promise((resolve) => {
      const check = (): void => {
        if (this.inFlight < limit || !this.ws) resolve();
        else this.waiters.push(check);
      };
      this.waiters.push(check);
      setTimeout(check, 10_000).unref(); // never hang a test run on a lost reply
    });
  }

  async send(frames: Uint8Array[]): Promise<void> {
    for (const frame of frames) {
      await this.waitForRoom(this.window);
      const ws = this.ws ?? (await this.open());
      this.inFlight++;
      this.report.sent++;
      ws.send(frame, { binary: true });
    }
  }

  async drain(): Promise<void> {
    const deadline = Date.now() + 30_000;
    while (this.inFlight > 0 && this.ws && Date.now() < deadline) await this.waitForRoom(1);
    this.report.unanswered += this.inFlight;
    this.inFlight = 0;
    this.closingOnPurpose = true;
    const ws = this.ws;
    if (ws) {
      await new Promise<void>((resolve) => {
        ws.once('close', () => resolve());
        ws.close(1000);
        setTimeout(() => {
          ws.terminate();
          resolve();
        }, 2_000).unref();
      });
    }
  }
}

// ------------------------------------------------------------------ HTTP side

function postOnce(
  url: URL,
  agent: http.Agent,
  req: HttpCase,
  extra: Record<string, string> | undefined,
): Promise<number> {
  return new Promise((resolve, reject) => {
    const r = http.request(url, {
      method: 'POST',
      agent,
      headers: { ...extra, ...req.headers, 'Content-Length': String(req.body.length) },
      timeout: 30_000,
    });
    r.on('timeout', () => r.destroy(new Error('timeout')));
    r.on('error', reject);
    r.on('response', (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
      res.on('error', reject);
    });
    r.end(req.body);
  });
}

// ------------------------------------------------------------------ entry point

export async function fuzzOpampEndpoint(opts: FuzzOptions): Promise<FuzzReport> {
  const seed = opts.seed ?? Date.now() % 2 ** 31;
  const started = Date.now();
  const httpShare = opts.wsUrl && opts.httpUrl ? (opts.httpShare ?? 0.2) : opts.httpUrl ? 1 : 0;
  const httpCount = Math.round(opts.frames * httpShare);
  const wsCount = opts.frames - httpCount;
  const report: FuzzReport = {
    seed,
    durationMs: 0,
    ws: { sent: 0, replies: 0, badRequest: 0, unavailable: 0, ok: 0, undecodableReplies: 0, unanswered: 0, closes: {} },
    http: { sent: 0, statuses: {}, transportErrors: 0 },
  };
  const lanes = opts.wsUrl
    ? Array.from(
        { length: opts.wsSockets ?? 4 },
        () => new WsLane(opts.wsUrl!, opts.headers, opts.wsWindow ?? 128, report.ws),
      )
    : [];
  const concurrency = opts.httpConcurrency ?? 8;
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  const httpUrl = opts.httpUrl ? new URL(opts.httpUrl) : undefined;

  try {
    for (const batch of batches(seed, wsCount, httpCount, opts.maxFrameBytes ?? 2048)) {
      const work: Promise<void>[] = [];
      if (lanes.length > 0 && batch.ws.length > 0) {
        const per = Math.ceil(batch.ws.length / lanes.length);
        lanes.forEach((lane, i) => work.push(lane.send(batch.ws.slice(i * per, (i + 1) * per))));
      }
      if (httpUrl && batch.http.length > 0) {
        let next = 0;
        const worker = async (): Promise<void> => {
          while (next < batch.http.length) {
            const req = batch.http[next++]!;
            report.http.sent++;
            try {
              const status = await postOnce(httpUrl, agent, req, opts.headers);
              report.http.statuses[String(status)] = (report.http.statuses[String(status)] ?? 0) + 1;
            } catch {
              report.http.transportErrors++;
            }
          }
        };
        for (let i = 0; i < concurrency; i++) work.push(worker());
      }
      await Promise.all(work);
    }
    await Promise.all(lanes.map((l) => l.drain()));
  } finally {
    agent.destroy();
  }
  report.durationMs = Date.now() - started;
  return report;
}
