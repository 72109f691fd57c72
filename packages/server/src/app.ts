// Builds the whole control plane without listening: tests drive it with app.inject(); main.ts listens.
import Fastify from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import rateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { randomUUID } from 'node:crypto';
import pino from 'pino';
import { errorCatalogue } from '@flowgate/config-model';
import type { FlowgateConfig } from './config/env.ts';
import type { Db } from './platform/db/db.ts';
import { openDatabase } from './platform/db/open.ts';
import { migrate } from './platform/db/migrate.ts';
import { createMemoryBus, type EventBus } from './platform/events/bus.ts';
import { createMetrics } from './platform/metrics.ts';
import { createTokenSigner } from './platform/tokens.ts';
import { errorHandler, sendError } from './platform/http/errors.ts';
import { bearerOf } from './platform/http/auth.ts';
import type { App } from './platform/http/types.ts';
import { createIdentityService } from './modules/identity/identity.service.ts';
import { identityRoutes } from './modules/identity/identity.routes.ts';
import { auditRoutes } from './modules/audit/audit.routes.ts';
import { createSettingsService } from './modules/settings/settings.service.ts';
import { settingsRoutes } from './modules/settings/settings.routes.ts';
import { registerFeatures, type Features } from './features.ts';

export interface FlowgateOptions {
  /** Use this database instead of opening one from the config (tests share one per file). */
  db?: Db;
  /** Logger destination; tests pass `false` to keep output quiet. */
  logger?: pino.Logger | false;
  /** Per-route login/token rate limit. */
  loginRateLimit?: { max: number; timeWindow: string };
}

export interface Flowgate {
  app: App;
  db: Db;
  bus: EventBus;
  config: FlowgateConfig;
  bootstrap: { created: boolean; email: string; generatedPassword: string | null };
  features: Features;
  close(): Promise<void>;
  /** Hooks run at close (features register their timers and connections here). */
  onClose(fn: () => Promise<void> | void): void;
}

const defaultUiDir = fileURLToPath(new URL('../../ui/dist/', import.meta.url));

