// What `apply` would change, per document, against the org's objects on the server — and the checks the
// server makes without changing anything (template validation, backend presets, references). Every
// problem of every document is collected before anything is applied.
import { parse } from 'yaml';
import { checkBlock } from '@flowgate/config-model';
import { unifiedDiff } from '../modules/templates/unified-diff.ts';
import { maskUrl } from '../modules/webhooks/webhooks.service.ts';
import { ApiError } from './client.ts';
import { configText, where, type Document, type Kind } from './documents.ts';
import { sameJson, type State } from './state.ts';

export { readState, type State } from './state.ts';

export interface Change {
  doc: Document;
  action: 'create' | 'update' | 'replace' | 'unchanged';
  /** What changes, one line each (a template's diff, fields before → after). */
  detail: string[];
  run(state: State): Promise<string>;
}

type Planner = (doc: Document, state: State, problems: string[]) => Promise<Change | null>;

const planTemplate: Planner = async (doc, state, problems) => {
  const text = configText(doc.spec.config);
  const description = (doc.spec.description as string | undefined) ?? undefined;
  const v = await state.client.post<{ valid: boolean; errors: { message: string; line: number | null }[] }>(
    '/api/v1/validation',
    {
      config_yaml: text,
    },
  );
  if (!v.valid) {
    for (const e of v.errors)
      problems.push(`${where(doc)}: spec.config${e.line ? ` line ${e.line}` : ''}: ${e.message}`);
    return null;
  }
  const existing = state.templates.find((t) => t.name === doc.name);
  if (!existing) {
    state.plannedLatest.set(doc.name, 1);
    return {
      doc,
      action: 'create',
      detail: ['version 1'],
      run: async (s) => {
        const t = await s.client.post<{ id: string }>('/api/v1/templates', {
          name: doc.name,
          description,
          config_yaml: text,
          message: 'flowgate apply',
        });
        s.templateIds.set(doc.name, t.id);
        return 'created version 1';
      },
    };
  }
  const current = await state.client.get<{
    description: string | null;
    latest: { version: number; config_yaml: string };
  }>(`/api/v1/templates/${existing.id}`);
  const same =
    current.latest.config_yaml === text ||
    (typeof doc.spec.config !== 'string' && sameJson(parse(current.latest.config_yaml), doc.spec.config));
  const note =
    description !== undefined && description !== (current.description ?? undefined)
      ? ['description differs: a template keeps the description it was created with']
      : [];
  if (same) return { doc, action: 'unchanged', detail: note, run: async () => 'unchanged' };
  const next = current.latest.version + 1;
  state.plannedLatest.set(doc.name, next);
  const diff = unifiedDiff(current.latest.config_yaml, text, { from: `v${current.latest.version}`, to: `v${next}` });
  return {
    doc,
    action: 'update',
    detail: [`new version ${next}`, ...note, ...diff.split('\n').filter(Boolean)],
    run: async (s) => {
      const r = await s.client.post<{ version: number }>(`/api/v1/templates/${existing.id}/versions`, {
        config_yaml: text,
        base_version: current.latest.version,
        message: 'flowgate apply',
      });
      return `created version ${r.version}`;
    },
  };
};

