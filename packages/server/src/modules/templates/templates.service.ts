import { yamlSyntaxIssues } from '@flowgate/config-model';
import type { Db } from '../../platform/db/db.ts';
import { isUniqueViolation } from '../../platform/db/db.ts';
import { AppError } from '../../platform/errors.ts';
import { sha256Hex } from '../../platform/crypto.ts';
import type { EventBus } from '../../platform/events/bus.ts';
import { redisChannels } from '../../platform/names.ts';
import type { OrgScope } from '../../platform/scope.ts';
import { audit } from '../audit/audit.store.ts';
import { recordEvent } from '../events/events.store.ts';
import * as store from './templates.store.ts';
import type { TemplateRow, TemplateVersionRow, TemplateVersionSummaryRow } from './templates.store.ts';
import { unifiedDiff } from './unified-diff.ts';

const iso = (d: Date) => d.toISOString();

export function templateView(r: TemplateRow) {
  return {
    id: r.id,
    org_id: r.org_id,
    name: r.name,
    description: r.description,
    type: r.type,
    latest_version: r.latest_version,
    created_by: r.created_by,
    created_at: iso(r.created_at),
    updated_at: iso(r.updated_at),
  };
}
export function versionSummaryView(r: TemplateVersionSummaryRow) {
  return {
    template_id: r.template_id,
    version: r.version,
    hash: r.hash,
    message: r.message,
    author: r.author,
    created_at: iso(r.created_at),
  };
}
export function versionView(r: TemplateVersionRow) {
  return { ...versionSummaryView(r), config_yaml: r.config_yaml };
}

/** Refuses text that is not YAML, with every syntax error's line and column; nothing is stored. */
function assertYaml(configYaml: string) {
  const problems = yamlSyntaxIssues(configYaml);
  if (problems.length) {
    const first = problems[0]!;
    throw new AppError(
      'INVALID_YAML',
      `The YAML could not be parsed: ${first.message} (line ${first.line}, column ${first.column})`,
      problems,
    );
  }
}

const authorOf = (scope: OrgScope) => scope.actor.label;
const createdByOf = (scope: OrgScope) => (scope.actor.type === 'user' ? scope.actor.id : null);

