// Proves our hand-written schema against a peer nobody here wrote: the generated schema and
// the HTTP client shipped in @elastic/opamp-client-node (an older proto: no field 15, no
// tls/proxy, no ComponentHealth.attributes).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { create, equals, fromBinary, toBinary, ScalarType } from '@bufbuild/protobuf';
import type { DescField, DescFile } from '@bufbuild/protobuf';
import * as elastic from '@elastic/opamp-client-node/lib/generated/opamp_pb.js';
import * as elasticAny from '@elastic/opamp-client-node/lib/generated/anyvalue_pb.js';
import { createOpAMPClient } from '@elastic/opamp-client-node';
import {
  AgentCapabilities,
  AgentToServerSchema,
  CommandType,
  ConnectionSettingsStatuses,
  PackageStatusEnum,
  PackageType,
  RemoteConfigStatuses,
  ServerErrorResponseType,
  ServerToAgentSchema,
  file_opamp_v1_opamp,
} from './gen/opamp/v1/opamp_pb.ts';
import type { AgentToServer } from './gen/opamp/v1/opamp_pb.ts';
import { file_opamp_v1_anyvalue } from './gen/opamp/v1/anyvalue_pb.ts';
import { configHash } from './config-hash.ts';
import { startTestOpampServer } from './testing/test-server.ts';
import { uuidFromBytes } from './uuid.ts';

/** Everything about a field that reaches the wire or the JSON form. */
function fieldFacts(f: DescField): string {
  const type =
    f.fieldKind === 'map'
      ? `map<${ScalarType[f.mapKey]},` +
        (f.mapKind === 'message' ? f.message.typeName : f.mapKind === 'enum' ? f.enum.typeName : ScalarType[f.scalar]) +
        '>'
      : f.fieldKind === 'message'
        ? f.message.typeName
        : f.fieldKind === 'enum'
          ? f.enum.typeName
          : f.fieldKind === 'scalar'
            ? ScalarType[f.scalar]
            : (f.fieldKind === 'list' ? 'repeated ' : '') +
              (f.listKind === 'message'
                ? f.message.typeName
                : f.listKind === 'enum'
                  ? f.enum.typeName
                  : ScalarType[f.scalar]);
  return `#${f.number} ${f.name} ${type}${f.oneof ? ` oneof(${f.oneof.name})` : ''} json=${f.jsonName}`;
}

function facts(files: DescFile[]): Map<string, string> {
  const out = new Map<string, string>();
  const visitMessages = (messages: DescFile['messages']): void => {
    for (const m of messages) {
      for (const f of m.fields) out.set(`${m.typeName}.${f.name}`, fieldFacts(f));
      visitMessages(m.nestedMessages);
    }
  };
  for (const file of files) {
    visitMessages(file.messages);
    for (const e of file.enums) for (const v of e.values) out.set(`${e.typeName}::${v.name}`, String(v.number));
  }
  return out;
}

test('every field and enum value the peer knows has the same number, type and name in our schema', () => {
  const theirs = facts([elastic.file_opamp, elasticAny.file_anyvalue]);
  const ours = facts([file_opamp_v1_opamp, file_opamp_v1_anyvalue]);
  assert.ok(theirs.size > 150, `peer schema has ${theirs.size} facts`);
  for (const [key, fact] of theirs) assert.equal(ours.get(key), fact, key);
  // What we have on top is exactly the newer spec additions, nothing accidental.
  const extra = [...ours.keys()].filter((k) => !theirs.has(k)).sort();
  assert.deepEqual(extra, [
    'opamp.proto.AgentCapabilities::AgentCapabilities_ReportsConnectionSettingsStatus',
    'opamp.proto.AgentToServer.connection_settings_status',
    'opamp.proto.ComponentHealth.attributes',
    'opamp.proto.ConnectionSettingsStatus.error_message',
    'opamp.proto.ConnectionSettingsStatus.last_connection_settings_hash',
    'opamp.proto.ConnectionSettingsStatus.status',
    'opamp.proto.ConnectionSettingsStatuses::ConnectionSettingsStatuses_APPLIED',
    'opamp.proto.ConnectionSettingsStatuses::ConnectionSettingsStatuses_APPLYING',
    'opamp.proto.ConnectionSettingsStatuses::ConnectionSettingsStatuses_FAILED',
    'opamp.proto.ConnectionSettingsStatuses::ConnectionSettingsStatuses_UNSET',
    'opamp.proto.OpAMPConnectionSettings.proxy',
    'opamp.proto.OpAMPConnectionSettings.tls',
    'opamp.proto.OtherConnectionSettings.proxy',
    'opamp.proto.OtherConnectionSettings.tls',
    'opamp.proto.ProxyConnectionSettings.connect_headers',
    'opamp.proto.ProxyConnectionSettings.url',
    'opamp.proto.TLSConnectionSettings.ca_pem_contents',
    'opamp.proto.TLSConnectionSettings.cipher_suites',
    'opamp.proto.TLSConnectionSettings.include_system_ca_certs_pool',
    'opamp.proto.TLSConnectionSettings.insecure_skip_verify',
    'opamp.proto.TLSConnectionSettings.max_version',
    'opamp.proto.TLSConnectionSettings.min_version',
    'opamp.proto.TelemetryConnectionSettings.proxy',
    'opamp.proto.TelemetryConnectionSettings.tls',
  ]);
});

