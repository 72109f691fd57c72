import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

// The repo's test runner transpiles with tsx using the root tsconfig, whose `include` does not cover
// packages/ui, so .tsx files would get the classic JSX transform ("React is not defined"). Each .tsx
// file therefore opts into the automatic runtime with a pragma. This test names any file that forgot.
const srcDir = fileURLToPath(new URL('..', import.meta.url));

function tsxFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) return tsxFiles(full);
    return name.endsWith('.tsx') ? [full] : [];
  });
}

describe('JSX runtime pragma', () => {
  it('every .tsx file starts with /** @jsxRuntime automatic */', () => {
    const missing = tsxFiles(srcDir)
      .filter((file) => !readFileSync(file, 'utf8').startsWith('/** @jsxRuntime automatic */'))
      .map((file) => relative(srcDir, file));
    assert.deepEqual(missing, [], `add "/** @jsxRuntime automatic */" as the first line of: ${missing.join(', ')}`);
  });
});