function decodeCursor(cursor: string | undefined): { name: string; id: string } | null {
  if (!cursor) return null;
  try {
    const [name, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as [string, string];
    if (typeof name === 'string' && /^[0-9a-f-]{36}$/i.test(id)) return { name, id };
  } catch {
    /* fall through */
  }
  throw new AppError('VALIDATION_FAILED', 'cursor is not valid');
}

export function createTemplatesService(deps: {
  db: Db;
  bus: EventBus;
  /** Domain events were committed: publish them now (the outbox relay). */
  eventsRecorded?: () => void;
}) {
  const { db, bus } = deps;
  const publish = (orgId: string, id: string, data: Record<string, unknown>) =>
    bus
      .publish(redisChannels.events, {
        type: 'template.updated',
        org_id: orgId,
        id,
        at: new Date().toISOString(),
        data,
      })
      .catch(() => undefined);

  async function mustGet(scope: OrgScope, id: string): Promise<TemplateRow> {
    const row = await store.getTemplate(db, scope, id);
    if (!row) throw new AppError('TEMPLATE_NOT_FOUND');
    return row;
  }
  async function mustGetVersion(scope: OrgScope, id: string, version: number): Promise<TemplateVersionRow> {
    await mustGet(scope, id);
    const row = await store.getVersion(db, scope, id, version);
    if (!row) throw new AppError('TEMPLATE_NOT_FOUND', `Template version ${version} not found`);
    return row;
  }

  return {
    async create(
      scope: OrgScope,
      body: { name: string; description?: string; type?: string; config_yaml: string; message?: string },
    ) {
      assertYaml(body.config_yaml);
      const { template, version } = await db.tx(async (sql) => {
        let t: TemplateRow;
        try {
          t = await store.insertTemplate(sql, scope, {
            name: body.name,
            description: body.description ?? null,
            type: body.type ?? 'gateway',
            createdBy: createdByOf(scope),
          });
        } catch (err) {
          if (isUniqueViolation(err))
            throw new AppError('ALREADY_EXISTS', `A template named "${body.name}" already exists`);
          throw err;
        }
        const bumped = (await store.bumpLatestVersion(sql, scope, t.id, 0))!;
        const v = await store.insertVersion(sql, scope, {
          templateId: t.id,
          version: bumped.latest_version,
          configYaml: body.config_yaml,
          hash: sha256Hex(body.config_yaml),
          message: body.message ?? null,
          author: authorOf(scope),
          createdBy: createdByOf(scope),
        });
        await audit(sql, scope, {
          action: 'template.create',
          resourceType: 'template',
          resourceId: t.id,
          after: { name: t.name, type: t.type, version: v.version, hash: v.hash },
        });
        await recordEvent(sql, scope, {
          type: 'template.created',
          subject: { type: 'template', id: t.id, name: t.name },
          data: { version: v.version, hash: v.hash, author: v.author },
        });
        return { template: bumped, version: v };
      });
      deps.eventsRecorded?.();
      void publish(scope.orgId, template.id, { action: 'created', version: version.version });
      return { ...templateView(template), latest: versionView(version) };
    },

    /** Saves a new immutable version; with base_version, only when nobody saved since (else 409 STALE_VERSION). */
    async createVersion(
      scope: OrgScope,
      id: string,
      body: { config_yaml: string; message?: string; base_version?: number },
    ) {
      assertYaml(body.config_yaml);
      const version = await db.tx(async (sql) => {
        const before = await store.getTemplate(sql, scope, id);
        if (!before) throw new AppError('TEMPLATE_NOT_FOUND');
        const bumped = await store.bumpLatestVersion(sql, scope, id, body.base_version ?? null);
        if (!bumped) {
          const now = await store.getTemplate(sql, scope, id);
          if (!now) throw new AppError('TEMPLATE_NOT_FOUND');
          throw new AppError(
            'STALE_VERSION',
            `You edited version ${body.base_version}, but the latest ` +
              `is ${now.latest_version}: reload, merge and save again`,
            { base_version: body.base_version, latest_version: now.latest_version },
          );
        }
        const v = await store.insertVersion(sql, scope, {
          templateId: id,
          version: bumped.latest_version,
          configYaml: body.config_yaml,
          hash: sha256Hex(body.config_yaml),
          message: body.message ?? null,
          author: authorOf(scope),
          createdBy: createdByOf(scope),
        });
        await audit(sql, scope, {
          action: 'template.version',
          resourceType: 'template',
          resourceId: id,
          before: { version: before.latest_version },
          after: { version: v.version, hash: v.hash, message: v.message },
        });
        await recordEvent(sql, scope, {
          type: 'template.version_created',
          subject: { type: 'template', id, name: before.name },
          data: { version: v.version, previous_version: before.latest_version, message: v.message, author: v.author },
        });
        return v;
      });
      deps.eventsRecorded?.();
      void publish(scope.orgId, id, { action: 'version', version: version.version });
      return versionSummaryView(version);
    },

    async list(scope: OrgScope, q: { limit?: number; cursor?: string }) {
      const limit = q.limit ?? 50;
      const rows = await store.listTemplates(db, scope, limit + 1, decodeCursor(q.cursor));
      const page = rows.slice(0, limit);
      const last = page[page.length - 1];
      return {
        items: page.map(templateView),
        next_cursor:
          rows.length > limit && last ? Buffer.from(JSON.stringify([last.name, last.id])).toString('base64url') : null,
      };
    },

    async get(scope: OrgScope, id: string) {
      const t = await mustGet(scope, id);
      const latest = await store.getVersion(db, scope, id, t.latest_version);
      if (!latest) throw new AppError('TEMPLATE_NOT_FOUND');
      return { ...templateView(t), latest: versionView(latest) };
    },

    async versions(scope: OrgScope, id: string, q: { limit?: number; cursor?: string }) {
      await mustGet(scope, id);
      const limit = q.limit ?? 50;
      let before: number | null = null;
      if (q.cursor) {
        before = Number(q.cursor);
        if (!Number.isInteger(before) || before < 1) throw new AppError('VALIDATION_FAILED', 'cursor is not valid');
      }
      const rows = await store.listVersions(db, scope, id, limit + 1, before);
      const page = rows.slice(0, limit);
      return {
        items: page.map(versionSummaryView),
        next_cursor: rows.length > limit ? String(page[page.length - 1]!.version) : null,
      };
    },

    async version(scope: OrgScope, id: string, version: number) {
      return versionView(await mustGetVersion(scope, id, version));
    },

    /** The stored row of a version (for dry-run and the deployment engine). */
    async versionRow(scope: OrgScope, id: string, version?: number): Promise<TemplateVersionRow> {
      const t = await mustGet(scope, id);
      return mustGetVersion(scope, id, version ?? t.latest_version);
    },

    async diff(scope: OrgScope, id: string, from: number, to: number) {
      const [a, b] = [await mustGetVersion(scope, id, from), await mustGetVersion(scope, id, to)];
      return { from, to, diff: unifiedDiff(a.config_yaml, b.config_yaml, { from: `v${from}`, to: `v${to}` }) };
    },

    async remove(scope: OrgScope, id: string) {
      await db.tx(async (sql) => {
        const before = await store.getTemplate(sql, scope, id);
        if (!before) throw new AppError('TEMPLATE_NOT_FOUND');
        const active = await store.activeDeploymentIds(sql, scope, id);
        if (active.length)
          throw new AppError(
            'TEMPLATE_IN_USE',
            `The template is used by ` +
              `${active.length === 1 ? 'an active deployment' : `${active.length} active deployments`}: ` +
              `finish, cancel or roll back ${active.length === 1 ? 'it' : 'them'} first`,
            { deployment_ids: active },
          );
        try {
          await store.deleteTemplate(sql, scope, id);
        } catch (err) {
          // A foreign key from deployment history (23503) keeps the versions that were rolled out.
          if ((err as { code?: string }).code === '23503')
            throw new AppError(
              'TEMPLATE_IN_USE',
              'The template has deployment history that refers to its versions, so it cannot be deleted',
            );
          throw err;
        }
        await audit(sql, scope, {
          action: 'template.delete',
          resourceType: 'template',
          resourceId: id,
          before: { name: before.name, latest_version: before.latest_version },
        });
      });
      void publish(scope.orgId, id, { action: 'deleted' });
    },
  };
}
export type TemplatesService = ReturnType<typeof createTemplatesService>;
