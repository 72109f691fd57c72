// The one way Flowgate calls out to other servers (usage connectors now; webhooks and the AI endpoint
// later). Every request:
//   - is http or https, a GET or POST with a deadline for the whole exchange (connect, headers, body);
//   - reads at most `maxBytes` of the answer;
//   - follows no redirect (a 3xx is an error naming the Location), so a public URL cannot bounce the
//     server into the private network;
//   - refuses private, loopback, link-local, multicast and other special addresses unless the instance
//     allows them (FLOWGATE_ALLOW_PRIVATE_TARGETS=true). The check is on the resolved address the socket
//     connects to (our own `lookup`), not on the name, so DNS answers cannot smuggle a private target in.
import http from 'node:http';
import https from 'node:https';
import { BlockList, isIP, type LookupFunction } from 'node:net';
import { lookup as dnsLookup } from 'node:dns';

export type OutboundErrorCode =
  | 'OUTBOUND_TARGET_FORBIDDEN'
  | 'OUTBOUND_TIMEOUT'
  | 'OUTBOUND_UNREACHABLE'
  | 'OUTBOUND_RESPONSE_TOO_LARGE'
  | 'OUTBOUND_REDIRECT';

export class OutboundError extends Error {
  constructor(
    readonly code: OutboundErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export interface OutboundRequest {
  url: string;
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
  /** Deadline for the whole exchange. */
  timeoutMs?: number;
  /** Largest answer read; past it the request fails with OUTBOUND_RESPONSE_TOO_LARGE. */
  maxBytes?: number;
}

export interface OutboundResponse {
  status: number;
  contentType: string;
  body: Buffer;
}

export interface Outbound {
  request(req: OutboundRequest): Promise<OutboundResponse>;
  /** Throws OUTBOUND_TARGET_FORBIDDEN for a URL that may never be called (scheme, literal private address). */
  checkUrl(url: string): URL;
}

export const DEFAULT_TIMEOUT_MS = 15_000;
export const DEFAULT_MAX_BYTES = 32 * 1024 * 1024;

const special = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const)
  special.addSubnet(net, prefix, 'ipv4');
for (const [net, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
  ['64:ff9b::', 96],
  ['2001:db8::', 32],
] as const)
  special.addSubnet(net, prefix, 'ipv6');

/** Private, loopback, link-local, multicast, documentation or otherwise not a public unicast address. */
export function isSpecialAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return special.check(address, 'ipv4');
  if (family === 6) {
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
    if (mapped) return special.check(mapped[1]!, 'ipv4');
    return special.check(address, 'ipv6');
  }
  return true;
}

const forbidden = (host: string, address: string) =>
  new OutboundError(
    'OUTBOUND_TARGET_FORBIDDEN',
    `${host} resolves to ${address}, a private, loopback or link-local address: this Flowgate does not call ` +
      'such targets (an administrator can allow them with FLOWGATE_ALLOW_PRIVATE_TARGETS=true)',
  );

export function createOutbound(opts: { allowPrivateTargets: boolean; timeoutMs?: number }): Outbound {
  const allow = opts.allowPrivateTargets;

  const checkedLookup: LookupFunction = (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return callback(err, '', 4);
      const list = addresses as { address: string; family: number }[];
      const bad = allow ? undefined : list.find((a) => isSpecialAddress(a.address));
      if (bad) return callback(forbidden(hostname, bad.address) as NodeJS.ErrnoException, '', 4);
      if ((options as { all?: boolean }).all)
        return (callback as unknown as (e: null, a: typeof list) => void)(null, list);
      callback(null, list[0]!.address, list[0]!.family);
    });
  };

  function checkUrl(raw: string): URL {
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      throw new OutboundError('OUTBOUND_TARGET_FORBIDDEN', `"${raw}" is not a URL`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:')
      throw new OutboundError('OUTBOUND_TARGET_FORBIDDEN', `only http and https URLs are called, not ${url.protocol}`);
    if (url.username || url.password)
      throw new OutboundError(
        'OUTBOUND_TARGET_FORBIDDEN',
        'credentials in the URL are not accepted: use a token secret',
      );
    const host = url.hostname.replace(/^\[|\]$/g, '');
    if (!allow && (isIP(host) ? isSpecialAddress(host) : host === 'localhost' || host.endsWith('.localhost')))
      throw forbidden(host, host);
    return url;
  }

  async function request(req: OutboundRequest): Promise<OutboundResponse> {
    const url = checkUrl(req.url);
    const timeoutMs = req.timeoutMs ?? opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const maxBytes = req.maxBytes ?? DEFAULT_MAX_BYTES;
    const client = url.protocol === 'https:' ? https : http;
    return new Promise<OutboundResponse>((resolve, reject) => {
      let settled = false;
      const finish = (err: Error | null, res?: OutboundResponse) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if (err) reject(err);
        else resolve(res!);
      };
      const r = client.request(
        url,
        {
          method: req.method ?? 'GET',
          headers: { 'user-agent': 'flowgate', accept: 'application/json', ...req.headers },
          lookup: checkedLookup,
        },
        (res) => {
          const status = res.statusCode ?? 0;
          if (status >= 300 && status < 400) {
            res.resume();
            r.destroy();
            return finish(
              new OutboundError(
                'OUTBOUND_REDIRECT',
                `${url.origin} answered ${status} redirecting to ${res.headers.location ?? '(no Location)'}: ` +
                  'redirects are not followed; use the final URL',
              ),
            );
          }
          const declared = Number(res.headers['content-length'] ?? NaN);
          const tooLarge = () =>
            new OutboundError('OUTBOUND_RESPONSE_TOO_LARGE', `${url.origin} answered more than ${maxBytes} bytes`);
          if (declared > maxBytes) {
            r.destroy();
            return finish(tooLarge());
          }
          const chunks: Buffer[] = [];
          let size = 0;
          res.on('data', (c: Buffer) => {
            size += c.length;
            if (size > maxBytes) {
              r.destroy();
              finish(tooLarge());
            } else chunks.push(c);
          });
          res.on('end', () =>
            finish(null, {
              status,
              contentType: String(res.headers['content-type'] ?? ''),
              body: Buffer.concat(chunks),
            }),
          );
          res.on('error', (err) => finish(unreachable(url, err)));
        },
      );
      const timer = setTimeout(() => {
        r.destroy();
        finish(new OutboundError('OUTBOUND_TIMEOUT', `${url.origin} did not answer within ${timeoutMs / 1000} s`));
      }, timeoutMs);
      r.on('error', (err) => finish(err instanceof OutboundError ? err : unreachable(url, err)));
      if (req.body !== undefined) r.write(req.body);
      r.end();
    });
  }

  return { request, checkUrl };
}

function unreachable(url: URL, err: Error): OutboundError {
  if (err instanceof OutboundError) return err;
  const code = (err as NodeJS.ErrnoException).code;
  return new OutboundError('OUTBOUND_UNREACHABLE', `${url.origin} could not be reached: ${code ?? err.message}`);
}
