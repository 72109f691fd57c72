// `flowgate gateway run`: the same onboarding as the container (gateway/onboard.sh), in the
// foreground on this machine, with the binaries from `npm run gateway:build`.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const gatewayDir = fileURLToPath(new URL('../../../gateway/', import.meta.url));

export async function runGateway(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      server: { type: 'string' },
      'registration-token': { type: 'string' },
      'opamp-token': { type: 'string' },
      name: { type: 'string' },
      storage: { type: 'string' },
      'extension-mode': { type: 'boolean' },
      'instance-id': { type: 'string' },
      http: { type: 'boolean' },
      'otlp-grpc-endpoint': { type: 'string' },
      'otlp-http-endpoint': { type: 'string' },
      'metrics-port': { type: 'string' },
    },
  });
  if (!values.server || (!values['registration-token'] && !values['opamp-token'])) {
    process.stderr.write(
      'usage: flowgate gateway run --server URL --registration-token TOKEN ' +
        '[--name NAME] [--storage DIR] [--extension-mode] [--http]\n' +
        '         [--otlp-grpc-endpoint HOST:PORT] [--otlp-http-endpoint HOST:PORT] [--metrics-port PORT]' +
        '   (several gateways on one host need their own)\n',
    );
    return 2;
  }
  const server = values.server.replace(/\/$/, '');
  if (!/^https?:\/\//.test(server)) {
    process.stderr.write('--server must be the control plane URL, e.g. http://localhost:8000\n');
    return 2;
  }
  const collector = join(gatewayDir, 'dist', 'otelcol-flowgate');
  const supervisor = join(gatewayDir, 'dist', 'opampsupervisor');
  if (!existsSync(collector) || (!values['extension-mode'] && !existsSync(supervisor))) {
    process.stderr.write('The gateway binaries are not built yet: run `npm run gateway:build` first.\n');
    return 1;
  }
  const name = values.name ?? `${hostname()}-gateway`;
  const storage = resolve(values.storage ?? join('.flowgate', 'gateways', name.replace(/[^\w.-]+/g, '_')));
  mkdirSync(storage, { recursive: true });
  const opampUrl = values.http ? `${server}/v1/opamp` : `${server.replace(/^http/, 'ws')}/v1/opamp`;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    BACKEND_URL: server,
    OPAMP_SERVER_URL: opampUrl,
    GATEWAY_NAME: name,
    INSTANCE_ID: values['instance-id'] ?? name,
    STORAGE_DIR: storage,
    COLLECTOR_BIN: collector,
    SUPERVISOR_BIN: supervisor,
    FLOWGATE_MODE: values['extension-mode'] ? 'extension' : 'supervisor',
  };
  // Read by the collector itself from the base config (gateway/collector-base.yaml); the environment
  // variables work too, the flags win.
  if (values['otlp-grpc-endpoint']) env.FLOWGATE_OTLP_GRPC_ENDPOINT = values['otlp-grpc-endpoint'];
  if (values['otlp-http-endpoint']) env.FLOWGATE_OTLP_HTTP_ENDPOINT = values['otlp-http-endpoint'];
  if (values['metrics-port']) {
    if (!/^\d{1,5}$/.test(values['metrics-port'])) {
      process.stderr.write('--metrics-port must be a port number\n');
      return 2;
    }
    env.FLOWGATE_COLLECTOR_METRICS_PORT = values['metrics-port'];
  }
  if (values['registration-token']) env.REGISTRATION_TOKEN = values['registration-token'];
  if (values['opamp-token']) env.OPAMP_TOKEN = values['opamp-token'];
  process.stderr.write(
    `Starting gateway "${name}" (${env.FLOWGATE_MODE} mode), storage ${storage}, OpAMP ${opampUrl}\n`,
  );
  // Its own process group: a Ctrl-C in the terminal reaches only this process, which forwards it once.
  // The supervisor treats a second signal during its shutdown as "die now" (gateway/supervisor/main.go),
  // which would leave the collector running without it.
  const child = spawn('sh', [join(gatewayDir, 'onboard.sh')], { env, stdio: 'inherit', detached: true });
  let forwarded = false;
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(sig, () => {
      if (forwarded) return;
      forwarded = true;
      child.kill(sig === 'SIGINT' ? 'SIGINT' : 'SIGTERM');
    });
  }
  return new Promise((res) => child.on('exit', (code, signal) => res(code ?? (signal ? 0 : 1))));
}
