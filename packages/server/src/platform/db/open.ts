import { join } from 'node:path';
import type { Db } from './db.ts';

export async function openDatabase(opts: {
  databaseUrl: string | null;
  dataDir: string | null;
  onError?: (err: Error) => void;
  onRetry?: (err: Error, attempt: number) => void;
}): Promise<Db> {
  if (opts.databaseUrl) {
    const { openPostgres } = await import('./postgres.ts');
    return openPostgres(opts.databaseUrl, { onError: opts.onError, onRetry: opts.onRetry });
  }
  const { openPglite } = await import('./pglite.ts');
  return openPglite(opts.dataDir ? join(opts.dataDir, 'pgdata') : null);
}
