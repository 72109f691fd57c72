// One real-gateway test file at a time on this host. Real gateways share host resources that cannot
// be split per test (the supervisor's bootstrap collector always binds localhost:8888 for a moment, and
// a 2-core machine cannot run several supervisors and collectors at once without missing their 8 s
// apply window), so every file that starts real gateways holds this lock from `before` to `after`.
//
// The lock is a directory in os.tmpdir() created with mkdirSync (atomic: exactly one creator wins),
// holding owner.json {pid, label, at}. A lock whose owner process is gone, or that is older than
// `staleMs`, is taken over; a waiter gives up after `timeoutMs`.
import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';

export const GATEWAY_LOCK_DIR = join(tmpdir(), 'flowgate-e2e-real-gateways.lock');

interface Owner {
  pid: number;
  label: string;
  at: number;
  token: string;
}

function readOwner(dir: string): Owner | null {
  try {
    return JSON.parse(readFileSync(join(dir, 'owner.json'), 'utf8')) as Owner;
  } catch {
    return null;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export interface GatewayLock {
  /** How long this file waited for the lock (ms). */
  waitedMs: number;
  release(): void;
}

export async function acquireGatewayLock(
  label: string,
  opts: { timeoutMs?: number; staleMs?: number; dir?: string } = {},
): Promise<GatewayLock> {
  const dir = opts.dir ?? GATEWAY_LOCK_DIR;
  const timeoutMs = opts.timeoutMs ?? 12 * 60_000;
  const staleMs = opts.staleMs ?? 15 * 60_000;
  const token = randomBytes(8).toString('hex');
  const started = Date.now();
  let lastNote = 0;
  for (;;) {
    try {
      mkdirSync(dir);
      writeFileSync(
        join(dir, 'owner.json'),
        JSON.stringify({ pid: process.pid, label, at: Date.now(), token } satisfies Owner),
      );
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const owner = readOwner(dir);
    // An owner file is written right after mkdir; a missing one is only stale after a grace period.
    const stale = owner ? !alive(owner.pid) || Date.now() - owner.at > staleMs : false;
    if (stale) {
      // Re-read just before removing so that a lock taken over meanwhile by someone else survives.
      const again = readOwner(dir);
      if (again && owner && again.token === owner.token) {
        process.stderr.write(
          `[gateway-lock] ${label}: taking over a stale lock of pid ${owner.pid} (${owner.label})\n`,
        );
        rmSync(dir, { recursive: true, force: true });
        continue;
      }
    } else if (!owner) {
      // mkdir done, owner.json not written yet, or a crash in between: give it 30 s.
      try {
        const { mtimeMs } = statSync(dir);
        if (Date.now() - mtimeMs > 30_000) rmSync(dir, { recursive: true, force: true });
      } catch {
        /* gone already */
      }
    }
    if (Date.now() - started > timeoutMs)
      throw new Error(
        `[gateway-lock] ${label}: lock ${dir} still held by ` +
          `${owner ? `pid ${owner.pid} (${owner.label})` : 'an unknown owner'} after ${timeoutMs} ms`,
      );
    if (Date.now() - lastNote > 30_000) {
      lastNote = Date.now();
      process.stderr.write(
        `[gateway-lock] ${label}: waiting for ${owner ? `pid ${owner.pid} (${owner.label})` : 'the lock'}\n`,
      );
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  const waitedMs = Date.now() - started;
  let released = false;
  const release = () => {
    if (released) return;
    released = true;
    process.off('exit', release);
    if (readOwner(dir)?.token === token) rmSync(dir, { recursive: true, force: true });
  };
  // A test file that dies without running `after` still frees the lock.
  process.on('exit', release);
  return { waitedMs, release };
}