const planDeployment: Planner = async (doc, state, problems) => {
  const spec = doc.spec as {
    template: string;
    version?: number | 'latest';
    target: { tags?: Record<string, string>; gateways?: string[] };
    strategy?: Record<string, unknown>;
  };
  const latest = state.plannedLatest.get(spec.template);
  if (latest === undefined) {
    problems.push(
      `${where(doc)}: spec.template: no template named "${spec.template}" in this organization or in these documents`,
    );
    return null;
  }
  const version = typeof spec.version === 'number' ? spec.version : latest;
  if (version > latest)
    problems.push(
      `${where(doc)}: spec.version: template "${spec.template}" has no version ${version} (latest ${latest})`,
    );
  let target: { tags?: Record<string, string>; gateway_ids?: string[] } = {};
  if (spec.target.tags) {
    target = { tags: spec.target.tags };
    const wanted = Object.entries(spec.target.tags);
    if (!state.gateways.some((g) => wanted.every(([k, v]) => g.tags?.[k] === v)))
      problems.push(
        `${where(doc)}: spec.target.tags: no gateway of this organization is tagged ${wanted.map(([k, v]) => `${k}=${v}`).join(', ')}`,
      );
  } else {
    const ids: string[] = [];
    for (const name of spec.target.gateways ?? []) {
      const matches = state.gateways.filter((g) => g.name === name);
      if (matches.length === 1) ids.push(matches[0]!.id);
      else
        problems.push(
          `${where(doc)}: spec.target.gateways: ${matches.length ? `${matches.length} gateways are named` : 'no gateway named'} "${name}" in this organization`,
        );
    }
    target = { gateway_ids: ids.sort() };
  }
  const strategy = { type: 'all_at_once', ...spec.strategy };
  if (problems.some((p) => p.startsWith(where(doc)))) return null;
  const templateId = state.templateIds.get(spec.template);
  const last = state.deployments.find((d) => d.name === doc.name);
  const lastTarget = last
    ? {
        ...last.target,
        ...(last.target.gateway_ids ? { gateway_ids: [...(last.target.gateway_ids as string[])].sort() } : {}),
      }
    : null;
  if (
    last &&
    templateId &&
    last.template_id === templateId &&
    last.version === version &&
    sameJson(lastTarget, target) &&
    sameJson(last.strategy, strategy)
  )
    return { doc, action: 'unchanged', detail: [], run: async () => 'unchanged' };
  const detail = [
    `roll out ${spec.template} v${version} to ${
      target.tags
        ? `gateways tagged ${Object.entries(target.tags)
            .map(([k, v]) => `${k}=${v}`)
            .join(',')}`
        : `${target.gateway_ids!.length} gateway(s)`
    } (${strategy.type})`,
  ];
  if (last)
    detail.push(
      `the last rollout named ${doc.name} was ${last.version === version ? 'the same version with other settings' : `version ${last.version}`}`,
    );
  return {
    doc,
    action: 'create',
    detail,
    run: async (s) => {
      const id = s.templateIds.get(spec.template);
      if (!id) throw new Error(`template ${spec.template} was not created`);
      const d = await s.client.post<{ id: string; targets: unknown[] }>('/api/v1/deployments', {
        name: doc.name,
        template_id: id,
        version,
        target,
        strategy,
      });
      return `started rollout ${d.id} to ${d.targets.length} gateway(s)`;
    },
  };
};

const planBackend: Planner = async (doc, state, problems) => {
  const spec = doc.spec as { type: string; config: Record<string, unknown> };
  const r = await state.client.post<{ valid: boolean; problems: { path: string; message: string }[] }>(
    '/api/v1/blocks/render',
    spec,
  );
  if (!r.valid) {
    for (const p of r.problems) problems.push(`${where(doc)}: spec.config${p.path ? `.${p.path}` : ''}: ${p.message}`);
    return null;
  }
  const normalized = checkBlock(spec.type, spec.config, { secretNames: state.secretNames, signals: [] }).config;
  const existing = state.backends.find((b) => b.name === doc.name);
  if (!existing)
    return {
      doc,
      action: 'create',
      detail: [spec.type],
      run: async (s) => (await s.client.post('/api/v1/backends', { name: doc.name, ...spec }), 'created'),
    };
  if (existing.type !== spec.type) {
    problems.push(
      `${where(doc)}: spec.type: the backend is a ${existing.type}; a backend's type cannot change (delete it first)`,
    );
    return null;
  }
  if (sameJson(existing.config, normalized))
    return { doc, action: 'unchanged', detail: [], run: async () => 'unchanged' };
  const changed = [...new Set([...Object.keys(existing.config), ...Object.keys(normalized)])].filter(
    (k) => !sameJson(existing.config[k], normalized[k]),
  );
  return {
    doc,
    action: 'update',
    detail: changed.map(
      (k) => `config.${k}: ${JSON.stringify(existing.config[k] ?? null)} → ${JSON.stringify(normalized[k] ?? null)}`,
    ),
    run: async (s) => (await s.client.patch(`/api/v1/backends/${existing.id}`, { config: spec.config }), 'updated'),
  };
};

