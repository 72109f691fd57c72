import { test } from 'node:test';
import assert from 'node:assert/strict';
import { maskCredentials, MASK } from '@flowgate/config-model';

test('credentials are masked under credential keys and in name/value header lists', () => {
  // The own-metrics reader the supervisor puts in a collector's effective config (seen with v0.149).
  const yaml = `service:
  telemetry:
    metrics:
      readers:
        - periodic:
            exporter:
              otlp:
                endpoint: http://cp/v1/metrics
                headers:
                  - name: Authorization
                    value: Bearer
                      fgt_0000.secret
                  - name: X-Scope
                    value: team-a
exporters:
  otlphttp:
    headers:
      Authorization: Bearer abc
    endpoint: http://backend
`;
  const out = maskCredentials(yaml);
  assert.ok(!out.includes('fgt_0000.secret'), out);
  assert.ok(!out.includes('Bearer abc'), out);
  assert.ok(out.includes('team-a'), 'other headers are left alone');
  assert.ok(out.includes('http://backend'));
  assert.equal(out.split(MASK).length - 1, 2);
});
