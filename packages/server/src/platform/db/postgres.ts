import pg from 'pg';
import { DatabaseUnavailableError, isConnectionError, type Db, type Sql } from './db.ts';

// int8 as JS number (counts and sizes stay far below 2^53 here), numeric as number.
pg.types.setTypeParser(20, (v) => Number(v));
pg.types.setTypeParser(1700, (v) => Number(v));

function wrap(err: unknown): unknown {
  return isConnectionError(err) ? new DatabaseUnavailableError(err) : err;
}

export async function openPostgres(url: string, opts: { max?: number; onError?: (err: Error) => void } = {}): Promise<Db> {
  const pool = new pg.Pool({ connectionString: url, max: opts.max ?? 10, connectionTimeoutMillis: 5000, idleTimeoutMillis: 30000 });
  // An idle client losing its connection must not crash the process; the pool replaces it.
  pool.on('error', (err) => opts.onError?.(err));
  const viaClient = (client: pg.PoolClient): Sql => ({
    async query(text, params) {
      try {
        return (await client.query(text, params as unknown[])).rows;
      } catch (err) {
        throw wrap(err);
      }
    },
    async exec(text) {
      try {
        await client.query(text);
      } catch (err) {
        throw wrap(err);
      }
    },
  });
  const db: Db = {
    kind: 'postgres',
    async query(text, params) {
      try {
        return (await pool.query(text, params as unknown[])).rows;
      } catch (err) {
        throw wrap(err);
      }
    },
    async exec(text) {
      try {
        await pool.query(text);
      } catch (err) {
        throw wrap(err);
      }
    },
    async tx(fn) {
      let client: pg.PoolClient;
      try {
        client = await pool.connect();
      } catch (err) {
        throw wrap(err);
      }
      let broken = false;
      try {
        await client.query('BEGIN');
        const result = await fn(viaClient(client));
        await client.query('COMMIT');
        return result;
      } catch (err) {
        try {
          await client.query('ROLLBACK');
        } catch {
          broken = true;
        }
        throw wrap(err);
      } finally {
        client.release(broken);
      }
    },
    async session(fn) {
      let client: pg.PoolClient;
      try {
        client = await pool.connect();
      } catch (err) {
        throw wrap(err);
      }
      try {
        return await fn(viaClient(client));
      } finally {
        client.release();
      }
    },
    async ping() {
      await db.query('SELECT 1');
    },
    async close() {
      await pool.end();
    },
    poolStats: () => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount }),
  };
  // Fail fast at start with one readable error.
  await db.ping();
  return db;
}
