// OpAMP server transport: WebSocket and plain HTTP on the same URL, domain-free.
//
// The application sees one transport-neutral OpampConnection and four callbacks (admit →
// onConnected → onMessage → onClose). This module owns sockets, framing, compression, size
// limits, keep-alive and the choice of transport, and never lets a peer's bytes crash the
// process: every failure becomes a ServerErrorResponse, an HTTP status or a close code.
import http from 'node:http';
import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import { gunzip as gunzipCb, gzip as gzipCb } from 'node:zlib';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { create, toBinary } from '@bufbuild/protobuf';
import { WebSocketServer } from 'ws';
import type { PerMessageDeflateOptions, RawData, WebSocket } from 'ws';
import { AgentToServerSchema, ServerErrorResponseType, ServerToAgentSchema } from './gen/opamp/v1/opamp_pb.ts';
import type { AgentToServer, ServerToAgent } from './gen/opamp/v1/opamp_pb.ts';
import {
  OpampDecodeError,
  agentToServerProblem,
  decodeHttpBody,
  decodeWsFrame,
  encodeServerToAgentFrame,
} from './framing.ts';

const gunzip = promisify(gunzipCb);
const gzip = promisify(gzipCb);

export const OPAMP_DEFAULT_PATH = '/v1/opamp';
export const OPAMP_DEFAULT_PORT = 4320;
export const OPAMP_CONTENT_TYPE = 'application/x-protobuf';
/** Spec header with the agent's instance UID as UUID text; informational only. */
export const OPAMP_INSTANCE_UID_HEADER = 'opamp-instance-uid';

export type OpampTransport = 'websocket' | 'http';

export type Admission<Ctx> =
  { ok: true; context: Ctx } | { ok: false; status: number; headers?: Record<string, string>; message?: string };

export interface OpampLogger {
  warn(obj: object, msg: string): void;
  debug?(obj: object, msg: string): void;
}

export interface OpampConnection<Ctx> {
  /** Random id of this socket (WebSocket) or this request (HTTP). */
  readonly id: string;
  readonly transport: OpampTransport;
  readonly remoteAddress: string;
  readonly connectedAt: Date;
  /** What admit() returned for this socket / request. */
  readonly context: Ctx;
  /** instance_uid of the last well-formed message received on this connection. */
  instanceUid?: Uint8Array;
  /**
   * WebSocket: sends a ServerToAgent now (instance_uid is filled from the connection when
   * empty). HTTP: always rejects — a plain-HTTP agent only hears from the server in the reply
   * to its own request, so return the message from onMessage instead.
   */
  send(msg: ServerToAgent): Promise<void>;
  /** WebSocket: closes the socket (default 1000). HTTP: the response closes the TCP connection. */
  close(code?: number, reason?: string): void;
  /**
   * WebSocket: sends a ping and resolves true when the peer answers within timeoutMs, false when it
   * does not or the socket is gone (a half-open connection after a network failure). HTTP: true.
   */
  probe(timeoutMs: number): Promise<boolean>;
}

export interface ProtocolErrorInfo<Ctx> {
  transport: OpampTransport;
  remoteAddress: string;
  reason: string;
  conn?: OpampConnection<Ctx>;
}

