import type { Sql } from '../../platform/db/db.ts';
import type { OrgScope } from '../../platform/scope.ts';

export interface SecretRow { id: string; org_id: string; name: string; created_at: Date; updated_at: Date }
const COLUMNS = 'id, org_id, name, created_at, updated_at';

/** Names and dates only: the ciphertext stays in the database unless a caller asks for values. */
export const listSecrets = (sql: Sql, scope: OrgScope) =>
  sql.query<SecretRow>(`SELECT ${COLUMNS} FROM secrets WHERE org_id = $1 ORDER BY name`, [scope.orgId]);

export const getSecret = async (sql: Sql, scope: OrgScope, name: string) =>
  (await sql.query<SecretRow>(`SELECT ${COLUMNS} FROM secrets WHERE org_id = $1 AND name = $2`, [scope.orgId, name]))[0] ?? null;

/** Create or replace; `created` tells which. */
export async function upsertSecret(sql: Sql, scope: OrgScope, name: string, valueEncrypted: string): Promise<SecretRow & { created: boolean }> {
  return (await sql.query<SecretRow & { created: boolean }>(
    `INSERT INTO secrets (org_id, name, value_encrypted) VALUES ($1, $2, $3)
     ON CONFLICT (org_id, name) DO UPDATE SET value_encrypted = EXCLUDED.value_encrypted, updated_at = now()
     RETURNING ${COLUMNS}, (xmax = 0) AS created`,
    [scope.orgId, name, valueEncrypted]))[0]!;
}

export const deleteSecret = async (sql: Sql, scope: OrgScope, name: string) =>
  (await sql.query<{ id: string }>('DELETE FROM secrets WHERE org_id = $1 AND name = $2 RETURNING id', [scope.orgId, name]))[0]?.id ?? null;

/** Encrypted values of the named secrets (all of the org's when names is null). */
export const encryptedValues = (sql: Sql, scope: OrgScope, names: string[] | null) =>
  sql.query<{ name: string; value_encrypted: string }>(
    'SELECT name, value_encrypted FROM secrets WHERE org_id = $1 AND ($2::text[] IS NULL OR name = ANY($2::text[]))', [scope.orgId, names]);