export async function createFlowgate(config: FlowgateConfig, opts: FlowgateOptions = {}): Promise<Flowgate> {
  const logger = opts.logger === false ? pino({ level: 'silent' }) : (opts.logger ?? pino({ level: config.logLevel }));
  const closers: (() => Promise<void> | void)[] = [];
  const ownDb = !opts.db;
  const db =
    opts.db ??
    (await openDatabase({
      databaseUrl: config.databaseUrl,
      dataDir: config.dataDir,
      onError: (err) => logger.warn({ err: err.message }, 'database connection error'),
      onRetry: (err, attempt) =>
        logger.info(
          { err: err.message, attempt },
          'database: statement retried after a deadlock or serialization failure',
        ),
    }));
  try {
    await migrate(db);
  } catch (err) {
    if (ownDb) await db.close().catch(() => undefined);
    throw err;
  }

  let bus: EventBus = createMemoryBus();
  let redisClient: import('ioredis').Redis | null = null;
  if (config.redisUrl) {
    const { createRedisBus } = await import('./platform/redis.ts');
    const r = await createRedisBus(config.redisUrl, (err) => logger.warn({ err: err.message }, 'redis error'));
    bus = r.bus;
    redisClient = r.client;
  }

  const metrics = createMetrics();
  const tokens = createTokenSigner(config.secret);
  const identity = createIdentityService({ db, tokens });
  const settings = createSettingsService({ db });
  const bootstrap = await identity.bootstrap(config.adminEmail, config.adminPassword);

  const app = Fastify({
    loggerInstance: logger,
    genReqId: (req) =>
      typeof req.headers['x-request-id'] === 'string' && /^[\w.-]{1,64}$/.test(req.headers['x-request-id'])
        ? req.headers['x-request-id']
        : randomUUID(),
    bodyLimit: 1024 * 1024,
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', allErrors: true, useDefaults: true } },
    forceCloseConnections: true,
    keepAliveTimeout: 65_000,
  }).withTypeProvider<TypeBoxTypeProvider>() as unknown as App;

  app.decorateRequest('principal', null);
  app.setErrorHandler(errorHandler);
  // the REST API takes JSON: a text/plain body answers 415, not a confusing 400
  app.removeContentTypeParser('text/plain');
  app.addHook('onSend', async (req, reply) => {
    reply.header('x-request-id', String(req.id));
  });
  app.addHook('onResponse', async (req, reply) => {
    const route = req.routeOptions.url ?? 'unmatched';
    metrics.httpDuration.labels(req.method, route, String(reply.statusCode)).observe(reply.elapsedTime / 1000);
  });

  const errorCodes = Object.entries(errorCatalogue)
    .map(([c, s]) => `- \`${c}\` (${s.status}): ${s.description}`)
    .join('\n');
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'Flowgate API',
        version: '0.1.0',
        description:
          'Control plane for OpenTelemetry Collector gateways.\n\n' +
          `Errors: {"error": {"code", "message", "request_id", "details"?}}. Codes:\n\n${errorCodes}`,
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  await app.register(rateLimit, {
    global: false,
    ...(redisClient ? { redis: redisClient, nameSpace: 'flowgate:rl:' } : {}),
    errorResponseBuilder: (_req, ctx) => {
      const err = new Error(`Too many requests: retry in ${Math.ceil(ctx.ttl / 1000)} s`) as Error & {
        statusCode: number;
      };
      err.statusCode = 429;
      return err;
    },
  });

  // Authentication for every /api route not marked public.
  app.addHook('onRequest', async (req, reply) => {
    if (!req.url.startsWith('/api/') || req.routeOptions.config?.public) return;
    let bearer = bearerOf(req);
    if (!bearer && req.routeOptions.config && (req.routeOptions.config as { queryToken?: boolean }).queryToken) {
      bearer = (req.query as { access_token?: string }).access_token ?? null;
    }
    if (!bearer) return sendError(reply, req, 'UNAUTHENTICATED');
    const principal = await identity.authenticate(bearer);
    if (!principal) return sendError(reply, req, 'TOKEN_INVALID');
    req.principal = principal;
  });

  app.get('/healthz', { config: { public: true }, schema: { hide: true } }, async () => ({ status: 'ok' }));
  app.get('/readyz', { config: { public: true }, schema: { hide: true } }, async (req, reply) => {
    try {
      await Promise.race([db.ping(), new Promise((_, rej) => setTimeout(() => rej(new Error('timeout')), 2000))]);
      return { status: 'ready', database: db.kind, events: bus.kind };
    } catch (err) {
      req.log.warn({ err: (err as Error).message }, 'readiness check failed');
      return sendError(reply, req, 'DATABASE_UNAVAILABLE', undefined, undefined, { 'Retry-After': '5' });
    }
  });
  app.get('/metrics', { config: { public: true }, schema: { hide: true } }, async (_req, reply) => {
    const s = db.poolStats();
    metrics.dbPool.labels('total').set(s.total);
    metrics.dbPool.labels('idle').set(s.idle);
    metrics.dbPool.labels('waiting').set(s.waiting);
    const opamp = features.opamp.stats();
    metrics.opampConnections.labels('websocket').set(opamp.websocket);
    metrics.opampConnections.labels('http').set(opamp.http);
    return reply.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });
  app.get('/openapi.json', { config: { public: true }, schema: { hide: true } }, async () => app.swagger());

  const loginRateLimit = opts.loginRateLimit ?? { max: 20, timeWindow: '1 minute' };
  let features!: Features;
  await app.register(async (scoped) => {
    const a = scoped as unknown as App;
    await identityRoutes(a, { identity, loginRateLimit });
    await auditRoutes(a, { db });
    await settingsRoutes(a, { settings });
    features = await registerFeatures(a, {
      config,
      db,
      bus,
      tokens,
      settings,
      metrics,
      logger,
      loginRateLimit,
      onClose: (fn) => closers.push(fn),
    });
  });

  // The UI bundle (npm start builds it), with SPA fallback; unknown /api paths get the error envelope.
  const uiDir = config.uiDir ?? defaultUiDir;
  const hasUi = existsSync(uiDir);
  if (hasUi) await app.register(fastifyStatic, { root: uiDir, prefix: '/', wildcard: false, index: ['index.html'] });
  app.setNotFoundHandler((req, reply) => {
    const path = req.url.split('?')[0]!;
    if (
      hasUi &&
      req.method === 'GET' &&
      !path.startsWith('/api/') &&
      !path.startsWith('/v1/') &&
      !/\.[a-z0-9]+$/i.test(path)
    ) {
      return reply.type('text/html').sendFile('index.html');
    }
    return sendError(reply, req, 'NOT_FOUND', `No route ${req.method} ${path}`);
  });

  await app.ready();
  // OpAMP (WebSocket + HTTP) shares the main port: it sees requests before Fastify.
  features.attach(app.server);
  let closed = false;
  return {
    app,
    db,
    bus,
    config,
    bootstrap,
    features,
    onClose: (fn) => closers.push(fn),
    async close() {
      if (closed) return;
      closed = true;
      for (const fn of closers.reverse()) await fn();
      await app.close();
      await bus.close();
      if (ownDb) await db.close();
    },
  };
}
