// `flowgate apply -f`, `flowgate diff -f`, `flowgate export`: the org's configuration as YAML documents in
// git, applied through the REST API with an API key.
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { Document as YamlDocument } from 'yaml';
import { ApiError, createClient, type Client } from './client.ts';
import { API_VERSION, DocumentError, readDocuments, where } from './documents.ts';
import { PlanError, planAll, readState, type Change, type State } from './plan.ts';

export interface Io {
  out(text: string): void;
  err(text: string): void;
  env: NodeJS.ProcessEnv;
  cwd: string;
}

const SYMBOL: Record<Change['action'], string> = { create: '+', update: '~', replace: '±', unchanged: '=' };

function printPlan(io: Io, changes: Change[], verbose: boolean) {
  for (const c of changes) {
    const head = `${SYMBOL[c.action]} ${c.doc.kind}/${c.doc.name}: ${c.action}`;
    io.out(`${head}${c.detail[0] && c.action !== 'update' ? ` (${c.detail[0]})` : ''}\n`);
    const rest = c.action === 'update' ? c.detail : c.detail.slice(1);
    if (verbose || c.action !== 'unchanged') for (const line of rest) io.out(`    ${line}\n`);
  }
  const n = (a: Change['action']) => changes.filter((c) => c.action === a).length;
  io.out(
    `${n('create')} to create, ${n('update')} to update, ${n('replace')} to replace, ${n('unchanged')} unchanged\n`,
  );
}

function clientFrom(values: { server?: string; 'api-key'?: string; org?: string }, io: Io): Client {
  const apiKey = values['api-key'] ?? io.env.FLOWGATE_API_KEY;
  if (!apiKey)
    throw new Error('an API key is needed: --api-key or FLOWGATE_API_KEY (create one under Settings → API keys)');
  return createClient({
    server: values.server ?? io.env.FLOWGATE_URL ?? 'http://localhost:8000',
    apiKey,
    orgId: values.org ?? io.env.FLOWGATE_ORG ?? null,
  });
}

const options = {
  file: { type: 'string', short: 'f', multiple: true },
  server: { type: 'string' },
  'api-key': { type: 'string' },
  org: { type: 'string' },
  'show-secrets': { type: 'boolean' },
  output: { type: 'string', short: 'o' },
  verbose: { type: 'boolean', short: 'v' },
} as const;

/** Exit codes: 0 done (diff: nothing to change), 2 diff found changes, 1 an error (nothing applied by it). */
export async function runConfigCommand(cmd: 'apply' | 'diff' | 'export', argv: string[], io: Io): Promise<number> {
  let values;
  try {
    values = parseArgs({ args: argv, options, strict: true }).values;
  } catch (err) {
    io.err(`flowgate ${cmd}: ${(err as Error).message}\n`);
    return 1;
  }
  try {
    const client = clientFrom(values, io);
    if (cmd === 'export') {
      const text = await exportDocuments(client);
      if (values.output) writeFileSync(values.output, text);
      else io.out(text);
      return 0;
    }
    if (!values.file?.length) throw new Error(`-f <file or directory> is required`);
    const docs = readDocuments(values.file, { env: io.env, cwd: io.cwd });
    const state = await readState(client);
    const changes = await planAll(docs, state, { showSecrets: values['show-secrets'] });
    if (cmd === 'diff') {
      printPlan(io, changes, values.verbose === true);
      return changes.some((c) => c.action !== 'unchanged') ? 2 : 0;
    }
    let failed = false;
    for (const c of changes) {
      if (c.action === 'unchanged') {
        io.out(`= ${c.doc.kind}/${c.doc.name}: unchanged\n`);
        continue;
      }
      if (failed) {
        io.out(`  ${c.doc.kind}/${c.doc.name}: not applied (an earlier document failed)\n`);
        continue;
      }
      try {
        io.out(`${SYMBOL[c.action]} ${c.doc.kind}/${c.doc.name}: ${await c.run(state)}\n`);
      } catch (err) {
        failed = true;
        const msg = err instanceof ApiError ? `${err.code}: ${err.message}` : (err as Error).message;
        io.err(`flowgate apply: ${where(c.doc)}: ${msg}\n`);
      }
    }
    return failed ? 1 : 0;
  } catch (err) {
    if (err instanceof DocumentError || err instanceof PlanError) {
      io.err(`flowgate ${cmd}: nothing was applied; fix these first:\n${err.message.replace(/^/gm, '  ')}\n`);
      return 1;
    }
    if (err instanceof ApiError) {
      io.err(`flowgate ${cmd}: ${err.status ? `${err.code}: ` : ''}${err.message}\n`);
      return 1;
    }
    io.err(`flowgate ${cmd}: ${(err as Error).message}\n`);
    return 1;
  }
}

