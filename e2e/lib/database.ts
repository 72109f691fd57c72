// A fresh PostgreSQL database per test file when the suite runs with DATABASE_URL (and REDIS_URL passed
// through); nothing when it runs on the embedded database.
import { randomBytes } from 'node:crypto';
import pg from 'pg';

export interface TestDatabase {
  /** Environment for startServer: DATABASE_URL of the fresh database (+ REDIS_URL), or empty. */
  env: Record<string, string>;
  drop(): Promise<void>;
}

export async function freshDatabase(): Promise<TestDatabase> {
  const admin = process.env.DATABASE_URL;
  if (!admin) return { env: {}, drop: async () => undefined };
  const name = `flowgate_e2e_${randomBytes(5).toString('hex')}`;
  const c = new pg.Client({ connectionString: admin });
  await c.connect();
  await c.query(`CREATE DATABASE ${name}`);
  await c.end();
  const u = new URL(admin);
  u.pathname = `/${name}`;
  const env: Record<string, string> = { DATABASE_URL: u.toString() };
  if (process.env.REDIS_URL) env.REDIS_URL = process.env.REDIS_URL;
  return {
    env,
    async drop() {
      const d = new pg.Client({ connectionString: admin });
      await d.connect();
      await d.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await d.end();
    },
  };
}
