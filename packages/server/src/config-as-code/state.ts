// What the server holds for the org, read once through the API before anything is planned.
import { ApiError, type Client } from './client.ts';

export interface TemplateRef {
  id: string;
  name: string;
  latest_version: number;
}
export interface Named {
  id: string;
  name: string;
}

/** What the server holds for the org, read once. */
export interface State {
  client: Client;
  templates: TemplateRef[];
  /** Template name → the version a Deployment's `latest` means once this apply ran (planned). */
  plannedLatest: Map<string, number>;
  /** Template name → id, including templates this apply creates (filled as they are created). */
  templateIds: Map<string, string>;
  gateways: (Named & { tags?: Record<string, string> })[];
  deployments: (Named & {
    template_id: string;
    version: number;
    target: Record<string, unknown>;
    strategy: Record<string, unknown>;
    created_at: string;
  })[];
  backends: (Named & { type: string; config: Record<string, unknown> })[];
  webhooks: (Named & {
    url: string;
    events: string[];
    format: string;
    enabled: boolean;
    jira: unknown;
    github: unknown;
  })[];
  usageSources: (Named & { kind: string; url: string | null; token_secret: string | null })[] | null;
  secretNames: Set<string>;
  /** Print the signing secrets of webhooks this apply creates. */
  showSecrets: boolean;
}

/** Deep equality of JSON values, key order ignored. */
export function sameJson(a: unknown, b: unknown): boolean {
  const norm = (v: unknown): unknown =>
    Array.isArray(v)
      ? v.map(norm)
      : v && typeof v === 'object'
        ? Object.fromEntries(
            Object.entries(v as Record<string, unknown>)
              .filter(([, x]) => x !== undefined && x !== null)
              .sort(([x], [y]) => (x < y ? -1 : 1))
              .map(([k, x]) => [k, norm(x)]),
          )
        : v;
  return JSON.stringify(norm(a)) === JSON.stringify(norm(b));
}

export async function readState(client: Client): Promise<State> {
  const list = async <T>(path: string) => (await client.get<{ items: T[] }>(path)).items;
  let usageSources: State['usageSources'] = null;
  try {
    usageSources = await list('/api/v1/usage/sources');
  } catch (err) {
    // A server without the usage module answers 404 for the route (not for the organization).
    if (!(err instanceof ApiError) || err.status !== 404 || /organization/i.test(err.message)) throw err;
  }
  const [templates, gateways, deployments, backends, webhooks, secrets] = await Promise.all([
    client.all<TemplateRef>('/api/v1/templates'),
    client.all<State['gateways'][number]>('/api/v1/gateways'),
    list<State['deployments'][number]>('/api/v1/deployments?limit=500'),
    list<State['backends'][number]>('/api/v1/backends'),
    list<State['webhooks'][number]>('/api/v1/webhooks'),
    list<{ name: string }>('/api/v1/secrets'),
  ]);
  return {
    client,
    templates,
    plannedLatest: new Map(templates.map((t) => [t.name, t.latest_version])),
    templateIds: new Map(templates.map((t) => [t.name, t.id])),
    gateways,
    deployments,
    backends,
    webhooks,
    usageSources,
    secretNames: new Set(secrets.map((s) => s.name)),
    showSecrets: false,
  };
}
