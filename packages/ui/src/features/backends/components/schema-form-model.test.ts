import { test } from 'node:test';
import assert from 'node:assert/strict';
import { blockCatalogueEntry, blockType } from '@flowgate/config-model';
import { cleanConfig, fieldsOf, isVisible, labelOf, type JsonSchema } from './schema-form-model.ts';

const schemaOf = (type: string) => blockCatalogueEntry(blockType(type)!).schema as JsonSchema;

test('the Datadog form: a mode choice, a site choice, a secret picker for the API key, numbers for the queue', () => {
  const fields = fieldsOf(schemaOf('backend.datadog'));
  const byKey = Object.fromEntries(fields.map((f) => [f.key, f]));
  assert.equal(byKey.mode!.kind, 'choice');
  assert.deepEqual(byKey.mode!.choices, ['intake', 'agent']);
  assert.ok(byKey.site!.choices.includes('datadoghq.eu'));
  assert.equal(byKey.api_key_secret!.kind, 'secret');
  assert.equal(byKey.api_key_secret!.label, 'API key secret');
  assert.equal(byKey.queue_size!.kind, 'number');
  assert.equal(byKey.agent_tls!.kind, 'checkbox');
});

test('fields that apply only to another mode are hidden and not sent', () => {
  const schema = schemaOf('backend.datadog');
  const config = {
    mode: 'agent',
    agent_endpoint: 'agent:4317',
    api_key_secret: 'DD',
    site: 'datadoghq.eu',
    queue_size: 5,
  };
  assert.equal(isVisible(schema, 'api_key_secret', config), false);
  assert.equal(isVisible(schema, 'agent_endpoint', config), true);
  assert.deepEqual(cleanConfig(schema, config), { mode: 'agent', agent_endpoint: 'agent:4317', queue_size: 5 });
});

test('OTLP headers are rows of a name and a secret picker; empty optional values are dropped', () => {
  const schema = schemaOf('backend.otlp');
  const headers = fieldsOf(schema).find((f) => f.key === 'headers')!;
  assert.equal(headers.kind, 'rows');
  assert.deepEqual(
    headers.rowFields.map((f) => [f.key, f.kind]),
    [
      ['name', 'text'],
      ['secret', 'secret'],
    ],
  );
  assert.deepEqual(cleanConfig(schema, { endpoint: 'c:4317', tls_server_name: '', tls_ca_secret: '' }), {
    endpoint: 'c:4317',
  });
  assert.equal(labelOf('tls_ca_secret'), 'TLS CA secret');
});
