// Listens and handles signals. Everything else is in app.ts.
import { createFlowgate, type Flowgate } from './app.ts';
import { loadConfig, type FlowgateConfig } from './config/env.ts';

export async function startServer(config: FlowgateConfig = loadConfig()): Promise<Flowgate> {
  const flowgate = await createFlowgate(config);
  const { app } = flowgate;
  await app.listen({ port: config.port, host: config.host });
  if (config.opampPort !== null) {
    const apiPort = (app.server.address() as import('node:net').AddressInfo).port;
    const l = await flowgate.features.opamp.listen(config.opampPort, config.host, { apiPort });
    app.log.info({ port: l.port }, 'OpAMP listener on its own port');
  }
  const url = config.publicUrl ?? `http://localhost:${config.port}`;
  app.log.info({ url, database: flowgate.db.kind, events: flowgate.bus.kind }, 'Flowgate is listening');
  if (flowgate.bootstrap.generatedPassword) {
    const line = '─'.repeat(64);
    process.stdout.write(
      `\n${line}\n  Flowgate is ready: open ${url} and log in as\n` +
        `    email:    ${flowgate.bootstrap.email}\n` +
        `    password: ${flowgate.bootstrap.generatedPassword}\n` +
        `  This password is shown once. Set FLOWGATE_ADMIN_PASSWORD to choose your own.\n${line}\n\n`,
    );
  } else {
    process.stdout.write(`\nFlowgate is ready: open ${url}\n\n`);
  }
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    app.log.info({ signal }, 'shutting down: draining connections');
    const force = setTimeout(() => process.exit(1), 15_000);
    force.unref();
    try {
      await flowgate.close();
      process.exit(0);
    } catch (err) {
      app.log.error({ err }, 'error during shutdown');
      process.exit(1);
    }
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));
  return flowgate;
}
