// Per-org secrets referenced from templates as ${secret:NAME}. Values are encrypted at rest
// (AES-256-GCM, key derived from FLOWGATE_SECRET), never returned, logged or audited; they are
// decrypted only to build the configuration sent to a gateway and to mask it when shown back.
import {
  maskCredentials,
  replaceConfigRefs,
  SECRET_IN_USE_LIST_LIMIT,
  secretNamesIn,
  yamlSyntaxIssues,
  type SecretReference,
} from '@flowgate/config-model';
import type { Db, Sql } from '../../platform/db/db.ts';
import { AppError } from '../../platform/errors.ts';
import { decrypt, deriveKey, encrypt } from '../../platform/crypto.ts';
import type { OrgScope } from '../../platform/scope.ts';
import { audit } from '../audit/audit.store.ts';
import * as store from './secrets.store.ts';

const iso = (d: Date) => d.toISOString();
const secretView = (r: store.SecretRow) => ({
  id: r.id,
  org_id: r.org_id,
  name: r.name,
  created_at: iso(r.created_at),
  updated_at: iso(r.updated_at),
});

/**
 * Gateways (desired or applied configuration) and templates (latest version, or a version a live
 * deployment rolls out) of the org that reference ${secret:NAME}: deleting the secret would make their
 * next push unresolvable. Gateways first, then templates, each by name.
 */
async function secretReferences(sql: Sql, scope: OrgScope, name: string): Promise<SecretReference[]> {
  const needle = `\${secret:${name}}`;
  // The SQL filter is only a substring match; the config-ref
  // parser decides (`$${secret:X}` is an escape, not a reference).
  const references = (text: unknown) => typeof text === 'string' && secretNamesIn(text).includes(name);
  const anyFile = (files: Record<string, string> | null) => Object.values(files ?? {}).some(references);
  const gateways = (await store.gatewayConfigsContaining(sql, scope, needle))
    .filter((g) => anyFile(g.desired_files) || anyFile(g.applied_files))
    .map((g): SecretReference => ({ kind: 'gateway', id: g.id, name: g.name }));
  const templates = new Map<string, SecretReference>();
  for (const v of await store.liveTemplateVersionsContaining(sql, scope, needle)) {
    if (references(v.config_yaml)) templates.set(v.template_id, { kind: 'template', id: v.template_id, name: v.name });
  }
  return [...gateways, ...templates.values()];
}

function inUseMessage(name: string, usedBy: SecretReference[]): string {
  const shown = usedBy.slice(0, 3).map((r) => `${r.kind} "${r.name}"`);
  const more = usedBy.length - shown.length;
  return (
    `Secret "${name}" is referenced by ${shown.join(', ')}${more > 0 ? ` and ${more} more` : ''}: ` +
    `remove the reference or deploy a configuration without it, or delete with ?force=true`
  );
}

export function createSecretsService(deps: { db: Db; secret: string }) {
  const { db } = deps;
  const key = deriveKey(deps.secret, 'encryption');

  async function values(scope: OrgScope, names: string[] | null): Promise<Map<string, string>> {
    const rows = await store.encryptedValues(db, scope, names);
    return new Map(rows.map((r) => [r.name, decrypt(key, r.value_encrypted)]));
  }

  return {
    async list(scope: OrgScope) {
      return (await store.listSecrets(db, scope)).map(secretView);
    },
    async names(scope: OrgScope): Promise<Set<string>> {
      return new Set((await store.listSecrets(db, scope)).map((r) => r.name));
    },
    async put(scope: OrgScope, name: string, value: string) {
      const row = await db.tx(async (sql) => {
        const r = await store.upsertSecret(sql, scope, name, encrypt(key, value));
        // The audit entry names the secret; its value never reaches the log.
        await audit(sql, scope, {
          action: r.created ? 'secret.create' : 'secret.update',
          resourceType: 'secret',
          resourceId: r.id,
          after: { name },
        });
        return r;
      });
      return { created: row.created, secret: secretView(row) };
    },
    /**
     * Deletes a secret. Refused with SECRET_IN_USE while a gateway configuration or a live template
     * version references it, unless `force` (then the audit entry records it and how many references).
     */
    async remove(scope: OrgScope, name: string, opts: { force?: boolean } = {}) {
      const force = opts.force === true;
      await db.tx(async (sql) => {
        const secret = await store.lockSecret(sql, scope, name);
        if (!secret) throw new AppError('NOT_FOUND', `Secret "${name}" not found`);
        const usedBy = await secretReferences(sql, scope, name);
        if (usedBy.length && !force) {
          throw new AppError('SECRET_IN_USE', inUseMessage(name, usedBy), {
            used_by: usedBy.slice(0, SECRET_IN_USE_LIST_LIMIT),
            total: usedBy.length,
          });
        }
        await store.deleteSecret(sql, scope, name);
        await audit(sql, scope, {
          action: 'secret.delete',
          resourceType: 'secret',
          resourceId: secret.id,
          before: { name },
          ...(force ? { after: { forced: true, references: usedBy.length } } : {}),
        });
      });
    },

    /**
     * Replaces every ${secret:NAME} in the files with the secret's value (YAML-aware, so a value can
     * never change the structure). Throws INVALID_CONFIG listing every missing name.
     */
    async resolveSecrets(scope: OrgScope, files: Record<string, string>): Promise<Record<string, string>> {
      const wanted = [...new Set(Object.values(files).flatMap(secretNamesIn))];
      if (wanted.length === 0) return files;
      const known = await values(scope, wanted);
      const missing = wanted.filter((n) => !known.has(n)).sort();
      if (missing.length)
        throw new AppError('INVALID_CONFIG', `Secrets not defined in this organization: ${missing.join(', ')}`, {
          missing_secrets: missing,
        });
      // Values go into parsed scalars; text that is not YAML gets no secrets (a value could reshape it).
      const unparsable = Object.entries(files)
        .filter(([, text]) => secretNamesIn(text).length && yamlSyntaxIssues(text).length)
        .map(([file]) => file);
      if (unparsable.length)
        throw new AppError('INVALID_YAML', `Secrets are only resolved in valid YAML: ${unparsable.join(', ')}`);
      return Object.fromEntries(
        Object.entries(files).map(([file, text]) => [
          file,
          replaceConfigRefs(text, (ref) => (ref.scheme === 'secret' ? known.get(ref.value)! : null)),
        ]),
      );
    },

    /** One secret's value (null when the org has no such secret), for a caller that must send it (usage connectors). */
    async value(scope: OrgScope, name: string): Promise<string | null> {
      return (await values(scope, [name])).get(name) ?? null;
    },

    /** The org's secret values in the forms they can take inside YAML, for masking. */
    async knownSecretValues(scope: OrgScope): Promise<string[]> {
      const out = new Set<string>();
      for (const v of (await values(scope, null)).values()) {
        out.add(v);
        out.add(JSON.stringify(v).slice(1, -1));
        out.add(v.replace(/'/g, "''"));
      }
      return [...out].sort((a, b) => b.length - a.length);
    },

    /** Masks credential keys and every known secret value of the org in a configuration shown back. */
    async maskSecretValues(scope: OrgScope, yaml: string): Promise<string> {
      return maskCredentials(yaml, await this.knownSecretValues(scope));
    },
  };
}
export type SecretsService = ReturnType<typeof createSecretsService>;
