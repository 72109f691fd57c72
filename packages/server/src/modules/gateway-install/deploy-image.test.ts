// The control-plane image (deploy/Dockerfile) must carry what this module reads at run time: the gateway
// binaries where gatewayBinDir() looks by default, and every gateway file it serves or bundles. Docker
// cannot build here, so this reads the Dockerfile and its ignore file the way `docker build` would use them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gatewaySourceDir } from '../../platform/gateway-dir.ts';
import { BUNDLED_SUPPORT_FILES, SUPERVISOR_BINARY } from './gateway-bundles.ts';
import { COLLECTOR_BINARY } from '../../platform/collector.ts';

const repo = join(gatewaySourceDir, '..');
const dockerfile = readFileSync(join(repo, 'deploy/Dockerfile'), 'utf8').replace(/ *\\\n\s*/g, ' ');
const ignore = readFileSync(join(repo, 'deploy/Dockerfile.dockerignore'), 'utf8').split('\n');

test('deploy/Dockerfile copies the gateway binaries from the gateway image into /app/gateway/dist', () => {
  assert.match(dockerfile, /^ARG GATEWAY_IMAGE=\S+/m, 'declared before the first FROM');
  assert.ok(dockerfile.indexOf('ARG GATEWAY_IMAGE') < dockerfile.indexOf('FROM '), 'usable in FROM');
  assert.match(dockerfile, /^FROM \$\{GATEWAY_IMAGE\} AS gateway$/m);
  const copy = /^COPY --from=gateway (.+) \.\/gateway\/dist\/$/m.exec(dockerfile);
  assert.ok(copy, 'COPY --from=gateway … ./gateway/dist/');
  assert.deepEqual(
    copy[1]!.split(/\s+/).sort(),
    [`/flowgate-gateway/${COLLECTOR_BINARY}`, `/flowgate-gateway/${SUPERVISOR_BINARY}`].sort(),
    'where gateway/Dockerfile puts them',
  );
  assert.match(readFileSync(join(repo, 'gateway/Dockerfile'), 'utf8'), /^WORKDIR \/flowgate-gateway$/m);
  assert.match(dockerfile, /^WORKDIR \/app$/m, '/app/gateway/dist is gateway/dist next to the server');
});

test('deploy/Dockerfile copies every gateway file the server serves, and the ignore file lets them in', () => {
  const needed = ['install.sh', 'supervisor.yaml.tmpl', ...Object.keys(BUNDLED_SUPPORT_FILES)];
  const copy = /^COPY (gateway\/\S+(?: gateway\/\S+)*) \.\/gateway\/$/m.exec(dockerfile);
  assert.ok(copy, 'COPY gateway/… ./gateway/');
  const copied = copy[1]!.split(' ').map((p) => p.replace(/^gateway\//, ''));
  for (const file of needed) {
    assert.ok(copied.includes(file), `${file} is copied`);
    assert.ok(ignore.includes(`!gateway/${file}`), `${file} is not ignored by Dockerfile.dockerignore`);
  }
});
