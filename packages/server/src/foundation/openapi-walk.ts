// Shared by the cross-cutting tests in this folder: reads the live /openapi.json of a Flowgate, turns
// every operation into something callable (path and query parameters filled, a minimal valid JSON body
// generated from the request schema), creates real resources of an org through the API, and snapshots
// everything the database holds for one org. Routes other engineers add later are walked automatically.
import { randomUUID } from 'node:crypto';
import type { Flowgate } from '../app.ts';

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** The subset of JSON Schema that fastify-swagger emits from TypeBox route schemas. */
export interface JsonSchema {
  type?: string | string[];
  format?: string;
  enum?: unknown[];
  const?: unknown;
  default?: unknown;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number | boolean;
  minItems?: number;
  items?: JsonSchema;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  nullable?: boolean;
  $ref?: string;
}

export interface Param {
  name: string;
  in: 'path' | 'query' | 'header';
  required: boolean;
  schema: JsonSchema;
}

export interface Operation {
  method: Method;
  /** OpenAPI form, e.g. /api/v1/api-keys/{id} */
  path: string;
  pathParams: Param[];
  queryParams: Param[];
  /** JSON request body schema, or null when the operation takes none. */
  body: JsonSchema | null;
  bodyContentTypes: string[];
  responseContentTypes: string[];
  security: unknown[] | undefined;
  label: string;
}

interface OpenApiOperation {
  parameters?: { name: string; in: string; required?: boolean; schema?: JsonSchema }[];
  requestBody?: { content?: Record<string, { schema?: JsonSchema }> };
  responses?: Record<string, { content?: Record<string, unknown> }>;
  security?: unknown[];
}
export interface OpenApiDoc {
  openapi: string;
  info: { title: string; description?: string };
  paths: Record<string, Record<string, OpenApiOperation>>;
  components?: { schemas?: Record<string, JsonSchema> };
}

const METHODS: Method[] = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];

export async function fetchOpenApi(fg: Flowgate): Promise<OpenApiDoc> {
  const res = await fg.app.inject({ method: 'GET', url: '/openapi.json' });
  if (res.statusCode !== 200) throw new Error(`/openapi.json answered ${res.statusCode}`);
  return res.json() as OpenApiDoc;
}

/** Inlines `#/components/schemas/…` references (bounded depth: recursive schemas stop expanding). */
function deref(schema: JsonSchema, doc: OpenApiDoc, depth = 0): JsonSchema {
  if (depth > 12) return {};
  if (schema.$ref) {
    const name = schema.$ref.replace(/^#\/components\/schemas\//, '');
    return deref(doc.components?.schemas?.[name] ?? {}, doc, depth + 1);
  }
  const out: JsonSchema = { ...schema };
  if (schema.properties)
    out.properties = Object.fromEntries(
      Object.entries(schema.properties).map(([k, v]) => [k, deref(v, doc, depth + 1)]),
    );
  if (schema.items) out.items = deref(schema.items, doc, depth + 1);
  for (const k of ['anyOf', 'oneOf', 'allOf'] as const)
    if (schema[k]) out[k] = schema[k]!.map((s) => deref(s, doc, depth + 1));
  return out;
}

export function operationsOf(doc: OpenApiDoc): Operation[] {
  const ops: Operation[] = [];
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const [m, op] of Object.entries(item)) {
      const method = m.toUpperCase() as Method;
      if (!METHODS.includes(method)) continue;
      const params: Param[] = (op.parameters ?? []).map((p) => ({
        name: p.name,
        in: p.in as Param['in'],
        required: p.required === true || p.in === 'path',
        schema: p.schema ?? {},
      }));
      const content = op.requestBody?.content ?? {};
      const rawBody = content['application/json']?.schema;
      const jsonBody = rawBody ? deref(rawBody, doc) : null;
      const responseContentTypes = [
        ...new Set(Object.values(op.responses ?? {}).flatMap((r) => Object.keys(r.content ?? {}))),
      ];
      ops.push({
        method,
        path,
        pathParams: params.filter((p) => p.in === 'path'),
        queryParams: params.filter((p) => p.in === 'query'),
        body: jsonBody,
        bodyContentTypes: Object.keys(content),
        responseContentTypes,
        security: op.security,
        label: `${method} ${path}`,
      });
    }
  }
  return ops.sort((a, b) => a.path.localeCompare(b.path) || a.method.localeCompare(b.method));
}