const envName = (name: string) =>
  `WEBHOOK_${name
    .toUpperCase()
    .replace(/[^A-Z0-9]+/g, '_')
    .replace(/^_|_$/g, '')}_URL`;

/** The org's objects as documents `apply` takes back unchanged. */
export async function exportDocuments(client: Client): Promise<string> {
  const state: State = await readState(client);
  const out: string[] = [];
  const doc = (kind: string, name: string, spec: Record<string, unknown>, comment?: string) => {
    const d = new YamlDocument({ apiVersion: API_VERSION, kind, metadata: { name }, spec });
    if (comment) d.commentBefore = comment;
    out.push(d.toString({ lineWidth: 0 }));
  };
  for (const b of [...state.backends].sort((x, y) => x.name.localeCompare(y.name)))
    doc('BackendPreset', b.name, { type: b.type, config: b.config });
  const templateNames = new Map<string, string>();
  for (const t of [...state.templates].sort((x, y) => x.name.localeCompare(y.name))) {
    templateNames.set(t.id, t.name);
    const detail = await client.get<{ description: string | null; latest: { config_yaml: string; version: number } }>(
      `/api/v1/templates/${t.id}`,
    );
    doc(
      'Template',
      t.name,
      { ...(detail.description ? { description: detail.description } : {}), config: detail.latest.config_yaml },
      ` version ${detail.latest.version}`,
    );
  }
  for (const u of [...(state.usageSources ?? [])].sort((x, y) => x.name.localeCompare(y.name))) {
    if (!u.url) {
      out.push(`# UsageSource/${u.name} (${u.kind}) is an upload: the server keeps no copy of its content to export\n`);
      continue;
    }
    doc('UsageSource', u.name, {
      kind: u.kind,
      url: u.url,
      ...(u.token_secret ? { token_secret: u.token_secret } : {}),
    });
  }
  for (const w of [...state.webhooks].sort((x, y) => x.name.localeCompare(y.name))) {
    const env = envName(w.name);
    doc(
      'Webhook',
      w.name,
      {
        url: `\${env:${env}}`,
        events: w.events,
        format: w.format,
        ...(w.enabled ? {} : { enabled: false }),
        ...(w.jira ? { jira: w.jira } : {}),
        ...(w.github ? { github: w.github } : {}),
      },
      ` the URL is not shown again (it may hold a credential): ${w.url} — set ${env}`,
    );
  }
  const gatewayNames = new Map(state.gateways.map((g) => [g.id, g.name]));
  const seen = new Set<string>();
  for (const d of state.deployments) {
    if (!d.name || seen.has(d.name)) continue; // newest first: the latest rollout of each name
    seen.add(d.name);
    const template = templateNames.get(d.template_id);
    if (!template) continue;
    const ids = (d.target.gateway_ids as string[] | undefined) ?? null;
    doc('Deployment', d.name, {
      template,
      version: d.version,
      target: ids ? { gateways: ids.map((id) => gatewayNames.get(id) ?? id) } : { tags: d.target.tags },
      strategy: d.strategy,
    });
  }
  return out.join('---\n');
}
