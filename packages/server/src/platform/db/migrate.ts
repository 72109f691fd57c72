import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import type { Db } from './db.ts';
import { advisoryLocks } from '../names.ts';

const dir = fileURLToPath(new URL('./migrations/', import.meta.url));

export function listMigrations(): { version: string; sql: string }[] {
  return readdirSync(dir)
    .filter((f) => /^\d{4}_.+\.sql$/.test(f))
    .sort()
    .map((f) => ({ version: f.replace(/\.sql$/, ''), sql: readFileSync(join(dir, f), 'utf8') }));
}

/** Applies pending migrations under an advisory lock so replicas starting together don't race. */
export async function migrate(db: Db): Promise<string[]> {
  return db.session(async (sql) => {
    await sql.query('SELECT pg_advisory_lock($1)', [advisoryLocks.migrations]);
    try {
      await sql.query(
        'CREATE TABLE IF NOT EXISTS schema_migrations ' +
          '(version text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())',
      );
      const done = new Set(
        (await sql.query<{ version: string }>('SELECT version FROM schema_migrations')).map((r) => r.version),
      );
      const applied: string[] = [];
      for (const m of listMigrations()) {
        if (done.has(m.version)) continue;
        await sql.query('BEGIN');
        try {
          await sql.exec(m.sql);
          await sql.query('INSERT INTO schema_migrations (version) VALUES ($1)', [m.version]);
          await sql.query('COMMIT');
        } catch (err) {
          await sql.query('ROLLBACK');
          throw new Error(`migration ${m.version} failed: ${(err as Error).message}`, { cause: err });
        }
        applied.push(m.version);
      }
      return applied;
    } finally {
      await sql.query('SELECT pg_advisory_unlock($1)', [advisoryLocks.migrations]);
    }
  });
}