const str = (value: string) => ({ value: { case: 'stringValue' as const, value } });
const bytes = (s: string): Uint8Array => new TextEncoder().encode(s);
const uid = Uint8Array.from({ length: 16 }, (_, i) => 0x10 + i);

/** An AgentToServer with every field both schemas share set to a non-default value. */
function richAgentToServer(): AgentToServer {
  return create(AgentToServerSchema, {
    instanceUid: uid,
    sequenceNum: 12345678901234n,
    capabilities: 0x7fffn,
    flags: 1n,
    agentDescription: {
      identifyingAttributes: [
        { key: 'service.name', value: str('otelcol') },
        { key: 'n', value: { value: { case: 'intValue', value: -42n } } },
      ],
      nonIdentifyingAttributes: [
        { key: 'd', value: { value: { case: 'doubleValue', value: 1.5 } } },
        { key: 'b', value: { value: { case: 'boolValue', value: true } } },
        { key: 'raw', value: { value: { case: 'bytesValue', value: bytes('xyz') } } },
        { key: 'arr', value: { value: { case: 'arrayValue', value: { values: [str('a'), str('b')] } } } },
        { key: 'kv', value: { value: { case: 'kvlistValue', value: { values: [{ key: 'k', value: str('v') }] } } } },
      ],
    },
    health: {
      healthy: false,
      startTimeUnixNano: 1_700_000_000_000_000_000n,
      lastError: 'exporter failed',
      status: 'StatusRecoverableError',
      statusTimeUnixNano: 1_700_000_000_500_000_000n,
      componentHealthMap: {
        'pipeline:traces': {
          healthy: true,
          status: 'StatusOK',
          componentHealthMap: { 'exporter:otlp': { healthy: false, lastError: 'x' } },
        },
      },
    },
    effectiveConfig: { configMap: { configMap: { '': { body: bytes('receivers: {}'), contentType: 'text/yaml' } } } },
    remoteConfigStatus: {
      lastRemoteConfigHash: bytes('hash'),
      status: RemoteConfigStatuses.RemoteConfigStatuses_FAILED,
      errorMessage: 'bad yaml',
    },
    packageStatuses: {
      packages: {
        p: {
          name: 'p',
          agentHasVersion: '1',
          agentHasHash: bytes('h1'),
          serverOfferedVersion: '2',
          serverOfferedHash: bytes('h2'),
          status: PackageStatusEnum.PackageStatusEnum_Downloading,
          errorMessage: 'e',
          downloadDetails: { downloadPercent: 50.5, downloadBytesPerSecond: 1024 },
        },
      },
      serverProvidedAllPackagesHash: bytes('all'),
      errorMessage: 'pkg',
    },
    agentDisconnect: {},
    connectionSettingsRequest: { opamp: { certificateRequest: { csr: bytes('CSR') } } },
    customCapabilities: { capabilities: ['io.flowgate.test'] },
    customMessage: { capability: 'io.flowgate.test', type: 't', data: bytes('d') },
    availableComponents: {
      hash: bytes('ac'),
      components: {
        receivers: {
          metadata: [{ key: 'code.namespace', value: str('x') }],
          subComponentMap: { otlp: { metadata: [{ key: 'v', value: str('1') }] } },
        },
      },
    },
  });
}

