import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gatewayInstallCommand, REGISTRATION_TOKEN_PLACEHOLDER } from '@flowgate/config-model';

test('the install command: the server URL without a trailing slash, the token, a name quoted for sh when needed', () => {
  assert.equal(
    gatewayInstallCommand('https://flowgate.example.com/', 'fgr_abc-1'),
    'curl -fsSL https://flowgate.example.com/install.sh | sh -s -- --registration-token fgr_abc-1',
  );
  assert.equal(
    gatewayInstallCommand('http://cp:8000', REGISTRATION_TOKEN_PLACEHOLDER, { name: 'edge-7' }),
    'curl -fsSL http://cp:8000/install.sh | sh -s -- --registration-token <registration token> --name edge-7',
  );
  assert.equal(
    gatewayInstallCommand('http://cp:8000', 'fgr_x', { name: "eu west's 1" }),
    `curl -fsSL http://cp:8000/install.sh | sh -s -- --registration-token fgr_x --name 'eu west'\\''s 1'`,
  );
});
