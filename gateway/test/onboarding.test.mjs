// Tests of the gateway onboarding scripts (onboard.sh, heartbeat.sh, docker-entrypoint.sh)
// against a fake Flowgate backend on 127.0.0.1 and stub binaries, plus, when
// `npm run gateway:build` has produced them, checks of the rendered configs with the real
// collector.
//
// Run: node --test gateway/test/
import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import process from 'node:process';
import { setTimeout } from 'node:timers';
import net from 'node:net';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';

const GATEWAY_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const REAL_COLLECTOR = path.join(GATEWAY_DIR, 'dist', 'otelcol-flowgate');
const REAL_SUPERVISOR = path.join(GATEWAY_DIR, 'dist', 'opampsupervisor');
const HAVE_REAL_COLLECTOR = fs.existsSync(REAL_COLLECTOR);
const HAVE_REAL_BINARIES = HAVE_REAL_COLLECTOR && fs.existsSync(REAL_SUPERVISOR);
// The scripts are POSIX sh; run them with dash when it is there, as Debian's /bin/sh would.
const SH = ['/usr/bin/dash', '/bin/dash'].find((p) => fs.existsSync(p)) ?? '/bin/sh';

/** A fake backend: registration and heartbeat endpoints, recording every request. */
function startBackend() {
  const state = { requests: [], registerStatus: 201, heartbeatStatus: 200 };
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      state.requests.push({ method: req.method, url: req.url, headers: req.headers, body });
      const reply = (status, obj) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(obj));
      };
      if (req.method === 'POST' && req.url === '/api/v1/gateways') {
        if (req.headers.authorization !== 'Bearer reg-token-1')
          return reply(401, { error: 'invalid registration token' });
        if (state.registerStatus !== 201) return reply(state.registerStatus, { error: 'nope' });
        const { name, instance_id: instanceId } = JSON.parse(body);
        return reply(201, {
          id: 'gw-uuid-1',
          name,
          instance_id: instanceId,
          status: 'registered',
          opamp_token: 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJndyJ9.sig-_1',
          opamp_endpoint: `ws://127.0.0.1:${state.port}/v1/opamp`,
        });
      }
      if (req.method === 'POST' && req.url.startsWith('/api/v1/opamp/heartbeat/')) {
        return reply(state.heartbeatStatus, { status: 'ok' });
      }
      reply(404, { error: 'not found' });
    });
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      state.port = server.address().port;
      state.url = `http://127.0.0.1:${state.port}`;
      resolve({ state, close: () => new Promise((r) => server.close(r)) });
    });
  });
}

/** Runs a gateway script; resolves with {code, stdout, stderr}. */
function runScript(script, env, args = []) {
  return new Promise((resolve) => {
    execFile(
      SH,
      [path.join(GATEWAY_DIR, script), ...args],
      { env: { PATH: process.env.PATH, ...env }, timeout: 30_000 },
      (err, stdout, stderr) => {
        resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
      },
    );
  });
}

/** A free TCP port on 127.0.0.1. */
function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/** Whether something listens on 127.0.0.1:port. */
function portInUse(port) {
  return new Promise((resolve) => {
    const sock = net.connect(port, '127.0.0.1');
    sock.once('connect', () => {
      sock.destroy();
      resolve(true);
    });
    sock.once('error', () => resolve(false));
  });
}

function mode(file) {
  return fs.statSync(file).mode & 0o777;
}

