// A "new host" for the install script: a PATH that holds only sh, curl, tar and the few standard tools
// the script needs (no node, npm, git, go, bash — and not the repository), plus optional fakes placed in
// front of them (a uname that claims another architecture, a systemctl that records its calls).
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** What the installer and onboard.sh call: sh, curl, tar, sed and coreutils. */
export const INSTALL_TOOLS = [
  'sh',
  'curl',
  'tar',
  'sed',
  'uname',
  'mkdir',
  'mktemp',
  'chmod',
  'mv',
  'rm',
  'rmdir',
  'ls',
  'cat',
  'cut',
  'tr',
  'head',
  'tail',
  'od',
  'date',
  'id',
  'sha256sum',
  'dirname',
  'basename',
  'sleep',
];

function which(tool: string): string {
  for (const dir of ['/usr/local/bin', '/usr/bin', '/bin']) {
    const p = join(dir, tool);
    if (existsSync(p)) return p;
  }
  throw new Error(`${tool} is not installed on this machine`);
}

/**
 * A bin directory with symlinks to INSTALL_TOOLS (+ `extra` real tools), and `fakes` (name → sh script
 * body) in their place. Returns its path: use it as the whole PATH.
 */
export function hostBin(dir: string, opts: { extra?: string[]; fakes?: Record<string, string> } = {}): string {
  mkdirSync(dir, { recursive: true });
  for (const tool of [...INSTALL_TOOLS, ...(opts.extra ?? [])]) {
    if (opts.fakes?.[tool] === undefined) symlinkSync(which(tool), join(dir, tool));
  }
  for (const [name, body] of Object.entries(opts.fakes ?? {})) {
    writeFileSync(join(dir, name), `#!/bin/sh\n${body}\n`);
    chmodSync(join(dir, name), 0o755);
  }
  return dir;
}

export interface ShellResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `sh -c command` with exactly `env` (PATH included), in its own process group. */
export function runShell(command: string, env: Record<string, string>, timeoutMs = 120_000): Promise<ShellResult> {
  return new Promise((resolve) => {
    const child = spawn(join(env.PATH!.split(':')[0]!, 'sh'), ['-c', command], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        /* gone */
      }
    }, timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}