/**
 * Routes that do not take a user's credential: login, and the routes a gateway calls with its
 * registration or OpAMP token. They are out of scope for tenant/role checks driven by a user token.
 */
export function isGatewayOrPublicRoute(op: Operation): boolean {
  if (op.path === '/api/v1/auth/login') return true;
  if (op.method === 'POST' && op.path === '/api/v1/gateways') return true;
  if (op.path.startsWith('/api/v1/opamp/') || op.path === '/api/v1/opamp') return true;
  // An operation that explicitly declares no security requirement is public.
  if (Array.isArray(op.security) && op.security.length === 0) return true;
  return false;
}

export const hasOrgIdParam = (op: Operation) =>
  op.queryParams.some((p) => p.name === 'org_id') || op.pathParams.some((p) => p.name === 'org_id');
export const resourceParams = (op: Operation) => op.pathParams.filter((p) => p.name !== 'org_id');

/** Org-scoped: takes org_id (query or path) or addresses a resource by a path parameter. */
export function isOrgScoped(op: Operation): boolean {
  return (
    op.path.startsWith('/api/v1/') && !isGatewayOrPublicRoute(op) && (hasOrgIdParam(op) || op.pathParams.length > 0)
  );
}

export const isStreaming = (op: Operation) => op.responseContentTypes.some((c) => c.includes('event-stream'));
export const isMutating = (op: Operation) => op.method !== 'GET';

/** The collection a path parameter belongs to: `/api/v1/api-keys/{id}` → `/api/v1/api-keys`. */
export function collectionOf(path: string, paramName: string): string {
  const i = path.indexOf(`/{${paramName}}`);
  return i < 0 ? path : path.slice(0, i);
}

// ---------------------------------------------------------------------------------------------
// Minimal valid values from a JSON schema.

export interface SampleHints {
  /** Value for a uuid-formatted property, by property name (e.g. template_id → a real template). */
  uuidFor?(propertyName: string): string | undefined;
}

const PATTERN_CANDIDATES = ['sample', 'SAMPLE_1', 'sample-1', 'a', 'A', 'x1', '1', 'sample.example', 'sample_value'];

function sampleString(s: JsonSchema, name: string, hints: SampleHints): string {
  switch (s.format) {
    case 'uuid':
      return hints.uuidFor?.(name) ?? randomUUID();
    case 'email':
      return `sample-${randomUUID().slice(0, 8)}@example.test`;
    case 'date-time':
      return new Date(Date.now() + 86400_000).toISOString();
    case 'date':
      return new Date().toISOString().slice(0, 10);
    case 'uri':
    case 'url':
      return 'http://example.test/';
    case 'ipv4':
      return '192.0.2.1';
  }
  const min = s.minLength ?? 1;
  const max = s.maxLength ?? 64;
  const fit = (v: string) => (v.length < min ? v + 'x'.repeat(min - v.length) : v).slice(0, Math.max(max, 1));
  if (s.pattern) {
    const re = new RegExp(s.pattern);
    for (const c of PATTERN_CANDIDATES) {
      const v = fit(c);
      if (re.test(v)) return v;
    }
  }
  if (name === 'config_yaml' || name.endsWith('_yaml')) return SAMPLE_COLLECTOR_YAML;
  return fit(`sample-${name || 'value'}`.replace(/[^a-zA-Z0-9-]/g, '-'));
}

function firstNonNull(list: JsonSchema[]): JsonSchema | undefined {
  return list.find((s) => s.type !== 'null') ?? list[0];
}

