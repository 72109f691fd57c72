import pg from 'pg';
import { DatabaseUnavailableError, isConnectionError, type Db, type Sql } from './db.ts';

// int8 as JS number (counts and sizes stay far below 2^53 here), numeric as number.
pg.types.setTypeParser(20, (v) => Number(v));
pg.types.setTypeParser(1700, (v) => Number(v));

function wrap(err: unknown): unknown {
  return isConnectionError(err) ? new DatabaseUnavailableError(err) : err;
}

/**
 * PostgreSQL aborts one of two transactions that wait on each other (deadlock_detected) or that a
 * serialization check refused; the other proceeds. The aborted one was rolled back as a whole, so
 * running it again is safe — and it is what a caller would have to do anyway.
 */
const RETRYABLE = new Set(['40P01', '40001']);
const MAX_ATTEMPTS = 4;
async function retrying<T>(run: () => Promise<T>, onRetry?: (err: Error, attempt: number) => void): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await run();
    } catch (err) {
      const code = (err as { code?: string }).code;
      if (!code || !RETRYABLE.has(code) || attempt >= MAX_ATTEMPTS) throw err;
      onRetry?.(err as Error, attempt);
      await new Promise((r) => setTimeout(r, 5 + Math.random() * 20 * attempt));
    }
  }
}

export async function openPostgres(
  url: string,
  opts: { max?: number; onError?: (err: Error) => void; onRetry?: (err: Error, attempt: number) => void } = {},
): Promise<Db> {
  const pool = new pg.Pool({
    connectionString: url,
    max: opts.max ?? 10,
    connectionTimeoutMillis: 5000,
    idleTimeoutMillis: 30000,
  });
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
  async function runTx<T>(fn: (sql: Sql) => Promise<T>): Promise<T> {
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
  }
  const db: Db = {
    kind: 'postgres',
    async query(text, params) {
      try {
        return (await retrying(() => pool.query(text, params as unknown[]), opts.onRetry)).rows;
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
    tx: (fn) => retrying(() => runTx(fn), opts.onRetry),
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
