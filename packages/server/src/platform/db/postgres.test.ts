// Real PostgreSQL only (skipped on the embedded database, which has one connection and cannot deadlock).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { freshPostgresUrl } from '../../testing/harness.ts';
import { openPostgres } from './postgres.ts';

test(
  'two transactions that deadlock both end up committed: PostgreSQL aborts one, the pool runs it again',
  { skip: !process.env.DATABASE_URL && 'needs DATABASE_URL' },
  async () => {
    const pgdb = (await freshPostgresUrl())!;
    const retries: string[] = [];
    const db = await openPostgres(pgdb.url, { onRetry: (err) => retries.push((err as { code?: string }).code ?? '') });
    try {
      await db.exec('CREATE TABLE t (id int PRIMARY KEY, n int NOT NULL); INSERT INTO t VALUES (1, 0), (2, 0);');
      let bothLocked!: () => void;
      const gate = new Promise<void>((r) => (bothLocked = r));
      let first = 0;
      // Each locks one row, waits until the other has its row, then wants the other's: a deadlock.
      const run = (a: number, b: number) =>
        db.tx(async (sql) => {
          await sql.query('UPDATE t SET n = n + 1 WHERE id = $1', [a]);
          if (++first === 2) bothLocked();
          await Promise.race([gate, new Promise((r) => setTimeout(r, 500))]);
          await sql.query('UPDATE t SET n = n + 1 WHERE id = $1', [b]);
        });
      await Promise.all([run(1, 2), run(2, 1)]);
      const rows = await db.query<{ id: number; n: number }>('SELECT id, n FROM t ORDER BY id');
      assert.deepEqual(
        rows.map((r) => r.n),
        [2, 2],
        'both transactions committed exactly once',
      );
      assert.ok(retries.includes('40P01'), `a deadlock was retried (retries: ${JSON.stringify(retries)})`);
    } finally {
      await db.close();
      await pgdb.drop();
    }
  },
);
