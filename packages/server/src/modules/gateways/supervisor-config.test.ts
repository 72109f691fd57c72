// One source for the supervisor config: the zero-touch YAML the server hands out is gateway/supervisor.yaml.tmpl
// rendered the way gateway/onboard.sh renders it on a host (install script, container, `flowgate gateway run`).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { gatewaySourceDir } from '../../platform/gateway-dir.ts';
import { renderSupervisorTemplate, supervisorYaml } from './supervisor-config.ts';

test('onboard.sh and the server render the same template to the same bytes', () => {
  const dir = mkdtempSync(join(tmpdir(), 'flowgate-supervisor-config-'));
  try {
    const bin = join(dir, 'otelcol-flowgate');
    writeFileSync(bin, '#!/bin/sh\necho "otelcol-flowgate version 0.0.0"\n', { mode: 0o755 });
    const storage = join(dir, 'state');
    execFileSync('sh', [join(gatewaySourceDir, 'onboard.sh'), '--no-exec'], {
      env: {
        PATH: process.env.PATH,
        OPAMP_TOKEN: 'tok.en-1',
        OPAMP_SERVER_URL: 'wss://flowgate.example.com/v1/opamp',
        STORAGE_DIR: storage,
        GATEWAY_NAME: 'edge 7',
        INSTANCE_ID: 'edge-7',
        COLLECTOR_BIN: bin,
        SUPERVISOR_BIN: bin,
      },
      stdio: 'pipe',
    });
    const byShell = readFileSync(join(storage, 'supervisor.yaml'), 'utf8');
    const byServer = renderSupervisorTemplate(readFileSync(join(gatewaySourceDir, 'supervisor.yaml.tmpl'), 'utf8'), {
      OPAMP_SERVER_URL: 'wss://flowgate.example.com/v1/opamp',
      OPAMP_TOKEN: 'tok.en-1',
      STORAGE_DIR: storage,
      COLLECTOR_BIN: bin,
      COLLECTOR_SHIM: join(gatewaySourceDir, 'collector-shim.sh'),
      GATEWAY_NAME: 'edge 7',
      COLLECTOR_BASE_CONFIG: join(gatewaySourceDir, 'collector-base.yaml'),
    });
    assert.equal(byServer, byShell);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the zero-touch config is the template with the token from $FLOWGATE_TOKEN and no base config', () => {
  const text = supervisorYaml({
    opampUrl: 'ws://cp:8000/v1/opamp',
    name: 'edge-7',
    installCommand: 'curl -fsSL http://cp:8000/install.sh | sh -s -- --registration-token <registration token>',
    downloadsUrl: 'http://cp:8000/downloads/gateway/',
  });
  const doc = parse(text);
  const template = parse(
    readFileSync(join(gatewaySourceDir, 'supervisor.yaml.tmpl'), 'utf8').replace(/^.*COLLECTOR_BASE_CONFIG\}.*\n/m, ''),
  );
  assert.deepEqual(doc.server, {
    endpoint: 'ws://cp:8000/v1/opamp',
    headers: { Authorization: ['Bearer ${FLOWGATE_TOKEN}'] },
  });
  assert.deepEqual(doc.capabilities, template.capabilities);
  assert.deepEqual(Object.keys(doc.agent).sort(), Object.keys(template.agent).sort());
  assert.equal(doc.agent.validate_config, template.agent.validate_config);
  assert.equal(doc.agent.executable, '/opt/flowgate-gateway/collector-shim.sh');
  assert.deepEqual(doc.agent.env, { FLOWGATE_COLLECTOR_BIN: '/opt/flowgate-gateway/otelcol-flowgate' });
  assert.deepEqual(doc.agent.description, { non_identifying_attributes: { 'flowgate.gateway.name': 'edge-7' } });
  assert.deepEqual(doc.agent.config_files, ['$OWN_TELEMETRY_CONFIG', '$OPAMP_EXTENSION_CONFIG', '$REMOTE_CONFIG']);
  assert.equal(doc.storage.directory, '/var/lib/flowgate-gateway');
  assert.doesNotMatch(text.replace('${FLOWGATE_TOKEN}', ''), /\$\{[A-Z_]+\}/, 'no placeholder left');
  assert.match(text, /^# {3}curl -fsSL http:\/\/cp:8000\/install\.sh/m, 'points to the install script');
});