function richServerToAgent() {
  const headers = { headers: [{ key: 'Authorization', value: 'Bearer t' }] };
  const certificate = { cert: bytes('c'), privateKey: bytes('k'), caCert: bytes('ca') };
  return create(ServerToAgentSchema, {
    instanceUid: uid,
    remoteConfig: {
      config: { configMap: { 'a.yaml': { body: bytes('a: 1'), contentType: 'text/yaml' } } },
      configHash: configHash({ 'a.yaml': { body: 'a: 1' } }),
    },
    connectionSettings: {
      hash: bytes('cs'),
      opamp: { destinationEndpoint: 'wss://cp:4320/v1/opamp', headers, certificate, heartbeatIntervalSeconds: 15n },
      ownMetrics: { destinationEndpoint: 'https://cp/v1/metrics', headers, certificate },
      ownTraces: { destinationEndpoint: 'https://cp/v1/traces' },
      ownLogs: { destinationEndpoint: 'https://cp/v1/logs' },
      otherConnections: { backend: { destinationEndpoint: 'b:1', headers, certificate, otherSettings: { a: 'b' } } },
    },
    packagesAvailable: {
      packages: {
        p: {
          type: PackageType.PackageType_Addon,
          version: '2',
          hash: bytes('ph'),
          file: { downloadUrl: 'https://x/p', contentHash: bytes('fh'), signature: bytes('sig'), headers },
        },
      },
      allPackagesHash: bytes('aph'),
    },
    flags: 3n,
    capabilities: 0x7fn,
    agentIdentification: { newInstanceUid: uid.slice().reverse() },
    command: { type: CommandType.CommandType_Restart },
    customCapabilities: { capabilities: ['io.flowgate.test'] },
    customMessage: { capability: 'io.flowgate.test', type: 't', data: bytes('d') },
  });
}

test('binary round trips through the peer schema both ways are lossless for shared fields', () => {
  const a2s = richAgentToServer();
  const theirA2s = fromBinary(elastic.AgentToServerSchema, toBinary(AgentToServerSchema, a2s), {
    readUnknownFields: false,
  });
  assert.equal(toBinary(elastic.AgentToServerSchema, theirA2s).length, toBinary(AgentToServerSchema, a2s).length);
  assert.ok(
    equals(AgentToServerSchema, fromBinary(AgentToServerSchema, toBinary(elastic.AgentToServerSchema, theirA2s)), a2s),
    'AgentToServer ours → peer → ours',
  );

  const s2a = richServerToAgent();
  const theirS2a = fromBinary(elastic.ServerToAgentSchema, toBinary(ServerToAgentSchema, s2a), {
    readUnknownFields: false,
  });
  assert.ok(
    equals(ServerToAgentSchema, fromBinary(ServerToAgentSchema, toBinary(elastic.ServerToAgentSchema, theirS2a)), s2a),
    'ServerToAgent ours → peer → ours',
  );

  const err = create(ServerToAgentSchema, {
    instanceUid: uid,
    errorResponse: {
      type: ServerErrorResponseType.ServerErrorResponseType_Unavailable,
      errorMessage: 'later',
      Details: { case: 'retryInfo', value: { retryAfterNanoseconds: 30_000_000_000n } },
    },
  });
  const theirErr = fromBinary(elastic.ServerToAgentSchema, toBinary(ServerToAgentSchema, err));
  const theirErrResp = theirErr.errorResponse as {
    Details: { case: string; value: { retryAfterNanoseconds: bigint } };
  };
  assert.equal(theirErrResp.Details.case, 'retryInfo');
  assert.equal(theirErrResp.Details.value.retryAfterNanoseconds, 30_000_000_000n);
});

test('the peer reads what we wrote under the same field names', () => {
  const theirs = fromBinary(
    elastic.ServerToAgentSchema,
    toBinary(ServerToAgentSchema, richServerToAgent()),
  ) as unknown as {
    remoteConfig: { config: { configMap: Record<string, { body: Uint8Array }> } };
    connectionSettings: { opamp: { heartbeatIntervalSeconds: bigint; destinationEndpoint: string } };
    agentIdentification: { newInstanceUid: Uint8Array };
  };
  assert.equal(new TextDecoder().decode(theirs.remoteConfig.config.configMap['a.yaml']!.body), 'a: 1');
  assert.equal(theirs.connectionSettings.opamp.heartbeatIntervalSeconds, 15n);
  assert.equal(theirs.connectionSettings.opamp.destinationEndpoint, 'wss://cp:4320/v1/opamp');
  assert.deepEqual(theirs.agentIdentification.newInstanceUid, uid.slice().reverse());
});

