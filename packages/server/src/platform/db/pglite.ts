import { PGlite, types } from '@electric-sql/pglite';
import { mkdirSync } from 'node:fs';
import type { Db, Sql } from './db.ts';

const parsers = {
  [types.INT8]: (v: string) => Number(v),
  [types.NUMERIC]: (v: string) => Number(v),
};

/** Embedded PostgreSQL (WASM). `dir` null → in memory (tests). */
export async function openPglite(dir: string | null): Promise<Db> {
  if (dir) mkdirSync(dir, { recursive: true });
  const pglite = await PGlite.create(dir ?? undefined, { parsers });
  let queue: Promise<unknown> = Promise.resolve();
  // PGlite is one connection: transactions and sessions are serialised behind one queue so a
  // transaction never interleaves with another caller's statements.
  const exclusive = <T>(fn: () => Promise<T>): Promise<T> => {
    const run = queue.then(fn, fn);
    queue = run.catch(() => undefined);
    return run;
  };
  const direct: Sql = {
    async query(text, params) {
      return (await pglite.query(text, params as unknown[])).rows as never[];
    },
    async exec(text) {
      await pglite.exec(text);
    },
  };
  const db: Db = {
    kind: 'pglite',
    query: (text, params) => exclusive(() => direct.query(text, params)),
    exec: (text) => exclusive(() => direct.exec(text)),
    tx: (fn) =>
      exclusive(async () => {
        await pglite.query('BEGIN');
        try {
          const result = await fn(direct);
          await pglite.query('COMMIT');
          return result;
        } catch (err) {
          await pglite.query('ROLLBACK');
          throw err;
        }
      }),
    session: (fn) => exclusive(() => fn(direct)),
    async ping() {
      await db.query('SELECT 1');
    },
    async close() {
      await queue.catch(() => undefined);
      await pglite.close();
    },
    poolStats: () => ({ total: 1, idle: 1, waiting: 0 }),
  };
  return db;
}