const planWebhook: Planner = async (doc, state, problems) => {
  const spec = { format: 'json', ...doc.spec } as {
    url: string;
    events: string[];
    format: string;
    enabled?: boolean;
    jira?: { token_secret: string };
    github?: { token_secret: string };
  };
  const token = (spec.jira ?? spec.github)?.token_secret;
  if (token && !state.secretNames.has(token))
    problems.push(`${where(doc)}: spec.${spec.format}.token_secret: the organization has no secret named ${token}`);
  const existing = state.webhooks.find((w) => w.name === doc.name);
  if (!existing)
    return {
      doc,
      action: 'create',
      detail: [`${spec.format} to ${maskUrl(spec.url)} on ${spec.events.join(', ')}`],
      run: async (s) => {
        const w = await s.client.post<{ secret: string }>('/api/v1/webhooks', { name: doc.name, ...spec });
        return `created; signing secret ${s.showSecrets ? w.secret : '(not shown: pass --show-secrets, or rotate it later)'}`;
      },
    };
  if (existing.format !== spec.format) {
    problems.push(
      `${where(doc)}: spec.format: the webhook is ${existing.format}; its format cannot change (delete it first)`,
    );
    return null;
  }
  const want = {
    url: maskUrl(spec.url),
    events: spec.events,
    enabled: spec.enabled ?? true,
    jira: spec.jira ?? null,
    github: spec.github ?? null,
  };
  const have = {
    url: existing.url,
    events: existing.events,
    enabled: existing.enabled,
    jira: existing.jira,
    github: existing.github,
  };
  const changed = (Object.keys(want) as (keyof typeof want)[]).filter((k) => !sameJson(want[k], have[k]));
  // URLs are compared in their masked form: the server never shows a webhook's URL again.
  if (changed.length === 0) return { doc, action: 'unchanged', detail: [], run: async () => 'unchanged' };
  return {
    doc,
    action: 'update',
    detail: changed.map((k) => `${k}: ${JSON.stringify(have[k])} → ${JSON.stringify(want[k])}`),
    run: async (s) => {
      const body: Record<string, unknown> = {};
      if (changed.includes('url')) body.url = spec.url;
      for (const k of ['events', 'enabled', 'jira', 'github'] as const)
        if (changed.includes(k) && spec[k] !== undefined) body[k] = spec[k];
      if (changed.includes('enabled')) body.enabled = spec.enabled ?? true;
      await s.client.patch(`/api/v1/webhooks/${existing.id}`, body);
      return 'updated';
    },
  };
};

const planUsageSource: Planner = async (doc, state, problems) => {
  if (state.usageSources === null) {
    problems.push(`${where(doc)}: this Flowgate server has no usage sources API (/api/v1/usage/sources)`);
    return null;
  }
  const spec = doc.spec as { kind: string; content?: string; url?: string; token_secret?: string };
  if (spec.token_secret && !state.secretNames.has(spec.token_secret))
    problems.push(`${where(doc)}: spec.token_secret: the organization has no secret named ${spec.token_secret}`);
  const body =
    spec.content !== undefined
      ? { kind: spec.kind, name: doc.name, content: spec.content }
      : {
          kind: spec.kind,
          name: doc.name,
          url: spec.url,
          ...(spec.token_secret ? { token_secret: spec.token_secret } : {}),
        };
  const existing = state.usageSources.find((u) => u.name === doc.name);
  const create = async (s: State) => (await s.client.post('/api/v1/usage/sources', body), 'created');
  if (!existing) return { doc, action: 'create', detail: [spec.kind], run: create };
  const upload = spec.content !== undefined;
  if (
    !upload &&
    existing.kind === spec.kind &&
    existing.url === spec.url &&
    (existing.token_secret ?? null) === (spec.token_secret ?? null)
  )
    return { doc, action: 'unchanged', detail: [], run: async () => 'unchanged' };
  return {
    doc,
    action: 'replace',
    detail: [
      upload
        ? 'an upload is replaced on every apply (the server keeps no content to compare)'
        : `${existing.kind} ${existing.url ?? ''} → ${spec.kind} ${spec.url}`,
    ],
    run: async (s) => {
      await s.client.delete(`/api/v1/usage/sources/${existing.id}`);
      await create(s);
      return 'replaced';
    },
  };
};

const planners: Record<Kind, Planner> = {
  BackendPreset: planBackend,
  Template: planTemplate,
  UsageSource: planUsageSource,
  Webhook: planWebhook,
  Deployment: planDeployment,
};
/** The order objects are applied in: what a later kind refers to comes first. */
export const APPLY_ORDER: Kind[] = ['BackendPreset', 'Template', 'UsageSource', 'Webhook', 'Deployment'];

export class PlanError extends Error {}

/** Every change, in apply order; throws PlanError listing every problem when any document is wrong. */
export async function planAll(docs: Document[], state: State, opts: { showSecrets?: boolean } = {}): Promise<Change[]> {
  state.showSecrets = opts.showSecrets === true;
  const problems: string[] = [];
  const changes: Change[] = [];
  for (const kind of APPLY_ORDER)
    for (const doc of docs.filter((d) => d.kind === kind)) {
      try {
        const c = await planners[kind](doc, state, problems);
        if (c) changes.push(c);
      } catch (err) {
        if (err instanceof ApiError && err.status > 0 && err.status < 500)
          problems.push(`${where(doc)}: ${err.code}: ${err.message}`);
        else throw err;
      }
    }
  if (problems.length) throw new PlanError(problems.join('\n'));
  return changes;
}