export function sampleFromSchema(schema: JsonSchema, hints: SampleHints = {}, name = ''): unknown {
  if (schema.const !== undefined) return schema.const;
  if (schema.enum && schema.enum.length > 0) return schema.enum.find((v) => v !== null) ?? schema.enum[0];
  if (schema.anyOf) return sampleFromSchema(firstNonNull(schema.anyOf) ?? {}, hints, name);
  if (schema.oneOf) return sampleFromSchema(firstNonNull(schema.oneOf) ?? {}, hints, name);
  if (schema.allOf) return Object.assign({}, ...schema.allOf.map((s) => sampleFromSchema(s, hints, name)));
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== 'null') : schema.type;
  switch (type ?? (schema.properties ? 'object' : undefined)) {
    case 'string':
      return sampleString(schema, name, hints);
    case 'integer':
    case 'number': {
      // Page sizes: the largest page, so a list shows everything it would show.
      if (name === 'limit' && typeof schema.maximum === 'number') return schema.maximum;
      if (typeof schema.minimum === 'number') return schema.minimum;
      if (typeof schema.exclusiveMinimum === 'number')
        return type === 'integer' ? schema.exclusiveMinimum + 1 : schema.exclusiveMinimum + 0.5;
      return typeof schema.maximum === 'number' ? Math.min(1, schema.maximum) : 1;
    }
    case 'boolean':
      return false;
    case 'null':
      return null;
    case 'array':
      return Array.from({ length: schema.minItems ?? 0 }, () =>
        sampleFromSchema(schema.items ?? {}, hints, name.replace(/s$/, '')),
      );
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const key of schema.required ?? []) out[key] = sampleFromSchema(schema.properties?.[key] ?? {}, hints, key);
      return out;
    }
    default:
      return 'sample';
  }
}

export const SAMPLE_COLLECTOR_YAML = `receivers:
  otlp:
    protocols:
      http:
        endpoint: 0.0.0.0:4318
processors:
  batch: {}
exporters:
  debug: {}
service:
  pipelines:
    metrics:
      receivers: [otlp]
      processors: [batch]
      exporters: [debug]
`;

// ---------------------------------------------------------------------------------------------
// Calling operations.

export interface CallResult {
  status: number;
  body: unknown;
  text: string;
  headers: Record<string, string | string[] | number | undefined>;
  timedOut: boolean;
  /** A text/event-stream answer: `text` holds what arrived in the first moments; the stream is left open. */
  streaming: boolean;
}

/**
 * app.inject with a timeout, that also copes with Server-Sent Events: a streaming answer resolves with
 * its status, headers and first bytes instead of waiting for an end that never comes.
 */
