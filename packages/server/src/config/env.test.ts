import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, ConfigError } from './env.ts';

const dir = () => mkdtempSync(join(tmpdir(), 'flowgate-env-'));

test('the per-agent OpAMP message budget defaults to a burst of 60, then 10 per second, and can be set', () => {
  assert.deepEqual(loadConfig({ FLOWGATE_DATA_DIR: dir() }).opampMessageBudget, { burst: 60, perSecond: 10 });
  assert.deepEqual(
    loadConfig({
      FLOWGATE_DATA_DIR: dir(),
      FLOWGATE_OPAMP_MESSAGE_BURST: '200',
      FLOWGATE_OPAMP_MESSAGES_PER_SECOND: '2.5',
    }).opampMessageBudget,
    { burst: 200, perSecond: 2.5 },
  );
  assert.throws(
    () =>
      loadConfig({
        FLOWGATE_DATA_DIR: dir(),
        FLOWGATE_OPAMP_MESSAGE_BURST: '0',
        FLOWGATE_OPAMP_MESSAGES_PER_SECOND: 'fast',
      }),
    (err: unknown) => {
      assert.ok(err instanceof ConfigError);
      assert.equal(err.problems.length, 2, err.message);
      assert.match(err.message, /FLOWGATE_OPAMP_MESSAGE_BURST/);
      assert.match(err.message, /FLOWGATE_OPAMP_MESSAGES_PER_SECOND/);
      return true;
    },
  );
});

// ── usage ──
test('outbound targets: private ones are refused unless FLOWGATE_ALLOW_PRIVATE_TARGETS=true; bad values are reported', () => {
  const base = loadConfig({ FLOWGATE_DATA_DIR: dir() });
  assert.equal(base.allowPrivateTargets, false);
  assert.equal(base.usageRefreshMinutes, 60);
  assert.equal(base.outboundTimeoutSeconds, 15);
  assert.equal(
    loadConfig({ FLOWGATE_DATA_DIR: dir(), FLOWGATE_ALLOW_PRIVATE_TARGETS: 'true' }).allowPrivateTargets,
    true,
  );
  assert.throws(
    () =>
      loadConfig({
        FLOWGATE_DATA_DIR: dir(),
        FLOWGATE_ALLOW_PRIVATE_TARGETS: 'yes',
        FLOWGATE_USAGE_REFRESH_MINUTES: '-1',
        FLOWGATE_OUTBOUND_TIMEOUT_SECONDS: 'soon',
      }),
    (err: unknown) => {
      assert.ok(err instanceof ConfigError);
      assert.equal(err.problems.length, 3, err.message);
      assert.match(err.message, /FLOWGATE_ALLOW_PRIVATE_TARGETS must be true or false/);
      return true;
    },
  );
});