test('fields the peer does not know survive its round trip as unknown fields', () => {
  const a2s = create(AgentToServerSchema, {
    instanceUid: uid,
    connectionSettingsStatus: {
      lastConnectionSettingsHash: bytes('h'),
      status: ConnectionSettingsStatuses.ConnectionSettingsStatuses_APPLIED,
    },
    health: { healthy: true, attributes: [{ key: 'scrapers', value: str('cpu') }] },
  });
  const through = toBinary(
    elastic.AgentToServerSchema,
    fromBinary(elastic.AgentToServerSchema, toBinary(AgentToServerSchema, a2s)),
  );
  assert.ok(equals(AgentToServerSchema, fromBinary(AgentToServerSchema, through), a2s));
});

test(
  'the real @elastic/opamp-client-node HTTP client talks to our server: ' + 'description, remote config, APPLIED',
  async (t) => {
    const files = { 'config.yaml': { body: 'sampling: 0.5' } };
    const hash = configHash(files);
    const seen: AgentToServer[] = [];
    const srv = await startTestOpampServer({
      onMessage: (_conn, msg) => {
        seen.push(msg);
        const applied = msg.remoteConfigStatus?.status === RemoteConfigStatuses.RemoteConfigStatuses_APPLIED;
        if (applied) return undefined;
        return create(ServerToAgentSchema, {
          capabilities: 0x3n,
          remoteConfig: {
            config: {
              configMap: { 'config.yaml': { body: bytes(files['config.yaml'].body), contentType: 'text/yaml' } },
            },
            configHash: hash,
          },
        });
      },
    });
    t.after(() => srv.close());

    let received: string | undefined;
    const client = createOpAMPClient({
      endpoint: srv.httpUrl,
      heartbeatIntervalSeconds: 0.2,
      capabilities: BigInt(
        AgentCapabilities.AgentCapabilities_AcceptsRemoteConfig |
          AgentCapabilities.AgentCapabilities_ReportsRemoteConfig,
      ),
      onMessage: ({ remoteConfig }) => {
        if (!remoteConfig || received) return;
        received = new TextDecoder().decode(remoteConfig.config?.configMap['config.yaml']?.body);
        client.setRemoteConfigStatus({
          status: elastic.RemoteConfigStatuses.RemoteConfigStatuses_APPLIED,
          lastRemoteConfigHash: remoteConfig.configHash,
        } as never);
      },
    });
    client.setAgentDescription({
      identifyingAttributes: { 'service.name': 'elastic-peer' },
      nonIdentifyingAttributes: { 'host.name': 'h1' },
    });
    client.start();
    const deadline = Date.now() + 10_000;
    while (
      !seen.some((m) => m.remoteConfigStatus?.status === RemoteConfigStatuses.RemoteConfigStatuses_APPLIED) &&
      Date.now() < deadline
    ) {
      await new Promise((r) => setTimeout(r, 20));
    }
    await client.shutdown();

    assert.equal(received, 'sampling: 0.5');
    const first = seen[0]!;
    assert.equal(uuidFromBytes(first.instanceUid).length, 36, '16-byte instance_uid');
    assert.equal(first.agentDescription?.identifyingAttributes[0]?.key, 'service.name');
    assert.deepEqual(first.agentDescription?.identifyingAttributes[0]?.value?.value, {
      case: 'stringValue',
      value: 'elastic-peer',
    });
    const applied = seen.find(
      (m) => m.remoteConfigStatus?.status === RemoteConfigStatuses.RemoteConfigStatuses_APPLIED,
    );
    assert.ok(applied, 'peer reported APPLIED');
    assert.deepEqual(applied.remoteConfigStatus?.lastRemoteConfigHash, hash);
    const seqs = seen.map((m) => m.sequenceNum);
    assert.deepEqual(
      seqs,
      seqs.map((_, i) => seqs[0]! + BigInt(i)),
      'peer sequence numbers are consecutive',
    );
  },
);
