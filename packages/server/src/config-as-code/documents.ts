// Configuration as code: YAML documents (`apiVersion: flowgate.dev/v1`, `kind`, `metadata.name`, `spec`)
// read from a file or a directory, checked locally — every problem of every document, each naming its
// file and document — before anything is sent to a server. Pure apart from reading the files.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { parseAllDocuments, stringify } from 'yaml';
import { Value } from '@sinclair/typebox/value';
import { Type, type TSchema } from '@sinclair/typebox';
import {
  CreateWebhookBody,
  DeploymentStrategy,
  Tags,
  eventPatternProblem,
  webhookFormats,
} from '@flowgate/config-model';

export const API_VERSION = 'flowgate.dev/v1';
export const KINDS = ['BackendPreset', 'Template', 'UsageSource', 'Webhook', 'Deployment'] as const;
export type Kind = (typeof KINDS)[number];

const Name = Type.String({ minLength: 1, maxLength: 100, pattern: '\\S' });
const specs: Record<Kind, TSchema> = {
  Template: Type.Object(
    {
      description: Type.Optional(Type.String({ maxLength: 2000 })),
      config: Type.Union([Type.String({ minLength: 1 }), Type.Record(Type.String(), Type.Unknown())]),
    },
    { additionalProperties: false },
  ),
  Deployment: Type.Object(
    {
      template: Name,
      version: Type.Optional(Type.Union([Type.Integer({ minimum: 1 }), Type.Literal('latest')])),
      target: Type.Object(
        {
          tags: Type.Optional(Tags),
          gateways: Type.Optional(Type.Array(Type.String({ minLength: 1 }), { minItems: 1, maxItems: 10_000 })),
        },
        { additionalProperties: false },
      ),
      strategy: Type.Optional(DeploymentStrategy),
    },
    { additionalProperties: false },
  ),
  Webhook: Type.Omit(CreateWebhookBody, ['name']),
  BackendPreset: Type.Object(
    { type: Type.String({ minLength: 1, maxLength: 100 }), config: Type.Record(Type.String(), Type.Unknown()) },
    { additionalProperties: false },
  ),
  UsageSource: Type.Object(
    {
      kind: Type.Union(['grafana_dashboard', 'prometheus_rules', 'grafana', 'prometheus'].map((k) => Type.Literal(k))),
      content: Type.Optional(Type.String({ minLength: 1 })),
      content_file: Type.Optional(Type.String({ minLength: 1, description: 'relative to the YAML file' })),
      url: Type.Optional(Type.String({ minLength: 1 })),
      token_secret: Type.Optional(Type.String({ pattern: '^[A-Za-z_][A-Za-z0-9_]{0,63}$' })),
    },
    { additionalProperties: false },
  ),
};

export interface Document {
  file: string;
  /** 1-based position in its file. */
  index: number;
  kind: Kind;
  name: string;
  spec: Record<string, unknown>;
}

export class DocumentError extends Error {}

/** "deploy/x.yaml: document 2 (Template/checkout)" */
export const where = (d: Pick<Document, 'file' | 'index'> & { kind?: string; name?: string }) =>
  `${d.file}: document ${d.index}${d.kind ? ` (${d.kind}/${d.name ?? '?'})` : ''}`;

/** The YAML files of a path: the file itself, or a directory's *.yaml / *.yml, recursively, in name order. */
export function filesOf(path: string): string[] {
  const st = statSync(path);
  if (st.isFile()) return [path];
  const out: string[] = [];
  for (const entry of readdirSync(path).sort()) {
    if (entry.startsWith('.')) continue;
    const full = join(path, entry);
    if (statSync(full).isDirectory()) out.push(...filesOf(full));
    else if (/\.ya?ml$/i.test(entry)) out.push(full);
  }
  return out;
}

const ENV_REF = /\$\{env:([A-Za-z_][A-Za-z0-9_]*)\}/g;
/** `${env:NAME}` in URLs (a Slack webhook URL is a credential: keep it out of git). */
export function expandEnv(text: string, env: NodeJS.ProcessEnv, missing: string[]): string {
  return text.replace(ENV_REF, (_, name: string) => {
    const v = env[name];
    if (v === undefined || v === '') {
      missing.push(name);
      return '';
    }
    return v;
  });
}

/** A Template's configuration as the text stored in its version. */
export const configText = (config: unknown) => (typeof config === 'string' ? config : stringify(config));

/**
 * Reads every document of the given paths and checks each one. Returns the documents, or throws one
 * DocumentError listing every problem (with file and document) when any is wrong.
 */