describe('gateway onboarding scripts', () => {
  let backend;
  let tmp;
  let stubs;

  before(async () => {
    backend = await startBackend();
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'flowgate-onboard-'));
    // Stub binaries: the supervisor records its arguments; the collector answers --version.
    stubs = path.join(tmp, 'bin');
    fs.mkdirSync(stubs);
    fs.writeFileSync(path.join(stubs, 'opampsupervisor'), '#!/bin/sh\nprintf "%s\\n" "$@" > "$STUB_ARGS_FILE"\n', {
      mode: 0o755,
    });
    fs.writeFileSync(
      path.join(stubs, 'otelcol-flowgate'),
      '#!/bin/sh\nif [ "$1" = --version ]; then echo "otelcol-flowgate version 0.158.0"; exit 0; fi\n' +
        'printf "%s\\n" "$@" > "$STUB_ARGS_FILE"\n',
      { mode: 0o755 },
    );
  });

  after(async () => {
    await backend.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  const baseEnv = (storage, extra = {}) => ({
    STORAGE_DIR: storage,
    COLLECTOR_BIN: path.join(stubs, 'otelcol-flowgate'),
    SUPERVISOR_BIN: path.join(stubs, 'opampsupervisor'),
    STUB_ARGS_FILE: path.join(storage, '..', `${path.basename(storage)}.args`),
    BACKEND_URL: backend.state.url,
    ONBOARD_RETRIES: '2',
    ONBOARD_RETRY_DELAY: '0',
    ...extra,
  });

  const registers =
    'registers with the registration token, stores the OpAMP token and execs the supervisor with the rendered config';
  test(registers, async () => {
    const storage = path.join(tmp, 'gw1');
    const env = baseEnv(storage, {
      REGISTRATION_TOKEN: 'reg-token-1',
      INSTANCE_ID: 'gateway-1',
      GATEWAY_NAME: 'Edge "EU" 1'.replace(/"/g, ''),
    });
    backend.state.requests = [];
    const res = await runScript('onboard.sh', env);
    assert.equal(res.code, 0, res.stderr);

    const reg = backend.state.requests.find((r) => r.url === '/api/v1/gateways');
    assert.ok(reg, 'registration request sent');
    assert.equal(reg.headers.authorization, 'Bearer reg-token-1');
    const body = JSON.parse(reg.body);
    assert.equal(body.name, 'Edge EU 1');
    assert.equal(body.instance_id, 'gateway-1');
    assert.equal(typeof body.hostname, 'string');
    assert.equal(body.metadata.mode, 'supervisor');
    assert.equal(body.metadata.version, '0.158.0');

    const tokenFile = path.join(storage, 'opamp_token');
    assert.equal(fs.readFileSync(tokenFile, 'utf8').trim(), 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJndyJ9.sig-_1');
    assert.equal(mode(tokenFile), 0o600);
    assert.equal(res.stderr.includes('sig-_1'), false, 'the token is never logged');

    const config = path.join(storage, 'supervisor.yaml');
    assert.equal(mode(config), 0o600);
    const text = fs.readFileSync(config, 'utf8');
    assert.match(text, new RegExp(`endpoint: ws://127\\.0\\.0\\.1:${backend.state.port}/v1/opamp`));
    assert.match(text, /Authorization: \["Bearer eyJhbGciOiJIUzI1NiJ9\.eyJzdWIiOiJndyJ9\.sig-_1"\]/);
    assert.match(text, new RegExp(`directory: ${storage.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\n`));
    assert.match(text, /executable: \/.*\/collector-shim\.sh\n/);
    assert.match(text, /FLOWGATE_COLLECTOR_BIN: \/.*\/otelcol-flowgate\n/);
    assert.match(text, /- \/.*\/collector-base\.yaml\n/);
    assert.doesNotMatch(text, /\$\{[A-Z_]+\}/, 'no placeholder left');

    assert.deepEqual(fs.readFileSync(env.STUB_ARGS_FILE, 'utf8').trim().split('\n'), ['--config', config]);
  });

  test('a restart reuses the stored token without registering again', async () => {
    const storage = path.join(tmp, 'gw1');
    backend.state.requests = [];
    const res = await runScript(
      'onboard.sh',
      baseEnv(storage, { REGISTRATION_TOKEN: 'reg-token-1', OPAMP_SERVER_URL: 'http://127.0.0.1:1/v1/opamp' }),
    );
    assert.equal(res.code, 0, res.stderr);
    assert.equal(backend.state.requests.length, 0);
    const text = fs.readFileSync(path.join(storage, 'supervisor.yaml'), 'utf8');
    assert.match(
      text,
      /endpoint: http:\/\/127\.0\.0\.1:1\/v1\/opamp/,
      'OPAMP_SERVER_URL overrides the stored endpoint',
    );
    assert.match(fs.readFileSync(path.join(storage, 'instance_id'), 'utf8'), /^gateway-1$/m, 'instance id persisted');
  });

  test('COLLECTOR_BASE_CONFIG= (empty) leaves the base config out', async () => {
    const storage = path.join(tmp, 'gw-nobase');
    const res = await runScript(
      'onboard.sh',
      baseEnv(storage, { OPAMP_TOKEN: 't1', OPAMP_SERVER_URL: 'ws://127.0.0.1:1/v1/opamp', COLLECTOR_BASE_CONFIG: '' }),
      ['--no-exec'],
    );
    assert.equal(res.code, 0, res.stderr);
    const text = fs.readFileSync(path.join(storage, 'supervisor.yaml'), 'utf8');
    assert.doesNotMatch(text, /^\s+- .*(collector-base|COLLECTOR_BASE_CONFIG)/m);
    assert.match(text, /- \$OPAMP_EXTENSION_CONFIG\n/);
  });

  test('a rejected registration fails with the server message and stores nothing', async () => {
    const storage = path.join(tmp, 'gw-bad');
    const res = await runScript('onboard.sh', baseEnv(storage, { REGISTRATION_TOKEN: 'wrong' }));
    assert.equal(res.code, 1);
    assert.match(res.stderr, /registration rejected with HTTP 401: .*invalid registration token/);
    assert.equal(fs.existsSync(path.join(storage, 'opamp_token')), false);
  });

  test('an unreachable backend is retried, then fails', async () => {
    const storage = path.join(tmp, 'gw-down');
    const res = await runScript(
      'onboard.sh',
      baseEnv(storage, { REGISTRATION_TOKEN: 'reg-token-1', BACKEND_URL: 'http://127.0.0.1:1' }),
    );
    assert.equal(res.code, 1);
    assert.match(res.stderr, /attempt 2\/2/);
    assert.match(res.stderr, /registration failed after 2 attempts/);
  });

  test('the entrypoint refuses to start without any token', async () => {
    const storage = path.join(tmp, 'gw-none');
    const res = await runScript('docker-entrypoint.sh', baseEnv(storage));
    assert.equal(res.code, 1);
    assert.match(res.stderr, /Set REGISTRATION_TOKEN/);
  });

  test('extension mode renders a collector config with a persistent instance_uid and the right transport', async () => {
    const storage = path.join(tmp, 'gw-ext');
    const env = baseEnv(storage, {
      FLOWGATE_MODE: 'extension',
      OPAMP_TOKEN: 'ext-token',
      OPAMP_SERVER_URL: 'wss://cp.example.test/v1/opamp',
      INSTANCE_ID: 'edge-ext-1',
    });
    const first = await runScript('onboard.sh', env, ['--no-exec']);
    assert.equal(first.code, 0, first.stderr);
    const config = path.join(storage, 'collector.yaml');
    const text = fs.readFileSync(config, 'utf8');
    assert.match(
      text,
      /ws:\n\s+endpoint: wss:\/\/cp\.example\.test\/v1\/opamp\n\s+headers:\n\s+Authorization: "Bearer ext-token"/,
    );
    const uid = text.match(/instance_uid: ([0-9a-f-]{36})\n/)?.[1];
    assert.ok(uid, 'instance_uid is a UUID');

    const second = await runScript('onboard.sh', { ...env, OPAMP_SERVER_URL: 'http://127.0.0.1:4320/v1/opamp' }, [
      '--no-exec',
    ]);
    assert.equal(second.code, 0, second.stderr);
    const text2 = fs.readFileSync(config, 'utf8');
    assert.equal(text2.match(/instance_uid: (\S+)/)?.[1], uid, 'same instance_uid after a restart');
    assert.match(
      text2,
      /\bhttp:\n\s+endpoint: http:\/\/127\.0\.0\.1:4320\/v1\/opamp/,
      'http(s) URL selects the HTTP transport',
    );
    assert.doesNotMatch(text2, /^\s+ws:\s*$/m);
  });

  test('heartbeat.sh posts to the heartbeat endpoint with the stored OpAMP token', async () => {
    const storage = path.join(tmp, 'gw1');
    backend.state.requests = [];
    backend.state.heartbeatStatus = 200;
    const ok = await runScript('heartbeat.sh', baseEnv(storage), ['--once']);
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(ok.stderr, /HEARTBEAT ok \(gateway-1, HTTP 200\)/);
    const hb = backend.state.requests.find((r) => r.url === '/api/v1/opamp/heartbeat/gateway-1');
    assert.ok(hb);
    assert.equal(hb.headers.authorization, 'Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJndyJ9.sig-_1');

    backend.state.heartbeatStatus = 503;
    const bad = await runScript('heartbeat.sh', baseEnv(storage), ['--once']);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /HEARTBEAT failed/);
  });

  test('heartbeat.sh loops every HEARTBEAT_INTERVAL seconds and stops with its parent process', async () => {
    const storage = path.join(tmp, 'gw1');
    backend.state.requests = [];
    backend.state.heartbeatStatus = 200;
    const parent = spawn('sleep', ['3']);
    const res = await runScript(
      'heartbeat.sh',
      baseEnv(storage, { HEARTBEAT_INTERVAL: '1', HEARTBEAT_PARENT_PID: String(parent.pid) }),
    );
    assert.equal(res.code, 0, res.stderr);
    assert.match(res.stderr, /stopping: process \d+ is gone/);
    const beats = backend.state.requests.filter((r) => r.url.startsWith('/api/v1/opamp/heartbeat/')).length;
    assert.ok(beats >= 2 && beats <= 5, `expected 2-5 heartbeats in ~3s, got ${beats}`);
  });

  test(
    'the rendered configs are accepted by the real collector',
    { skip: !HAVE_REAL_COLLECTOR && 'gateway/dist/otelcol-flowgate not built' },
    async () => {
      const validate = (file) =>
        new Promise((resolve) =>
          execFile(REAL_COLLECTOR, ['validate', `--config=${file}`], (err, _o, stderr) =>
            resolve({ code: err ? err.code : 0, stderr }),
          ),
        );
      assert.equal((await validate(path.join(GATEWAY_DIR, 'collector-base.yaml'))).code, 0);

      const storage = path.join(tmp, 'gw-ext-real');
      const res = await runScript(
        'onboard.sh',
        baseEnv(storage, {
          FLOWGATE_MODE: 'extension',
          OPAMP_TOKEN: 'x',
          OPAMP_SERVER_URL: 'ws://127.0.0.1:1/v1/opamp',
          COLLECTOR_BIN: REAL_COLLECTOR,
        }),
        ['--no-exec'],
      );
      assert.equal(res.code, 0, res.stderr);
      const ext = await validate(path.join(storage, 'collector.yaml'));
      assert.equal(ext.code, 0, ext.stderr);

      const broken = path.join(tmp, 'broken.yaml');
      fs.writeFileSync(
        broken,
        fs
          .readFileSync(path.join(GATEWAY_DIR, 'collector-base.yaml'), 'utf8')
          .replace('exporters: [debug]', 'exporters: [debug, nosuchexporter]'),
      );
      const bad = await validate(broken);
      assert.equal(bad.code, 1);
      assert.match(bad.stderr, /nosuchexporter/);
    },
  );

  test(
    'collector-shim.sh makes the supervisor-style validate call check only the candidate config',
    { skip: !HAVE_REAL_COLLECTOR && 'gateway/dist/otelcol-flowgate not built' },
    async () => {
      // opampsupervisor (v0.149, v0.158) runs:
      //   validate --config <candidate> --config <running effective.yaml> --feature-gates ...
      const good = path.join(GATEWAY_DIR, 'collector-base.yaml');
      const candidate = path.join(tmp, 'candidate.yaml');
      fs.writeFileSync(
        candidate,
        fs.readFileSync(good, 'utf8').replace('exporters: [debug]', 'exporters: [debug, nosuch]'),
      );
      const args = ['validate', '--config', candidate, '--config', good, '--feature-gates', 'service.AllowNoPipelines'];
      const run = (cmd, argv, env = {}) =>
        new Promise((resolve) =>
          execFile(cmd, argv, { env: { PATH: process.env.PATH, ...env } }, (err, _o, stderr) =>
            resolve({ code: err ? err.code : 0, stderr }),
          ),
        );

      const direct = await run(REAL_COLLECTOR, args);
      assert.equal(direct.code, 0, 'without the shim the running config masks the broken candidate (the upstream bug)');
      const shimmed = await run(SH, [path.join(GATEWAY_DIR, 'collector-shim.sh'), ...args], {
        FLOWGATE_COLLECTOR_BIN: REAL_COLLECTOR,
      });
      assert.equal(shimmed.code, 1);
      assert.match(shimmed.stderr, /references exporter "nosuch" which is not configured/);
      const version = await run(SH, [path.join(GATEWAY_DIR, 'collector-shim.sh'), '--version'], {
        FLOWGATE_COLLECTOR_BIN: REAL_COLLECTOR,
      });
      assert.equal(version.code, 0);
    },
  );

  for (const scheme of ['ws', 'http']) {
    test(
      `the real supervisor accepts the rendered config (${scheme}://) and keeps retrying an absent server`,
      { skip: !HAVE_REAL_BINARIES && 'gateway binaries not built', timeout: 90_000 },
      async (t) => {
        // The supervisor's bootstrap collector always binds localhost:8888 (see README): one real
        // gateway at a time on this host (the e2e tests' lock; importable when run through tsx, as
        // `npm test` does).
        const lock = await import('../../e2e/lib/gateway-lock.ts')
          .then((m) => m.acquireGatewayLock('gateway/test onboarding'))
          .catch(() => null);
        t.after(() => lock?.release());
        if (await portInUse(8888)) return t.skip('127.0.0.1:8888 is in use by another collector');
        const storage = path.join(tmp, `gw-real-${scheme}`);
        const deadPort = await freePort();
        const env = {
          ...baseEnv(storage, {
            OPAMP_TOKEN: 'real-token',
            OPAMP_SERVER_URL: `${scheme}://127.0.0.1:${deadPort}/v1/opamp`,
            COLLECTOR_BIN: REAL_COLLECTOR,
            SUPERVISOR_BIN: REAL_SUPERVISOR,
          }),
          FLOWGATE_OTLP_GRPC_ENDPOINT: `127.0.0.1:${await freePort()}`,
          FLOWGATE_OTLP_HTTP_ENDPOINT: `127.0.0.1:${await freePort()}`,
          FLOWGATE_COLLECTOR_METRICS_PORT: String(await freePort()),
        };
        const rendered = await runScript('onboard.sh', env, ['--no-exec']);
        assert.equal(rendered.code, 0, rendered.stderr);

        const sup = spawn(REAL_SUPERVISOR, ['--config', path.join(storage, 'supervisor.yaml')], {
          env: { PATH: process.env.PATH, ...env },
        });
        let log = '';
        sup.stdout.on('data', (d) => (log += d));
        sup.stderr.on('data', (d) => (log += d));
        const exited = new Promise((resolve) => sup.on('exit', (code, signal) => resolve({ code, signal })));
        try {
          const deadline = Date.now() + 60_000;
          while (
            !/Failed to connect to the (OpAMP )?server/.test(log) ||
            !fs.existsSync(path.join(storage, 'agent.log'))
          ) {
            if (Date.now() > deadline) assert.fail(`supervisor did not start as expected:\n${log.slice(-3000)}`);
            if (sup.exitCode !== null) assert.fail(`supervisor exited ${sup.exitCode}:\n${log.slice(-3000)}`);
            await new Promise((r) => setTimeout(r, 250));
          }
          assert.match(log, /"msg":"Supervisor starting","id":"[0-9a-f-]{36}"/);
          assert.match(
            fs.readFileSync(path.join(storage, 'persistent_state.yaml'), 'utf8'),
            /instance_id: [0-9a-f-]{36}/,
          );
          assert.match(fs.readFileSync(path.join(storage, 'effective.yaml'), 'utf8'), /opamp:/);
        } finally {
          sup.kill('SIGTERM');
        }
        const { code } = await exited;
        assert.equal(code, 0, log);
        assert.match(log, /Signal received, shutting down the supervisor/);
      },
    );
  }
});
