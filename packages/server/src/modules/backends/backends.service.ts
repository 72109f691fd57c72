// Saved backends per org: a backend preset's configuration under a name, validated against the block's
// schema and rules and the org's secret NAMES; rendered to collector components; composed into templates.
import {
  blockCatalogueEntry,
  blockType,
  blockTypes,
  checkBlock,
  composeConfig,
  secretsUsed,
  signalsOf,
  type BlockInstance,
  type BlockProblem,
  type Signal,
} from '@flowgate/config-model';
import { stringify } from 'yaml';
import type { Db } from '../../platform/db/db.ts';
import { isUniqueViolation } from '../../platform/db/db.ts';
import { AppError } from '../../platform/errors.ts';
import type { OrgScope } from '../../platform/scope.ts';
import { audit } from '../audit/audit.store.ts';
import type { SecretsService } from '../secrets/secrets.service.ts';
import type { TemplatesService } from '../templates/templates.service.ts';
import type { ValidationService } from '../validation/validation.service.ts';
import * as store from './backends.store.ts';

const iso = (d: Date) => d.toISOString();

function backendView(r: store.BackendRow) {
  const type = blockType(r.type);
  return {
    id: r.id,
    org_id: r.org_id,
    name: r.name,
    type: r.type,
    config: r.config,
    signals: type ? [...signalsOf(type, checkBlock(r.type, r.config, noCtx).config)] : [],
    secrets: type ? secretsUsed(type, r.config) : [],
    created_at: iso(r.created_at),
    updated_at: iso(r.updated_at),
  };
}
const noCtx = { secretNames: new Set<string>(), signals: [] as Signal[] };

function invalid(problems: BlockProblem[], what = 'The backend configuration'): never {
  const first = problems[0];
  throw new AppError(
    'INVALID_BLOCK_CONFIG',
    `${what} is not valid: ${problems.length} problem${problems.length === 1 ? '' : 's'}` +
      (first ? ` (${first.path ? `${first.path}: ` : ''}${first.message}${problems.length > 1 ? ', …' : ''})` : ''),
    { problems },
  );
}

/** A block instance id from a backend's name: lowercase, [a-z0-9_-], unique among `taken`. */
export function blockIdFor(name: string, taken: Set<string>): string {
  const base =
    name
      .toLowerCase()
      .replace(/[^a-z0-9_-]+/g, '-')
      .replace(/^[-_]+|[-_]+$/g, '')
      .slice(0, 50) || 'backend';
  let id = /^[a-z0-9]/.test(base) ? base : `b${base}`;
  for (let n = 2; taken.has(id); n++) id = `${base}-${n}`;
  taken.add(id);
  return id;
}

