// The database seam. Only stores (*.store.ts) and this folder touch a driver. Two implementations share
// one SQL dialect (PostgreSQL): `pg` against DATABASE_URL and PGlite (PostgreSQL in WASM) on disk.
export interface Sql {
  query<R = Record<string, unknown>>(text: string, params?: readonly unknown[]): Promise<R[]>;
  /** Runs a multi-statement script without parameters (migrations). */
  exec(text: string): Promise<void>;
}

export interface Db extends Sql {
  readonly kind: 'postgres' | 'pglite';
  /** Runs fn in one transaction (BEGIN/COMMIT, ROLLBACK on throw). */
  tx<T>(fn: (sql: Sql) => Promise<T>): Promise<T>;
  /** Runs fn on one dedicated session (for session-level advisory locks). */
  session<T>(fn: (sql: Sql) => Promise<T>): Promise<T>;
  ping(): Promise<void>;
  close(): Promise<void>;
  poolStats(): { total: number; idle: number; waiting: number };
}

/** The database could not be reached: answered as 503 DATABASE_UNAVAILABLE. */
export class DatabaseUnavailableError extends Error {
  constructor(cause: unknown) {
    super(`database unavailable: ${(cause as Error)?.message ?? String(cause)}`);
    this.cause = cause;
  }
}

const CONNECTION_ERROR_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  '57P01',
  '57P02',
  '57P03',
  '53300',
]);
const CONNECTION_ERROR_MESSAGES = new RegExp(
  [
    'Connection terminated',
    'connect ECONNREFUSED',
    'Client has encountered a connection error',
    'timeout exceeded when trying to connect',
    'Connection ended unexpectedly',
    'PGlite is closed',
    'Cannot use a pool after calling end on the pool',
  ].join('|'),
  'i',
);

export function isConnectionError(err: unknown): boolean {
  if (!err || typeof err !== 'object') return false;
  const e = err as { code?: string; message?: string };
  if (e.code && (CONNECTION_ERROR_CODES.has(e.code) || e.code.startsWith('08'))) return true;
  const msg = e.message ?? '';
  return CONNECTION_ERROR_MESSAGES.test(msg);
}

export function isUniqueViolation(err: unknown, constraint?: string): boolean {
  const e = err as { code?: string; constraint?: string; message?: string } | null;
  if (!e || e.code !== '23505') return false;
  return !constraint || e.constraint === constraint || (e.message ?? '').includes(constraint);
}
