// A local stand-in for Google Cloud Monitoring and Cloud Logging (the real APIs cannot be reached from
// here): gRPC over HTTP/2 with TLS, as the googlecloud exporter speaks it. It checks what the real
// services check first: a bearer token (a JWT signed with the test's service-account key and issued to
// its client_email — the Google client libraries sign one themselves for service-account keys — or a
// token from the local OAuth token stand-in), the project in the request, and bodies that decode as
// CreateTimeSeriesRequest / WriteLogEntriesRequest. Anything else answers UNAUTHENTICATED or
// INVALID_ARGUMENT like the real service.
import { spawnSync } from 'node:child_process';
import { generateKeyPairSync, createVerify, randomBytes, type KeyObject } from 'node:crypto';
import { createServer as createHttpServer, type Server } from 'node:http';
import {
  createSecureServer,
  type Http2SecureServer,
  type ServerHttp2Stream,
  type IncomingHttpHeaders,
} from 'node:http2';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { decodeMessage, double, message, messages, string, stringMap, varint } from './protobuf-wire.ts';

/** A throwaway CA and a server certificate for 127.0.0.1 (openssl); the collector trusts it via SSL_CERT_FILE. */
export function makeTls(dir: string): { caFile: string; key: Buffer; cert: Buffer } {
  const run = (args: string[]) => {
    const r = spawnSync('openssl', args, { cwd: dir, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`openssl ${args[0]}: ${r.stderr}`);
  };
  writeFileSync(join(dir, 'san.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
  run([
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    'ca.key',
    '-out',
    'ca.pem',
    '-days',
    '1',
    '-subj',
    '/CN=flowgate-e2e-ca',
  ]);
  run(['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'srv.key', '-out', 'srv.csr', '-subj', '/CN=127.0.0.1']);
  run([
    'x509',
    '-req',
    '-in',
    'srv.csr',
    '-CA',
    'ca.pem',
    '-CAkey',
    'ca.key',
    '-CAcreateserial',
    '-out',
    'srv.pem',
    '-days',
    '1',
    '-extfile',
    'san.ext',
  ]);
  return {
    caFile: join(dir, 'ca.pem'),
    key: readFileSync(join(dir, 'srv.key')),
    cert: readFileSync(join(dir, 'srv.pem')),
  };
}

export interface ServiceAccount {
  file: string;
  clientEmail: string;
  publicKey: KeyObject;
}

/** A fake service-account key file (fresh RSA key) whose token_uri is the local token stand-in. */
export function makeServiceAccount(dir: string, project: string, tokenUri: string): ServiceAccount {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const clientEmail = `gateway@${project}.iam.gserviceaccount.com`;
  const file = join(dir, 'service-account.json');
  writeFileSync(
    file,
    JSON.stringify({
      type: 'service_account',
      project_id: project,
      private_key_id: randomBytes(8).toString('hex'),
      private_key: privateKey.export({ type: 'pkcs8', format: 'pem' }),
      client_email: clientEmail,
      client_id: '100000000000000000001',
      token_uri: tokenUri,
    }),
    { mode: 0o600 },
  );
  return { file, clientEmail, publicKey };
}

export interface GoogleTimeSeries {
  project: string;
  metricType: string;
  labels: Record<string, string>;
  resourceType: string;
  metricKind: number;
  values: (number | null)[];
}
export interface GoogleCall {
  method: string;
  status: number;
  reason: string;
  auth: 'jwt' | 'oauth-token' | 'none' | 'invalid';
}

export interface GoogleCloudStandin {
  endpoint: string;
  tokenUri: string;
  calls: GoogleCall[];
  timeSeries: GoogleTimeSeries[];
  logEntries: { logName: string; text: string }[];
  /** Call once the service account exists: tokens are checked against its key. */
  trust(account: ServiceAccount): void;
  close(): Promise<void>;
}

function grpcMessages(body: Buffer, encoding: string | undefined): Buffer[] {
  const out: Buffer[] = [];
  for (let at = 0; at < body.length;) {
    if (at + 5 > body.length) throw new Error('truncated gRPC frame');
    const compressed = body[at]! & 1;
    const len = body.readUInt32BE(at + 1);
    let data = body.subarray(at + 5, at + 5 + len);
    if (data.length !== len) throw new Error('truncated gRPC message');
    if (compressed) {
      if (encoding !== 'gzip') throw new Error(`unsupported grpc-encoding ${encoding}`);
      data = gunzipSync(data);
    }
    out.push(Buffer.from(data));
    at += 5 + len;
  }
  return out;
}

export async function startGoogleCloud(opts: {
  project: string;
  key: Buffer;
  cert: Buffer;
}): Promise<GoogleCloudStandin> {
  const calls: GoogleCall[] = [];
  const timeSeries: GoogleTimeSeries[] = [];
  const logEntries: GoogleCloudStandin['logEntries'] = [];
  const issued = new Set<string>();
  let account: ServiceAccount | null = null;

  // OAuth token stand-in (the JWT-bearer grant a service-account key uses when it does not self-sign).
  const tokenServer: Server = createHttpServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      const assertion = new URLSearchParams(body).get('assertion');
      if (!assertion || verifyJwt(assertion) !== 'jwt') {
        res.writeHead(400, { 'content-type': 'application/json' });
        return res.end('{"error":"invalid_grant"}');
      }
      const token = `ya29.e2e-${randomBytes(12).toString('hex')}`;
      issued.add(token);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ access_token: token, token_type: 'Bearer', expires_in: 3600 }));
    });
  });
  await new Promise<void>((r) => tokenServer.listen(0, '127.0.0.1', () => r()));

  function verifyJwt(jwt: string): GoogleCall['auth'] {
    const parts = jwt.split('.');
    if (parts.length !== 3 || !account) return 'invalid';
    const [h, p, sig] = parts as [string, string, string];
    const header = JSON.parse(Buffer.from(h, 'base64url').toString('utf8')) as { alg?: string };
    const claims = JSON.parse(Buffer.from(p, 'base64url').toString('utf8')) as { iss?: string; exp?: number };
    const verifier = createVerify('RSA-SHA256');
    verifier.update(`${h}.${p}`);
    const ok =
      header.alg === 'RS256' &&
      verifier.verify(account.publicKey, Buffer.from(sig, 'base64url')) &&
      claims.iss === account.clientEmail &&
      typeof claims.exp === 'number' &&
      claims.exp * 1000 > Date.now();
    return ok ? 'jwt' : 'invalid';
  }
  function authOf(headers: IncomingHttpHeaders): GoogleCall['auth'] {
    const m = /^Bearer (.+)$/.exec(String(headers.authorization ?? ''));
    if (!m) return 'none';
    if (issued.has(m[1]!)) return 'oauth-token';
    return verifyJwt(m[1]!);
  }

  const server: Http2SecureServer = createSecureServer({ key: opts.key, cert: opts.cert });
  server.on('stream', (stream: ServerHttp2Stream, headers: IncomingHttpHeaders) => {
    const method = String(headers[':path'] ?? '');
    const chunks: Buffer[] = [];
    stream.on('data', (c: Buffer) => chunks.push(c));
    stream.on('end', () => {
      const auth = authOf(headers);
      const finish = (status: number, reason: string) => {
        calls.push({ method, status, reason, auth });
        stream.respond({ ':status': 200, 'content-type': 'application/grpc' }, { waitForTrailers: true });
        stream.on('wantTrailers', () =>
          stream.sendTrailers({
            'grpc-status': String(status),
            ...(status ? { 'grpc-message': encodeURIComponent(reason) } : {}),
          }),
        );
        // Every answer here is an empty message (google.protobuf.Empty, an empty MetricDescriptor, WriteLogEntriesResponse).
        stream.end(status === 0 ? Buffer.from([0, 0, 0, 0, 0]) : undefined);
      };
      if (auth !== 'jwt' && auth !== 'oauth-token') return finish(16, `UNAUTHENTICATED (${auth})`);
      let bodies: Buffer[];
      try {
        bodies = grpcMessages(Buffer.concat(chunks), headers['grpc-encoding'] as string | undefined);
      } catch (err) {
        return finish(3, (err as Error).message);
      }
      try {
        for (const b of bodies) {
          const req = decodeMessage(b);
          if (method === '/google.monitoring.v3.MetricService/CreateTimeSeries') {
            const name = string(req, 3);
            if (name !== `projects/${opts.project}`) return finish(7, `PERMISSION_DENIED on ${name}`);
            for (const ts of messages(req, 2)) {
              const metric = message(ts, 1) ?? new Map();
              const resource = message(ts, 2) ?? new Map();
              timeSeries.push({
                project: name,
                metricType: string(metric, 3),
                labels: stringMap(metric, 2),
                resourceType: string(resource, 1),
                metricKind: Number(varint(ts, 3)),
                values: messages(ts, 5).map((pt) => {
                  const v = message(pt, 2) ?? new Map();
                  // TypedValue: int64_value = 2 (varint), double_value = 3 (fixed64)
                  return v.has(2) ? Number(BigInt.asIntN(64, varint(v, 2))) : double(v, 3);
                }),
              });
            }
          } else if (method === '/google.monitoring.v3.MetricService/CreateMetricDescriptor') {
            if (string(req, 3) !== `projects/${opts.project}`) return finish(7, 'PERMISSION_DENIED');
          } else if (method === '/google.logging.v2.LoggingServiceV2/WriteLogEntries') {
            for (const e of messages(req, 4)) {
              const logName = string(e, 12) || string(req, 1);
              if (!logName.startsWith(`projects/${opts.project}/logs/`))
                return finish(7, `PERMISSION_DENIED on ${logName}`);
              logEntries.push({ logName, text: string(e, 3) });
            }
          } else return finish(12, `UNIMPLEMENTED ${method}`);
        }
      } catch (err) {
        return finish(3, `INVALID_ARGUMENT: ${(err as Error).message}`);
      }
      finish(0, 'ok');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as { port: number }).port;
  const tokenPort = (tokenServer.address() as { port: number }).port;
  return {
    endpoint: `127.0.0.1:${port}`,
    tokenUri: `http://127.0.0.1:${tokenPort}/token`,
    calls,
    timeSeries,
    logEntries,
    trust(a) {
      account = a;
    },
    async close() {
      await new Promise<void>((r) => server.close(() => r()));
      await new Promise<void>((r) => tokenServer.close(() => r()));
    },
  };
}