export function readDocuments(paths: string[], opts: { env?: NodeJS.ProcessEnv; cwd?: string } = {}): Document[] {
  const env = opts.env ?? process.env;
  const cwd = opts.cwd ?? process.cwd();
  const problems: string[] = [];
  const docs: Document[] = [];
  const parsedFiles: { full: string; file: string; docs: ReturnType<typeof parseAllDocuments> }[] = [];
  for (const path of paths) {
    let files: string[];
    try {
      files = filesOf(path);
    } catch (err) {
      problems.push(
        `${path}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or directory' : (err as Error).message}`,
      );
      continue;
    }
    if (files.length === 0) problems.push(`${path}: no .yaml or .yml files`);
    for (const full of files) {
      const file = relative(cwd, full) || full;
      try {
        parsedFiles.push({ full, file, docs: parseAllDocuments(readFileSync(full, 'utf8')) });
      } catch (err) {
        problems.push(`${file}: ${(err as Error).message}`);
      }
    }
  }
  // A file a UsageSource names as its content (a rule file next to it) is content, not documents.
  const contentFiles = new Set<string>();
  for (const f of parsedFiles)
    for (const d of Array.isArray(f.docs) ? f.docs : [f.docs]) {
      const raw = d.errors.length ? null : (d.toJS() as { kind?: unknown; spec?: { content_file?: unknown } } | null);
      if (raw?.kind === 'UsageSource' && typeof raw.spec?.content_file === 'string')
        contentFiles.add(resolve(f.full, '..', raw.spec.content_file));
    }
  for (const { full, file, docs: parsed } of parsedFiles) {
    if (contentFiles.has(resolve(full))) continue;
    const list = Array.isArray(parsed) ? parsed : [parsed];
    list.forEach((yamlDoc, i) => {
      const at = { file, index: i + 1 };
      if (yamlDoc.errors.length) {
        for (const e of yamlDoc.errors) problems.push(`${where(at)}: ${e.message.split('\n')[0]}`);
        return;
      }
      const raw = yamlDoc.toJS() as Record<string, unknown> | null;
      if (raw === null || raw === undefined) return; // an empty document (e.g. a trailing ---)
      const doc = checkDocument(raw, at, full, env, problems);
      if (doc) docs.push(doc);
    });
  }
  const seen = new Map<string, Document>();
  for (const d of docs) {
    const key = `${d.kind}/${d.name}`;
    const first = seen.get(key);
    if (first) problems.push(`${where(d)}: ${key} is also defined in ${where(first)}`);
    else seen.set(key, d);
  }
  if (problems.length) throw new DocumentError(problems.join('\n'));
  return docs;
}

function checkDocument(
  raw: Record<string, unknown>,
  at: { file: string; index: number },
  fullPath: string,
  env: NodeJS.ProcessEnv,
  problems: string[],
): Document | null {
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    problems.push(`${where(at)}: a document is a mapping with apiVersion, kind, metadata and spec`);
    return null;
  }
  const kind = raw.kind as Kind;
  const name = (raw.metadata as { name?: unknown } | undefined)?.name;
  const here = where({
    ...at,
    kind: typeof kind === 'string' ? kind : undefined,
    name: typeof name === 'string' ? name : undefined,
  });
  const before = problems.length;
  if (raw.apiVersion !== API_VERSION)
    problems.push(`${here}: apiVersion must be ${API_VERSION}, not ${JSON.stringify(raw.apiVersion ?? null)}`);
  if (!KINDS.includes(kind)) {
    problems.push(`${here}: unknown kind ${JSON.stringify(raw.kind ?? null)} (kinds: ${KINDS.join(', ')})`);
    return null;
  }
  if (typeof name !== 'string' || !Value.Check(Name, name))
    problems.push(`${here}: metadata.name is required (1–100 characters)`);
  for (const key of Object.keys(raw))
    if (!['apiVersion', 'kind', 'metadata', 'spec'].includes(key)) problems.push(`${here}: unknown field ${key}`);
  const spec = raw.spec as Record<string, unknown> | undefined;
  if (!spec || typeof spec !== 'object') {
    problems.push(`${here}: spec is required`);
    return null;
  }
  for (const e of Value.Errors(specs[kind], spec))
    problems.push(`${here}: spec${e.path.replace(/\//g, '.')}: ${e.message}`);
  if (problems.length > before) return null;
  // What the schemas cannot say.
  const missing: string[] = [];
  if (kind === 'Webhook') {
    spec.url = expandEnv(String(spec.url), env, missing);
    if (!/^https?:\/\//i.test(String(spec.url)) && !missing.length)
      problems.push(`${here}: spec.url must be an http(s) URL`);
    (spec.events as string[]).forEach((p, i) => {
      const problem = eventPatternProblem(p);
      if (problem) problems.push(`${here}: spec.events[${i}]: ${problem}`);
    });
    const format = (spec.format as string | undefined) ?? 'json';
    if (!(webhookFormats as readonly string[]).includes(format))
      problems.push(`${here}: spec.format must be one of ${webhookFormats.join(', ')}`);
    if ((format === 'jira' || format === 'github') && !spec[format])
      problems.push(`${here}: format ${format} needs spec.${format}`);
  }
  if (kind === 'Deployment') {
    const target = spec.target as { tags?: unknown; gateways?: unknown };
    if (!target.tags && !target.gateways) problems.push(`${here}: spec.target needs tags or gateways (names)`);
  }
  if (kind === 'UsageSource') {
    const upload = spec.kind === 'grafana_dashboard' || spec.kind === 'prometheus_rules';
    if (upload) {
      if (!!spec.content === !!spec.content_file)
        problems.push(`${here}: an upload takes spec.content or spec.content_file (one of them)`);
      if (spec.url || spec.token_secret)
        problems.push(`${here}: url and token_secret are for connectors (grafana, prometheus)`);
      if (spec.content_file) {
        try {
          spec.content = readFileSync(join(fullPath, '..', String(spec.content_file)), 'utf8');
        } catch (err) {
          problems.push(`${here}: spec.content_file: ${(err as Error).message}`);
        }
      }
    } else {
      if (!spec.url) problems.push(`${here}: a ${String(spec.kind)} connector needs spec.url`);
      else spec.url = expandEnv(String(spec.url), env, missing);
      if (spec.content || spec.content_file)
        problems.push(`${here}: content is for uploads (grafana_dashboard, prometheus_rules)`);
    }
  }
  for (const m of missing) problems.push(`${here}: environment variable ${m} is not set (\${env:${m}})`);
  if (problems.length > before) return null;
  return { ...at, kind, name: name as string, spec };
}