export interface OpampServerOptions<Ctx> {
  /** URL paths served (query strings ignored). Default ['/v1/opamp']. */
  paths?: string[];
  /**
   * Largest accepted message: WebSocket payload after permessage-deflate inflation (over →
   * close 1009), HTTP body before and after gzip decoding (over → 413). Default 4 MiB.
   */
  maxMessageBytes?: number;
  /** Authenticates / throttles. Runs before any WebSocket upgrade and before an HTTP body is read. */
  admit(req: http.IncomingMessage): Promise<Admission<Ctx>> | Admission<Ctx>;
  /** WebSocket: once per socket after the upgrade. Not called for plain HTTP. */
  onConnected?(conn: OpampConnection<Ctx>): void;
  /**
   * Every well-formed AgentToServer (16-byte instance_uid). Messages of one WebSocket are
   * delivered strictly one after the other. The result is the reply; undefined → an ack
   * carrying only instance_uid. A throw → error_response UNAVAILABLE (and a log line).
   */
  onMessage(
    conn: OpampConnection<Ctx>,
    msg: AgentToServer,
  ): Promise<ServerToAgent | undefined> | ServerToAgent | undefined;
  /** WebSocket: once when the socket is gone, for whatever reason. Not called for plain HTTP. */
  onClose?(conn: OpampConnection<Ctx>, info: { code?: number; reason?: string }): void;
  /** Every refused frame / request (bad protobuf, bad instance_uid, text frame, too large, wrong content type ...). */
  onProtocolError?(info: ProtocolErrorInfo<Ctx>): void;
  logger?: OpampLogger;
  /** keepAliveTimeout set on servers made by listen()/attach(). Default 65 s (agents poll every 30 s). */
  httpKeepAliveMs?: number;
  /** WebSocket ping interval to find dead peers; 0 disables. Default 30 s. */
  wsPingIntervalMs?: number;
  /** permessage-deflate negotiation (ws options); false disables. Default: offered, no context takeover. */
  perMessageDeflate?: boolean | PerMessageDeflateOptions;
  /** HTTP replies at least this large are gzipped when the agent accepts gzip. Default 512 bytes. */
  httpGzipMinBytes?: number;
  /**
   * When set, put into every non-error reply whose capabilities field is 0, so the
   * "capabilities in the first reply" rule holds without bookkeeping. Default: not touched.
   */
  serverCapabilities?: bigint;
  /** Pause reading a WebSocket while this many of its messages await processing. Default 32. */
  wsMaxQueuedMessages?: number;
}

export interface OpampServer {
  /** For an http.Server 'upgrade' event. False (socket untouched) when the path is not ours. */
  handleUpgrade(req: http.IncomingMessage, socket: Duplex, head: Buffer): boolean;
  /** For an http.Server 'request' event. Reads the body itself. False (untouched) when the path is not ours. */
  handleHttp(req: http.IncomingMessage, res: http.ServerResponse): boolean;
  /** Routes an existing server's 'upgrade' and 'request' events through us first; others get what we do not handle. */
  attach(server: http.Server): void;
  /** A dedicated listener (e.g. port 4320). port 0 → a free port. */
  listen(port: number, host?: string): Promise<{ port: number; close(): Promise<void> }>;
  /** Open WebSocket connections. */
  connections(): number;
  /** Closes every WebSocket (1001) and refuses new work. */
  close(): Promise<void>;
}

interface WsConnection<Ctx> extends OpampConnection<Ctx> {
  ws: WebSocket;
  queue: Promise<void>;
  queued: number;
  alive: boolean;
  closed: boolean;
}

const DEFAULT_MAX = 4 * 1024 * 1024;

