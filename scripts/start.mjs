#!/usr/bin/env node
/* global process, console, URL */
// `npm start`: builds what is missing (the UI bundle), then runs `flowgate start`.
import { existsSync } from 'node:fs';
import { spawnSync, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
if (!existsSync(`${root}packages/ui/dist/index.html`) && existsSync(`${root}packages/ui/package.json`)) {
  console.log('Building the UI bundle (first start only)…');
  const r = spawnSync('npm', ['run', 'build', '-w', '@flowgate/ui'], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) {
    console.error('UI build failed; starting the API without the UI.');
  }
}
const child = spawn(process.execPath, [`${root}packages/server/bin/flowgate.mjs`, 'start', ...process.argv.slice(2)], {
  cwd: root,
  stdio: 'inherit',
});
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
