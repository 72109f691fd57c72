import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { createOutbound, isSpecialAddress, OutboundError } from './outbound.ts';

const servers: Server[] = [];
after(() => servers.forEach((s) => (s.closeAllConnections(), s.close())));
async function serve(handler: Parameters<typeof createServer>[1]): Promise<string> {
  const s = createServer(handler);
  servers.push(s);
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(s.address() as { port: number }).port}`;
}
const codeOf = (p: Promise<unknown>) =>
  p.then(
    () => 'no error',
    (e: unknown) => (e instanceof OutboundError ? e.code : String(e)),
  );

test('private, loopback, link-local and special addresses are recognised (IPv4, IPv6, mapped)', () => {
  for (const a of [
    '127.0.0.1',
    '10.1.2.3',
    '172.20.0.1',
    '192.168.1.1',
    '169.254.169.254',
    '100.64.0.1',
    '0.0.0.0',
    '224.0.0.1',
    '::1',
    'fe80::1',
    'fd00::1',
    '::ffff:127.0.0.1',
    '::ffff:10.0.0.1',
  ])
    assert.equal(isSpecialAddress(a), true, a);
  for (const a of ['8.8.8.8', '1.1.1.1', '151.101.1.69', '2606:4700:4700::1111', '::ffff:8.8.8.8'])
    assert.equal(isSpecialAddress(a), false, a);
});

test('refused without the instance allowing private targets: literal addresses, localhost, non-http schemes', async () => {
  const strict = createOutbound({ allowPrivateTargets: false });
  for (const url of [
    'http://127.0.0.1:9/',
    'http://[::1]:9/',
    'http://localhost:9/',
    'http://169.254.169.254/',
    'ftp://example.test/',
    'gopher://x/',
  ])
    assert.equal(await codeOf(strict.request({ url })), 'OUTBOUND_TARGET_FORBIDDEN', url);
});

test('no redirects, a size limit and a deadline', async () => {
  const allowed = createOutbound({ allowPrivateTargets: true });
  const redirect = await serve((_q, r) => (r.writeHead(301, { location: 'http://10.0.0.1/' }), r.end()));
  assert.equal(await codeOf(allowed.request({ url: redirect })), 'OUTBOUND_REDIRECT');
  const big = await serve((_q, r) => {
    r.writeHead(200, { 'content-type': 'application/json' });
    r.end('x'.repeat(64 * 1024));
  });
  assert.equal(await codeOf(allowed.request({ url: big, maxBytes: 1024 })), 'OUTBOUND_RESPONSE_TOO_LARGE');
  assert.equal((await allowed.request({ url: big, maxBytes: 128 * 1024 })).body.length, 64 * 1024);
  const silent = await serve(() => undefined);
  assert.equal(await codeOf(allowed.request({ url: silent, timeoutMs: 300 })), 'OUTBOUND_TIMEOUT');
  assert.equal(await codeOf(allowed.request({ url: 'http://127.0.0.1:1/' })), 'OUTBOUND_UNREACHABLE');
});