export function createOpampServer<Ctx>(opts: OpampServerOptions<Ctx>): OpampServer {
  const paths = new Set(opts.paths ?? [OPAMP_DEFAULT_PATH]);
  const maxBytes = opts.maxMessageBytes ?? DEFAULT_MAX;
  const keepAliveMs = opts.httpKeepAliveMs ?? 65_000;
  const pingMs = opts.wsPingIntervalMs ?? 30_000;
  const gzipMin = opts.httpGzipMinBytes ?? 512;
  const maxQueued = Math.max(1, opts.wsMaxQueuedMessages ?? 32);
  const log = throttledLogger(opts.logger);
  const live = new Set<WsConnection<Ctx>>();
  let closing = false;

  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: maxBytes,
    clientTracking: false,
    perMessageDeflate:
      opts.perMessageDeflate === undefined || opts.perMessageDeflate === true
        ? { serverNoContextTakeover: true, clientNoContextTakeover: true, threshold: 1024, concurrencyLimit: 10 }
        : opts.perMessageDeflate,
  });

  const pingTimer =
    pingMs > 0
      ? setInterval(() => {
          for (const c of live) {
            if (!c.alive) {
              c.ws.terminate();
              continue;
            }
            c.alive = false;
            try {
              c.ws.ping();
            } catch {
              /* socket already going away; close handler cleans up */
            }
          }
        }, pingMs)
      : undefined;
  pingTimer?.unref();

  function ours(req: http.IncomingMessage): boolean {
    const url = req.url ?? '';
    const q = url.indexOf('?');
    return paths.has(q === -1 ? url : url.slice(0, q));
  }

  function protocolError(info: ProtocolErrorInfo<Ctx>, extra: object = {}): void {
    log.warn(
      {
        transport: info.transport,
        remoteAddress: info.remoteAddress,
        reason: info.reason,
        connectionId: info.conn?.id,
        ...extra,
      },
      'opamp: refused agent input',
    );
    if (opts.onProtocolError) {
      try {
        opts.onProtocolError(info);
      } catch (err) {
        log.warn({ err: errText(err) }, 'opamp: onProtocolError threw');
      }
    }
  }

  async function runAdmission(req: http.IncomingMessage): Promise<Admission<Ctx>> {
    try {
      return await opts.admit(req);
    } catch (err) {
      log.warn({ err: errText(err), remoteAddress: remote(req) }, 'opamp: admit() threw; answering 500');
      return { ok: false, status: 500, message: 'internal error' };
    }
  }

  /**
   * Builds the reply the agent gets: fills instance_uid and (optionally) capabilities. Never
   * mutates the application's object — it may be shared between agents (a cached config reply).
   */
  function finishReply(reply: ServerToAgent | undefined, instanceUid: Uint8Array): ServerToAgent {
    const out = reply ?? create(ServerToAgentSchema);
    const fillUid = out.instanceUid.length === 0;
    const fillCaps =
      opts.serverCapabilities !== undefined && out.errorResponse === undefined && out.capabilities === 0n;
    if (!fillUid && !fillCaps) return out;
    return {
      ...out,
      instanceUid: fillUid ? instanceUid : out.instanceUid,
      capabilities: fillCaps ? opts.serverCapabilities! : out.capabilities,
    };
  }

  // ------------------------------------------------------------------ WebSocket

  function handleUpgrade(req: http.IncomingMessage, socket: Duplex, head: Buffer): boolean {
    if (!ours(req)) return false;
    socket.on('error', (err) =>
      log.debug?.({ err: errText(err), remoteAddress: remote(req) }, 'opamp: upgrade socket error'),
    );
    if (closing) {
      writeRawResponse(socket, 503, { 'Retry-After': '5' }, 'OpAMP server is shutting down');
      return true;
    }
    if ((req.headers.upgrade ?? '').toLowerCase() !== 'websocket') {
      protocolError({
        transport: 'websocket',
        remoteAddress: remote(req),
        reason: `unsupported upgrade ${JSON.stringify(req.headers.upgrade ?? '')}`,
      });
      writeRawResponse(socket, 400, {}, 'OpAMP: upgrade to "websocket", or POST application/x-protobuf');
      return true;
    }
    void runAdmission(req).then((admission) => {
      if (socket.destroyed) return;
      if (!admission.ok) {
        writeRawResponse(
          socket,
          admission.status,
          admission.headers ?? {},
          admission.message ?? http.STATUS_CODES[admission.status] ?? 'refused',
        );
        return;
      }
      if (closing) {
        writeRawResponse(socket, 503, { 'Retry-After': '5' }, 'OpAMP server is shutting down');
        return;
      }
      wss.handleUpgrade(req, socket, head, (ws) => acceptWs(ws, req, admission.context));
    });
    return true;
  }

  function probeWs(conn: WsConnection<Ctx>, timeoutMs: number): Promise<boolean> {
    if (conn.closed) return Promise.resolve(false);
    return new Promise((resolve) => {
      const done = (alive: boolean) => {
        clearTimeout(timer);
        conn.ws.off('pong', onPong);
        conn.ws.off('close', onClose);
        resolve(alive);
      };
      const onPong = () => done(true);
      const onClose = () => done(false);
      const timer = setTimeout(() => done(false), timeoutMs);
      conn.ws.on('pong', onPong);
      conn.ws.on('close', onClose);
      try {
        conn.ws.ping();
      } catch {
        done(false);
      }
    });
  }

  function acceptWs(ws: WebSocket, req: http.IncomingMessage, context: Ctx): void {
    const conn: WsConnection<Ctx> = {
      id: randomUUID(),
      transport: 'websocket',
      remoteAddress: remote(req),
      connectedAt: new Date(),
      context,
      ws,
      queue: Promise.resolve(),
      queued: 0,
      alive: true,
      closed: false,
      send: (msg) => sendWs(conn, msg),
      probe: (timeoutMs) => probeWs(conn, timeoutMs),
      close: (code = 1000, reason = '') => {
        try {
          ws.close(code, reason);
        } catch {
          ws.terminate();
        }
      },
    };
    live.add(conn);
    ws.on('pong', () => {
      conn.alive = true;
    });
    ws.on('message', (data, isBinary) => onWsMessage(conn, data, isBinary));
    ws.on('error', (err: Error & { code?: string }) => {
      // ws reports protocol violations (e.g. WS_ERR_UNSUPPORTED_MESSAGE_LENGTH → 1009) here and closes.
      protocolError(
        { transport: 'websocket', remoteAddress: conn.remoteAddress, reason: err.message, conn },
        { code: err.code },
      );
    });
    ws.on('close', (code, reason) => {
      conn.closed = true;
      live.delete(conn);
      if (opts.onClose) {
        try {
          opts.onClose(conn, { code, reason: reason.toString() });
        } catch (err) {
          log.warn({ err: errText(err), connectionId: conn.id }, 'opamp: onClose threw');
        }
      }
    });
    if (opts.onConnected) {
      try {
        opts.onConnected(conn);
      } catch (err) {
        log.warn({ err: errText(err), connectionId: conn.id }, 'opamp: onConnected threw');
      }
    }
  }

  function onWsMessage(conn: WsConnection<Ctx>, data: RawData, isBinary: boolean): void {
    if (conn.closed) return;
    if (!isBinary) {
      protocolError({
        transport: 'websocket',
        remoteAddress: conn.remoteAddress,
        reason: 'text frame; OpAMP messages must be binary',
        conn,
      });
      conn.close(1003, 'OpAMP requires binary frames');
      return;
    }
    const frame = plainBytes(data);
    conn.queued++;
    if (conn.queued >= maxQueued && !conn.ws.isPaused) conn.ws.pause();
    conn.queue = conn.queue
      .then(() => processWsFrame(conn, frame))
      .catch((err: unknown) => {
        // A reply racing a close is normal; anything else is worth a line.
        if (!conn.closed) log.warn({ err: errText(err), connectionId: conn.id }, 'opamp: failed to answer a message');
      })
      .finally(() => {
        conn.queued--;
        if (conn.queued < maxQueued / 2 && conn.ws.isPaused && !conn.closed) conn.ws.resume();
      });
  }

  async function processWsFrame(conn: WsConnection<Ctx>, frame: Uint8Array): Promise<void> {
    if (conn.closed) return;
    let msg: AgentToServer;
    try {
      msg = decodeWsFrame(AgentToServerSchema, frame).message;
    } catch (err) {
      const reason = err instanceof OpampDecodeError ? err.reason : 'undecodable frame';
      protocolError({ transport: 'websocket', remoteAddress: conn.remoteAddress, reason, conn });
      await sendWs(conn, errorReply(ServerErrorResponseType.ServerErrorResponseType_BadRequest, reason));
      return;
    }
    const problem = agentToServerProblem(msg);
    if (problem !== undefined) {
      protocolError({ transport: 'websocket', remoteAddress: conn.remoteAddress, reason: problem, conn });
      await sendWs(conn, errorReply(ServerErrorResponseType.ServerErrorResponseType_BadRequest, problem));
      return;
    }
    conn.instanceUid = msg.instanceUid.slice(); // copy: do not pin the whole frame
    let reply: ServerToAgent;
    try {
      reply = finishReply(await opts.onMessage(conn, msg), msg.instanceUid);
    } catch (err) {
      log.warn(
        { err: errText(err), connectionId: conn.id, remoteAddress: conn.remoteAddress },
        'opamp: onMessage threw; answering UNAVAILABLE',
      );
      reply = errorReply(
        ServerErrorResponseType.ServerErrorResponseType_Unavailable,
        'server error while processing the message',
        msg.instanceUid,
      );
    }
    await sendWs(conn, reply);
  }

  function sendWs(conn: WsConnection<Ctx>, msg: ServerToAgent): Promise<void> {
    if (msg.instanceUid.length === 0 && conn.instanceUid && msg.errorResponse === undefined)
      msg = { ...msg, instanceUid: conn.instanceUid };
    const bytes = encodeServerToAgentFrame(msg);
    return new Promise((resolve, reject) => {
      if (conn.closed || conn.ws.readyState !== conn.ws.OPEN) {
        reject(new Error('OpAMP WebSocket connection is closed'));
        return;
      }
      conn.ws.send(bytes, { binary: true }, (err) => (err ? reject(err) : resolve()));
    });
  }

  // ------------------------------------------------------------------ plain HTTP

  function handleHttp(req: http.IncomingMessage, res: http.ServerResponse): boolean {
    if (!ours(req)) return false;
    void serveHttp(req, res).catch((err: unknown) => {
      log.warn({ err: errText(err), remoteAddress: remote(req) }, 'opamp: HTTP request failed');
      if (!res.headersSent) sendText(res, 500, 'internal error');
      else res.destroy();
    });
    return true;
  }

  async function serveHttp(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const remoteAddress = remote(req);
    const refuse = (status: number, reason: string, headers: Record<string, string> = {}): void => {
      protocolError({ transport: 'http', remoteAddress, reason });
      sendText(res, status, reason, headers);
    };
    if (closing) return sendText(res, 503, 'OpAMP server is shutting down', { 'Retry-After': '5' });
    if (req.method !== 'POST') {
      return refuse(
        400,
        `OpAMP endpoint: ${req.method ?? '?'} is not supported; POST ${OPAMP_CONTENT_TYPE} or upgrade to WebSocket`,
        { Allow: 'POST' },
      );
    }
    const contentType = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
    if (contentType !== OPAMP_CONTENT_TYPE) {
      return refuse(
        415,
        `OpAMP over HTTP requires Content-Type: ${OPAMP_CONTENT_TYPE} (got ${JSON.stringify(contentType)})`,
      );
    }
    const encoding = (req.headers['content-encoding'] ?? 'identity').trim().toLowerCase();
    if (encoding !== 'identity' && encoding !== 'gzip' && encoding !== '') {
      return refuse(415, `unsupported Content-Encoding ${JSON.stringify(encoding)}; use gzip or identity`);
    }
    const declared = Number(req.headers['content-length'] ?? NaN);
    if (Number.isFinite(declared) && declared > maxBytes) {
      return refuse(413, `message of ${declared} bytes exceeds the ${maxBytes}-byte limit`, { Connection: 'close' });
    }

    const admission = await runAdmission(req);
    if (!admission.ok) {
      return sendText(
        res,
        admission.status,
        admission.message ?? http.STATUS_CODES[admission.status] ?? 'refused',
        admission.headers ?? {},
      );
    }

    const raw = await readBody(req, maxBytes);
    if (raw === 'too-large') return refuse(413, `message exceeds the ${maxBytes}-byte limit`, { Connection: 'close' });
    if (raw === 'aborted') return;
    let body: Uint8Array = raw;
    if (encoding === 'gzip') {
      try {
        body = plainBytes(await gunzip(raw, { maxOutputLength: maxBytes }));
      } catch (err) {
        if ((err as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') {
          return refuse(413, `decompressed message exceeds the ${maxBytes}-byte limit`, { Connection: 'close' });
        }
        return badRequest(`invalid gzip body: ${errText(err)}`);
      }
    }

    let msg: AgentToServer;
    try {
      msg = decodeHttpBody(AgentToServerSchema, body);
    } catch (err) {
      return badRequest(err instanceof OpampDecodeError ? err.reason : 'undecodable body');
    }
    const problem = agentToServerProblem(msg);
    if (problem !== undefined) return badRequest(problem);

    let closeAfter = false;
    const conn: OpampConnection<Ctx> = {
      id: randomUUID(),
      transport: 'http',
      remoteAddress,
      connectedAt: new Date(),
      context: admission.context,
      instanceUid: msg.instanceUid.slice(),
      send: () => Promise.reject(new Error('plain-HTTP agents are answered only through the onMessage return value')),
      probe: async () => true,
      close: () => {
        closeAfter = true;
      },
    };
    let reply: ServerToAgent;
    let status = 200;
    try {
      reply = finishReply(await opts.onMessage(conn, msg), msg.instanceUid);
    } catch (err) {
      log.warn({ err: errText(err), remoteAddress }, 'opamp: onMessage threw; answering UNAVAILABLE');
      reply = errorReply(
        ServerErrorResponseType.ServerErrorResponseType_Unavailable,
        'server error while processing the message',
        msg.instanceUid,
      );
      status = 500;
    }
    await sendProto(req, res, status, reply, closeAfter ? { Connection: 'close' } : {});

    async function badRequest(reason: string): Promise<void> {
      protocolError({ transport: 'http', remoteAddress, reason });
      await sendProto(
        req,
        res,
        400,
        errorReply(ServerErrorResponseType.ServerErrorResponseType_BadRequest, reason),
        {},
      );
    }
  }

  async function sendProto(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    status: number,
    msg: ServerToAgent,
    headers: Record<string, string>,
  ): Promise<void> {
    let bytes: Uint8Array = toBinary(ServerToAgentSchema, msg);
    const out: Record<string, string | number> = {
      'Content-Type': OPAMP_CONTENT_TYPE,
      Vary: 'Accept-Encoding',
      ...headers,
    };
    if (bytes.length >= gzipMin && acceptsGzip(req.headers['accept-encoding'])) {
      bytes = await gzip(bytes);
      out['Content-Encoding'] = 'gzip';
    }
    out['Content-Length'] = bytes.length;
    if (res.destroyed) return;
    res.writeHead(status, out);
    res.end(bytes);
  }

  // ------------------------------------------------------------------ mounting

  function attach(server: http.Server): void {
    server.keepAliveTimeout = keepAliveMs;
    // headersTimeout must outlast keepAliveTimeout or idle keep-alive sockets race with it.
    server.headersTimeout = Math.max(server.headersTimeout, keepAliveMs + 5_000);
    const prevRequest = server.listeners('request') as Array<
      (req: http.IncomingMessage, res: http.ServerResponse) => void
    >;
    const prevUpgrade = server.listeners('upgrade') as Array<
      (req: http.IncomingMessage, socket: Duplex, head: Buffer) => void
    >;
    server.removeAllListeners('request');
    server.removeAllListeners('upgrade');
    server.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
      if (handleHttp(req, res)) return;
      if (prevRequest.length === 0) return sendText(res, 404, 'not found');
      for (const l of prevRequest) l.call(server, req, res);
    });
    server.on('upgrade', (req: http.IncomingMessage, socket: Duplex, head: Buffer) => {
      if (handleUpgrade(req, socket, head)) return;
      if (prevUpgrade.length === 0) {
        socket.on('error', () => {});
        return writeRawResponse(socket, 404, {}, 'not found');
      }
      for (const l of prevUpgrade) l.call(server, req, socket, head);
    });
  }

  async function listen(port: number, host?: string): Promise<{ port: number; close(): Promise<void> }> {
    const server = http.createServer();
    attach(server);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    return {
      port: (server.address() as AddressInfo).port,
      close: async () => {
        await close();
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        });
      },
    };
  }

  async function close(): Promise<void> {
    closing = true;
    if (pingTimer) clearInterval(pingTimer);
    const waits = [...live].map(
      (c) =>
        new Promise<void>((resolve) => {
          if (c.closed) return resolve();
          c.ws.once('close', () => resolve());
          c.close(1001, 'server shutting down');
          setTimeout(() => {
            c.ws.terminate();
            resolve();
          }, 2_000).unref();
        }),
    );
    await Promise.all(waits);
    await new Promise<void>((resolve) => wss.close(() => resolve()));
  }

  return { handleUpgrade, handleHttp, attach, listen, connections: () => live.size, close };
}