export function createBackendsService(deps: {
  db: Db;
  secrets: Pick<SecretsService, 'names'>;
  templates: Pick<TemplatesService, 'create'>;
  validation: Pick<ValidationService, 'validate'>;
}) {
  const { db } = deps;

  async function checked(scope: OrgScope, type: string, config: Record<string, unknown>, signals: Signal[] = []) {
    const secretNames = await deps.secrets.names(scope);
    return { ...checkBlock(type, config, { secretNames, signals }), secretNames };
  }

  async function mustGet(scope: OrgScope, id: string) {
    const row = await store.getBackend(db, scope, id);
    if (!row) throw new AppError('BACKEND_NOT_FOUND');
    return row;
  }

  /** The block's own components as YAML and where they go; problems instead when it is not valid. */
  async function render(scope: OrgScope, body: { type: string; config: Record<string, unknown>; signals?: Signal[] }) {
    const c = await checked(scope, body.type, body.config, body.signals ?? []);
    if (c.problems.length || !c.type)
      return { valid: false, problems: c.problems, yaml: '', signals: [], pipelines: {}, requirements: [] };
    const signals = body.signals ?? [...signalsOf(c.type, c.config)];
    const out = c.type.render(c.config as never, { secretNames: c.secretNames, signals }, 'preview');
    const components = Object.fromEntries(
      (['extensions', 'processors', 'exporters', 'connectors'] as const)
        .filter((k) => out[k] && Object.keys(out[k]!).length)
        .map((k) => [k, out[k]]),
    );
    const pipelines = Object.fromEntries(
      Object.entries(out.pipelines).map(([s, p]) => [
        s,
        {
          processors: p.processors ?? [],
          exporters: p.exporters ?? [],
          exporter_processors: p.exporterProcessors ?? [],
        },
      ]),
    );
    return {
      valid: true,
      problems: [],
      yaml: stringify(components, { lineWidth: 0 }),
      signals,
      pipelines,
      requirements: out.requirements ?? [],
    };
  }

  return {
    catalogue: () => ({ items: blockTypes.map(blockCatalogueEntry) }),

    async list(scope: OrgScope) {
      return { items: (await store.listBackends(db, scope)).map(backendView) };
    },
    async get(scope: OrgScope, id: string) {
      return backendView(await mustGet(scope, id));
    },

    async create(scope: OrgScope, body: { name: string; type: string; config: Record<string, unknown> }) {
      const c = await checked(scope, body.type, body.config);
      if (c.problems.length) invalid(c.problems);
      if (c.type!.category !== 'backend')
        invalid([{ path: 'type', code: 'INVALID_VALUE', message: `${body.type} is not a backend` }]);
      const row = await db.tx(async (sql) => {
        let r: store.BackendRow;
        try {
          r = await store.insertBackend(sql, scope, {
            name: body.name.trim(),
            type: body.type,
            // Stored with defaults applied: a later change of a default does not change a saved backend.
            config: c.config,
            createdBy: scope.actor.type === 'user' ? scope.actor.id : null,
          });
        } catch (err) {
          if (isUniqueViolation(err))
            throw new AppError('ALREADY_EXISTS', `A backend named "${body.name.trim()}" already exists`);
          throw err;
        }
        await audit(sql, scope, {
          action: 'backend.create',
          resourceType: 'backend',
          resourceId: r.id,
          after: { name: r.name, type: r.type, config: r.config },
        });
        return r;
      });
      return backendView(row);
    },

    async update(scope: OrgScope, id: string, body: { name?: string; config?: Record<string, unknown> }) {
      const before = await mustGet(scope, id);
      let config = before.config;
      if (body.config) {
        const c = await checked(scope, before.type, body.config);
        if (c.problems.length) invalid(c.problems);
        config = c.config;
      }
      const row = await db.tx(async (sql) => {
        const locked = await store.lockBackend(sql, scope, id);
        if (!locked) throw new AppError('BACKEND_NOT_FOUND');
        let r: store.BackendRow | null;
        try {
          r = await store.updateBackend(sql, scope, id, { name: body.name?.trim() ?? locked.name, config });
        } catch (err) {
          if (isUniqueViolation(err))
            throw new AppError('ALREADY_EXISTS', `A backend named "${body.name?.trim()}" already exists`);
          throw err;
        }
        await audit(sql, scope, {
          action: 'backend.update',
          resourceType: 'backend',
          resourceId: id,
          before: { name: locked.name, config: locked.config },
          after: { name: r!.name, config: r!.config },
        });
        return r!;
      });
      return backendView(row);
    },

    async remove(scope: OrgScope, id: string) {
      await db.tx(async (sql) => {
        const locked = await store.lockBackend(sql, scope, id);
        if (!locked) throw new AppError('BACKEND_NOT_FOUND');
        await store.deleteBackend(sql, scope, id);
        await audit(sql, scope, {
          action: 'backend.delete',
          resourceType: 'backend',
          resourceId: id,
          before: { name: locked.name, type: locked.type },
        });
      });
    },

    render,
    async renderSaved(scope: OrgScope, id: string) {
      const row = await mustGet(scope, id);
      return render(scope, { type: row.type, config: row.config });
    },

    /**
     * A new template whose version 1 is composeConfig over the given backends (in the order given), checked
     * like any configuration (the static checks and, when it is built, the real collector's validate).
     */
    async templateFromBackends(
      scope: OrgScope,
      body: { name: string; description?: string; backend_ids: string[]; signals?: Signal[] },
    ) {
      const ids = [...new Set(body.backend_ids)];
      const rows = await store.getBackends(db, scope, ids);
      const byId = new Map(rows.map((r) => [r.id, r]));
      const missing = ids.filter((id) => !byId.has(id));
      if (missing.length) throw new AppError('BACKEND_NOT_FOUND', `Backend not found: ${missing.join(', ')}`);
      const taken = new Set<string>();
      const blocks: BlockInstance[] = ids.map((id) => {
        const r = byId.get(id)!;
        return { type: r.type, id: blockIdFor(r.name, taken), config: r.config };
      });
      const nameOf = new Map(blocks.map((b, i) => [b.id, byId.get(ids[i]!)!.name]));
      const composed = composeConfig({
        blocks,
        secretNames: await deps.secrets.names(scope),
        ...(body.signals ? { signals: body.signals } : {}),
      });
      if (!composed.ok)
        invalid(
          composed.problems.map((p) => ({
            ...p,
            path: p.block ? `backends["${nameOf.get(p.block) ?? p.block}"]${p.path ? `.${p.path}` : ''}` : p.path,
          })),
          'The template',
        );
      const validation = await deps.validation.validate(scope, { config_yaml: composed.yaml });
      if (!validation.valid)
        throw new AppError(
          'INVALID_CONFIG',
          `The composed configuration is not valid: ${validation.errors.map((e) => e.message).join('; ')}`,
          validation.errors,
        );
      const template = await deps.templates.create(scope, {
        name: body.name,
        ...(body.description ? { description: body.description } : {}),
        config_yaml: composed.yaml,
        message: `Composed from backends: ${blocks.map((b) => nameOf.get(b.id)).join(', ')}`,
      });
      return { template, validation, requirements: composed.requirements };
    },
  };
}
export type BackendsService = ReturnType<typeof createBackendsService>;