export async function inject(
  fg: Flowgate,
  req: { method: Method; url: string; token?: string; payload?: unknown; headers?: Record<string, string> },
  timeoutMs = 10_000,
): Promise<CallResult> {
  const headers: Record<string, string> = {
    ...(req.token ? { authorization: `Bearer ${req.token}` } : {}),
    ...req.headers,
  };
  const run = (async (): Promise<CallResult> => {
    const res = await fg.app.inject({
      method: req.method,
      url: req.url,
      headers,
      payloadAsStream: true,
      ...(req.payload === undefined ? {} : { payload: req.payload as object }),
    });
    const stream = res.stream();
    const chunks: Buffer[] = [];
    const streaming = String(res.headers['content-type'] ?? '').includes('text/event-stream');
    if (streaming) {
      stream.on('data', (c: Buffer) => chunks.push(c));
      await new Promise((r) => setTimeout(r, 300));
      stream.removeAllListeners('data');
    } else {
      for await (const c of stream) chunks.push(Buffer.from(c as Buffer));
    }
    const text = Buffer.concat(chunks).toString('utf8');
    let body: unknown = null;
    if (!streaming) {
      try {
        body = text ? JSON.parse(text) : null;
      } catch {
        body = text;
      }
    }
    return { status: res.statusCode, body, text, headers: res.headers, timedOut: false, streaming };
  })();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<CallResult>((resolve) => {
    timer = setTimeout(
      () => resolve({ status: 0, body: null, text: '', headers: {}, timedOut: true, streaming: false }),
      timeoutMs,
    );
  });
  try {
    return await Promise.race([run, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export interface BuiltRequest {
  method: Method;
  url: string;
  payload: unknown;
}

/**
 * Fills an operation: org_id (path or query) from `orgId` when given, other path params from
 * `pathValue`, required query params from their schema, and a minimal body from the body schema.
 */
export function buildRequest(
  op: Operation,
  opts: { orgId?: string; pathValue(p: Param): string; hints?: SampleHints },
): BuiltRequest {
  let url = op.path;
  for (const p of op.pathParams) {
    const v = p.name === 'org_id' && opts.orgId ? opts.orgId : opts.pathValue(p);
    url = url.replace(`{${p.name}}`, encodeURIComponent(v));
  }
  const q = new URLSearchParams();
  for (const p of op.queryParams) {
    if (p.name === 'org_id') {
      if (opts.orgId) q.set('org_id', opts.orgId);
    } else if (p.required) {
      q.set(p.name, String(sampleFromSchema(p.schema, opts.hints, p.name)));
    }
  }
  const qs = q.toString();
  const payload = op.body ? sampleFromSchema(op.body, opts.hints) : undefined;
  return { method: op.method, url: qs ? `${url}?${qs}` : url, payload };
}

// ---------------------------------------------------------------------------------------------
// Real resources of one org, created through the API. Keyed by collection path; routes that do not
// exist (yet) are simply never asked for.

export interface OrgContext {
  fg: Flowgate;
  /** A token of an owner of the org. */
  token: string;
  orgId: string;
  /** user id of that owner */
  ownerUserId: string;
  ops: Operation[];
  /** Values a factory remembers for another (e.g. a registration token's plaintext). */
  extras: Map<string, string>;
  cache: Map<string, Promise<string | null>>;
  /** Where each id came from, for the test report. */
  notes: string[];
}

type Factory = (ctx: OrgContext) => Promise<string | null>;

const has = (ctx: OrgContext, method: Method, path: string) =>
  ctx.ops.some((o) => o.method === method && o.path === path);
const uuidRe = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const idOf = (r: CallResult): string | null => {
  const b = r.body as { id?: unknown } | null;
  return r.status >= 200 && r.status < 300 && b && typeof b.id === 'string' && uuidRe.test(b.id) ? b.id : null;
};

async function post(ctx: OrgContext, path: string, payload: unknown, token = ctx.token): Promise<CallResult> {
  return inject(ctx.fg, {
    method: 'POST',
    url: `${path}${path.includes('?') ? '&' : '?'}org_id=${ctx.orgId}`,
    token,
    payload,
  });
}

export const factories: Record<string, Factory> = {
  '/api/v1/api-keys': async (ctx) =>
    idOf(await post(ctx, '/api/v1/api-keys', { name: `fixture-${randomUUID().slice(0, 6)}`, role: 'viewer' })),
  '/api/v1/registration-tokens': async (ctx) => {
    if (!has(ctx, 'POST', '/api/v1/registration-tokens')) return null;
    const r = await post(ctx, '/api/v1/registration-tokens', {
      name: `fixture-${randomUUID().slice(0, 6)}`,
      expires_in_days: 1,
    });
    const token = (r.body as { token?: string } | null)?.token;
    if (token) ctx.extras.set('registration_token', token);
    return idOf(r);
  },
  '/api/v1/gateways': async (ctx) => {
    if (!has(ctx, 'POST', '/api/v1/gateways')) return null;
    await resourceId(ctx, '/api/v1/registration-tokens');
    const reg = ctx.extras.get('registration_token');
    if (!reg) return null;
    const r = await inject(ctx.fg, {
      method: 'POST',
      url: '/api/v1/gateways',
      token: reg,
      payload: {
        name: `gw-${randomUUID().slice(0, 6)}`,
        instance_id: `inst-${randomUUID()}`,
        hostname: 'fixture-host',
      },
    });
    const opamp = (r.body as { opamp_token?: string } | null)?.opamp_token;
    if (opamp) ctx.extras.set('opamp_token', opamp);
    return idOf(r);
  },
  '/api/v1/templates': async (ctx) => {
    if (!has(ctx, 'POST', '/api/v1/templates')) return null;
    return idOf(
      await post(ctx, '/api/v1/templates', {
        name: `fixture-${randomUUID().slice(0, 6)}`,
        config_yaml: SAMPLE_COLLECTOR_YAML,
      }),
    );
  },
  '/api/v1/deployments': async (ctx) => {
    if (!has(ctx, 'POST', '/api/v1/deployments')) return null;
    const templateId = await resourceId(ctx, '/api/v1/templates');
    const gatewayId = await resourceId(ctx, '/api/v1/gateways');
    if (!templateId || !gatewayId) return null;
    return idOf(
      await post(ctx, '/api/v1/deployments', {
        template_id: templateId,
        version: 1,
        target: { gateway_ids: [gatewayId] },
      }),
    );
  },
  // Secrets are addressed by name (PUT /api/v1/secrets {name, value}, DELETE /api/v1/secrets/{name}).
  '/api/v1/secrets': async (ctx) => {
    const method = has(ctx, 'PUT', '/api/v1/secrets') ? 'PUT' : has(ctx, 'POST', '/api/v1/secrets') ? 'POST' : null;
    if (!method) return null;
    const name = `FIXTURE_${randomUUID().slice(0, 6).toUpperCase()}`;
    const r = await inject(ctx.fg, {
      method,
      url: `/api/v1/secrets?org_id=${ctx.orgId}`,
      token: ctx.token,
      payload: { name, value: 'fixture-secret-value' },
    });
    return r.status >= 200 && r.status < 300 ? name : null;
  },
  // ── backend presets ── a saved backend needs a config its preset accepts.
  '/api/v1/backends': async (ctx) => {
    if (!has(ctx, 'POST', '/api/v1/backends')) return null;
    return idOf(
      await post(ctx, '/api/v1/backends', {
        name: `fixture-${randomUUID().slice(0, 6)}`,
        type: 'backend.prometheus_remote_write',
        config: { endpoint: 'http://127.0.0.1:9/api/v1/write' },
      }),
    );
  },
  // ── logs (log studio) ──
  '/api/v1/logs/samples': async (ctx) =>
    idOf(
      await post(ctx, '/api/v1/logs/samples', { name: 'fixture sample', content: 'fixture line 1\nfixture line 2\n' }),
    ),
  // ──
  // ── events, webhooks, alert rules ── a webhook on an event nothing sends in the background (so no
  // delivery changes the org's rows while the tests compare them), and an event-driven alert rule.
  '/api/v1/webhooks': async (ctx) => {
    if (!has(ctx, 'POST', '/api/v1/webhooks')) return null;
    return idOf(
      await post(ctx, '/api/v1/webhooks', {
        name: `fixture-${randomUUID().slice(0, 6)}`,
        url: 'https://hooks.example.com/flowgate',
        events: ['webhook.test'],
      }),
    );
  },
  '/api/v1/alert-rules': async (ctx) => {
    if (!has(ctx, 'POST', '/api/v1/alert-rules')) return null;
    return idOf(
      await post(ctx, '/api/v1/alert-rules', { name: `fixture-${randomUUID().slice(0, 6)}`, kind: 'rollout_failed' }),
    );
  },
  // A member of the org: its owner.
  '/api/v1/orgs/{org_id}/members': async (ctx) => ctx.ownerUserId,
  // ── usage ── an uploaded dashboard (a connector would call out to a server).
  '/api/v1/usage/sources': async (ctx) => {
    if (!has(ctx, 'POST', '/api/v1/usage/sources')) return null;
    const dashboard = { title: 'Fixture', panels: [{ id: 1, title: 'Up', targets: [{ expr: 'sum by (job) (up)' }] }] };
    return idOf(
      await post(ctx, '/api/v1/usage/sources', {
        kind: 'grafana_dashboard',
        name: `fixture-${randomUUID().slice(0, 6)}`,
        content: JSON.stringify(dashboard),
      }),
    );
  },
};

/** Any other collection with a POST taking JSON: try creating one from the schema. */
async function genericCreate(ctx: OrgContext, collection: string): Promise<string | null> {
  const op = ctx.ops.find((o) => o.method === 'POST' && o.path === collection);
  if (!op || isGatewayOrPublicRoute(op)) return null;
  const req = buildRequest(op, { orgId: ctx.orgId, pathValue: () => randomUUID(), hints: hintsFor(ctx) });
  return idOf(await inject(ctx.fg, { method: 'POST', url: req.url, token: ctx.token, payload: req.payload ?? {} }));
}

/** A real resource id of the org for a collection path, or null when none can be created. Memoised. */
export function resourceId(ctx: OrgContext, collection: string): Promise<string | null> {
  let p = ctx.cache.get(collection);
  if (!p) {
    p = (async () => {
      const f = factories[collection];
      const viaFactory = f ? await f(ctx).catch(() => null) : null;
      if (viaFactory) {
        ctx.notes.push(`${collection}: real resource ${viaFactory}`);
        return viaFactory;
      }
      const generic = await genericCreate(ctx, collection).catch(() => null);
      if (generic) ctx.notes.push(`${collection}: real resource ${generic} (created from the request schema)`);
      else ctx.notes.push(`${collection}: no resource could be created, random ids used`);
      return generic;
    })();
    ctx.cache.set(collection, p);
  }
  return p;
}

const NAME_TO_COLLECTION: Record<string, string> = {
  template_id: '/api/v1/templates',
  gateway_id: '/api/v1/gateways',
  deployment_id: '/api/v1/deployments',
  registration_token_id: '/api/v1/registration-tokens',
  secret_id: '/api/v1/secrets',
  api_key_id: '/api/v1/api-keys',
  backend_id: '/api/v1/backends',
};

/** Body hints: uuid properties named after a resource get the org's real resource (when already created). */
export function hintsFor(ctx: OrgContext): SampleHints {
  return {
    uuidFor(name) {
      const collection = NAME_TO_COLLECTION[name] ?? NAME_TO_COLLECTION[name.replace(/s$/, '')];
      return collection ? ctx.extras.get(`id:${collection}`) : undefined;
    },
  };
}

/** Creates (up front) every resource that the given operations address, so ids and hints are ready. */
export async function prepareResources(ctx: OrgContext, ops: Operation[]): Promise<void> {
  const collections = new Set<string>();
  for (const op of ops) {
    for (const p of resourceParams(op))
      if (p.schema.type !== 'integer' && p.schema.type !== 'number') collections.add(collectionOf(op.path, p.name));
  }
  for (const c of Object.keys(factories))
    if (ctx.ops.some((o) => o.path === c || o.path.startsWith(`${c}/`))) collections.add(c);
  for (const c of [...collections].sort()) {
    const id = await resourceId(ctx, c);
    if (id) ctx.extras.set(`id:${c}`, id);
  }
}

/** Path parameter values addressing the org's real resources (random UUIDs where none exist). */
export function pathValueFor(ctx: OrgContext, op: Operation): (p: Param) => string {
  return (p) => {
    const real = ctx.extras.get(`id:${collectionOf(op.path, p.name)}`);
    if (p.schema.format === 'uuid' || /(^|_)id$/.test(p.name)) return real ?? randomUUID();
    if (p.schema.type === 'integer' || p.schema.type === 'number') return String(sampleFromSchema(p.schema));
    return real ?? String(sampleFromSchema(p.schema, {}, p.name));
  };
}

export function newOrgContext(
  fg: Flowgate,
  ops: Operation[],
  token: string,
  orgId: string,
  ownerUserId: string,
): OrgContext {
  return { fg, token, orgId, ownerUserId, ops, extras: new Map(), cache: new Map(), notes: [] };
}

// ---------------------------------------------------------------------------------------------
// Everything the database holds for one org: rows of every table with an org_id column, the org row
// itself, and the users who are its members. Two equal snapshots mean nothing of the org changed.

/** Columns that change by merely authenticating (an API key's last use), not by an operation. */
const VOLATILE_COLUMNS = ['last_used_at'];

export async function snapshotOrg(fg: Flowgate, orgId: string): Promise<Record<string, string[]>> {
  const tables = await fg.db.query<{ table_name: string }>(
    `SELECT table_name FROM information_schema.columns ` +
      `WHERE table_schema = 'public' AND column_name = 'org_id' ORDER BY table_name`,
  );
  const out: Record<string, string[]> = {};
  for (const { table_name } of tables) {
    const rows = await fg.db.query<{ j: string }>(
      `SELECT (to_jsonb(t) - $2::text[])::text AS j FROM "${table_name}" t WHERE org_id = $1`,
      [orgId, VOLATILE_COLUMNS],
    );
    out[table_name] = rows.map((r) => r.j).sort();
  }
  out.organizations = (
    await fg.db.query<{ j: string }>('SELECT row_to_json(t)::text AS j FROM organizations t WHERE id = $1', [orgId])
  ).map((r) => r.j);
  out.member_users = (
    await fg.db.query<{ j: string }>(
      'SELECT row_to_json(u)::text AS j FROM users u WHERE id IN (SELECT user_id FROM memberships WHERE org_id = $1)',
      [orgId],
    )
  )
    .map((r) => r.j)
    .sort();
  return out;
}

/** Human-readable difference between two snapshots ('' when equal). */
export function diffSnapshots(a: Record<string, string[]>, b: Record<string, string[]>): string {
  const lines: string[] = [];
  for (const table of new Set([...Object.keys(a), ...Object.keys(b)])) {
    const before = new Set(a[table] ?? []);
    const after = new Set(b[table] ?? []);
    for (const r of before) if (!after.has(r)) lines.push(`${table}: - ${r.slice(0, 300)}`);
    for (const r of after) if (!before.has(r)) lines.push(`${table}: + ${r.slice(0, 300)}`);
  }
  return lines.join('\n');
}

export function errorCodeOf(r: CallResult): string | undefined {
  return (r.body as { error?: { code?: string } } | null)?.error?.code;
}