// ------------------------------------------------------------------ helpers

function errorReply(type: ServerErrorResponseType, message: string, instanceUid?: Uint8Array): ServerToAgent {
  return create(ServerToAgentSchema, {
    instanceUid: instanceUid ?? new Uint8Array(0),
    errorResponse: { type, errorMessage: message },
  });
}

function remote(req: http.IncomingMessage): string {
  return req.socket.remoteAddress ?? '';
}

function errText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * A plain Uint8Array view (no copy) of what ws or http handed us, so decoded bytes fields are
 * Uint8Array like everywhere else rather than Buffer.
 */
function plainBytes(data: RawData | Buffer): Uint8Array {
  if (Array.isArray(data)) data = Buffer.concat(data);
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

/** True when Accept-Encoding lists gzip (or *) with a non-zero q. */
export function acceptsGzip(header: string | undefined): boolean {
  if (!header) return false;
  for (const part of header.split(',')) {
    const [token, ...params] = part.trim().toLowerCase().split(';');
    if (token !== 'gzip' && token !== '*') continue;
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    if (q === undefined || Number(q.slice(2)) > 0) return true;
  }
  return false;
}

function sendText(res: http.ServerResponse, status: number, text: string, headers: Record<string, string> = {}): void {
  if (res.headersSent || res.destroyed) return;
  const body = Buffer.from(text + '\n', 'utf8');
  res.writeHead(status, {
    ...safeHeaders(headers),
    'Content-Type': 'text/plain; charset=utf-8',
    'Content-Length': body.length,
  });
  res.end(body);
}

/** Writes a complete HTTP/1.1 response on a socket that never became a WebSocket, then ends it. */
function writeRawResponse(socket: Duplex, status: number, headers: Record<string, string>, text: string): void {
  if (socket.destroyed) return;
  const body = Buffer.from(text + '\n', 'utf8');
  const lines = [
    `HTTP/1.1 ${status} ${http.STATUS_CODES[status] ?? 'Unknown'}`,
    'Connection: close',
    'Content-Type: text/plain; charset=utf-8',
    `Content-Length: ${body.length}`,
  ];
  for (const [k, v] of Object.entries(safeHeaders(headers))) lines.push(`${k}: ${v}`);
  socket.end(Buffer.concat([Buffer.from(lines.join('\r\n') + '\r\n\r\n', 'latin1'), body]));
  // end() flushes; destroy shortly after in case the peer never reads.
  setTimeout(() => socket.destroy(), 1_000).unref();
}

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const MANAGED = new Set(['connection', 'content-length', 'content-type', 'transfer-encoding']);

/** Drops headers an admission hook must not set (framing headers) or that could split the response. */
function safeHeaders(headers: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) {
    if (!TOKEN.test(k) || MANAGED.has(k.toLowerCase()) || /[\r\n\0]/.test(String(v))) continue;
    out[k] = String(v);
  }
  return out;
}

