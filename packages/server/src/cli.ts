// The `flowgate` command.
import { parseArgs } from 'node:util';
import { loadConfig, ConfigError } from './config/env.ts';

// A backslash at the end of a line continues it: `flowgate user create` is one line of the help.
const HELP = `flowgate — control plane for OpenTelemetry Collector gateways

Usage:
  flowgate start                         Run the control plane (REST API, OpAMP, UI)
  flowgate migrate                       Apply database migrations and exit
  flowgate user create --email E --password P [--name N] [--org ORG_ID] \
[--role viewer|editor|admin|owner] [--instance-admin]
  flowgate gateway run --server URL --registration-token TOKEN [--name NAME] [--storage DIR] [--extension-mode]
                       [--otlp-grpc-endpoint HOST:PORT] [--otlp-http-endpoint HOST:PORT] [--metrics-port PORT]
                                         Enrol and run a local gateway (supervisor + collector) in the foreground
  flowgate apply -f FILE|DIR [-f …] [--show-secrets]
                                         Create or update the org's objects from YAML documents (kinds Template,
                                         Deployment, Webhook, BackendPreset, UsageSource); every document is
                                         checked before anything changes
  flowgate diff -f FILE|DIR [-v]         What apply would change; exit 2 when there are changes, 0 when none
  flowgate export [-o FILE]              The org's objects as documents apply takes back
  flowgate --help

apply, diff and export talk to a running server: --server URL (FLOWGATE_URL, default http://localhost:8000),
--api-key KEY (FLOWGATE_API_KEY), --org ORG_ID (FLOWGATE_ORG; needed when the key's user is in several orgs).

Configuration comes from the environment: PORT, HOST, OPAMP_PORT, DATABASE_URL, FLOWGATE_DATA_DIR,
REDIS_URL, FLOWGATE_SECRET, FLOWGATE_ADMIN_EMAIL, FLOWGATE_ADMIN_PASSWORD, LOG_LEVEL (see README).
`;

async function main(argv: string[]): Promise<number> {
  const [cmd, sub] = argv;
  if (!cmd || cmd === '--help' || cmd === '-h' || cmd === 'help') {
    process.stdout.write(HELP);
    return cmd ? 0 : 1;
  }
  try {
    if (cmd === 'start') {
      const { startServer } = await import('./main.ts');
      await startServer(loadConfig());
      return -1; // keep running
    }
    if (cmd === 'migrate') {
      const config = loadConfig();
      const { openDatabase } = await import('./platform/db/open.ts');
      const { migrate } = await import('./platform/db/migrate.ts');
      const db = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
      const applied = await migrate(db);
      await db.close();
      process.stdout.write(applied.length ? `applied: ${applied.join(', ')}\n` : 'database is up to date\n');
      return 0;
    }
    if (cmd === 'user' && sub === 'create') {
      const { values } = parseArgs({
        args: argv.slice(2),
        options: {
          email: { type: 'string' },
          password: { type: 'string' },
          name: { type: 'string' },
          org: { type: 'string' },
          role: { type: 'string' },
          'instance-admin': { type: 'boolean' },
        },
      });
      if (!values.email || !values.password) throw new Error('--email and --password are required');
      if (values.password.length < 8) throw new Error('--password must have at least 8 characters');
      if (values.role && !['viewer', 'editor', 'admin', 'owner'].includes(values.role))
        throw new Error('--role must be viewer, editor, admin or owner');
      const config = loadConfig();
      const { openDatabase } = await import('./platform/db/open.ts');
      const { migrate } = await import('./platform/db/migrate.ts');
      const { createIdentityService } = await import('./modules/identity/identity.service.ts');
      const { createTokenSigner } = await import('./platform/tokens.ts');
      const db = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
      try {
        await migrate(db);
        const identity = createIdentityService({ db, tokens: createTokenSigner(config.secret) });
        const user = await identity.createUserDirect({
          email: values.email,
          password: values.password,
          name: values.name,
          orgId: values.org,
          role: values.role as 'viewer' | undefined,
          instanceAdmin: values['instance-admin'],
        });
        process.stdout.write(`created user ${user.email} (${user.id})\n`);
      } finally {
        await db.close();
      }
      return 0;
    }
    if (cmd === 'apply' || cmd === 'diff' || cmd === 'export') {
      const { runConfigCommand } = await import('./config-as-code/commands.ts');
      return await runConfigCommand(cmd, argv.slice(1), {
        out: (t) => process.stdout.write(t),
        err: (t) => process.stderr.write(t),
        env: process.env,
        cwd: process.cwd(),
      });
    }
    if (cmd === 'gateway' && sub === 'run') {
      const { runGateway } = await import('./gateway-run.ts');
      return await runGateway(argv.slice(2));
    }
    process.stderr.write(`unknown command: ${argv.join(' ')}\n\n${HELP}`);
    return 2;
  } catch (err) {
    if (err instanceof ConfigError) process.stderr.write(`${err.message}\n`);
    else process.stderr.write(`flowgate: ${(err as Error).message}\n`);
    return 1;
  }
}

const code = await main(process.argv.slice(2));
if (code >= 0) process.exit(code);