/** Reads a request body up to `max` bytes; stops reading (and reports) as soon as it is over. */
function readBody(req: http.IncomingMessage, max: number): Promise<Uint8Array | 'too-large' | 'aborted'> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const finish = (v: Uint8Array | 'too-large' | 'aborted'): void => {
      if (done) return;
      done = true;
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onAbort);
      req.off('aborted', onAbort);
      resolve(v);
    };
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > max) {
        chunks.length = 0;
        req.pause();
        finish('too-large');
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = (): void => finish(plainBytes(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)));
    const onAbort = (): void => finish('aborted');
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onAbort);
    req.on('aborted', onAbort);
  });
}

/**
 * Limits warn-level log lines to a burst of 20 plus 5 per second, so a peer that floods bad
 * frames cannot flood the log; the next line that gets through says how many were dropped.
 */
function throttledLogger(logger: OpampLogger | undefined): Required<OpampLogger> {
  let tokens = 20;
  let last = Date.now();
  let suppressed = 0;
  return {
    warn(obj, msg) {
      if (!logger) return;
      const now = Date.now();
      tokens = Math.min(20, tokens + ((now - last) / 1000) * 5);
      last = now;
      if (tokens < 1) {
        suppressed++;
        return;
      }
      tokens--;
      logger.warn(suppressed > 0 ? { ...obj, suppressedSinceLast: suppressed } : obj, msg);
      suppressed = 0;
    },
    debug(obj, msg) {
      logger?.debug?.(obj, msg);
    },
  };
}
