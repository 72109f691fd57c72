// Dependency rules from docs/architecture.md, enforced here so a wrong import fails `npm run lint`
// with a message that says what to do instead.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import prettierConfig from 'eslint-config-prettier';

const restrict = (patterns) => ({ 'no-restricted-imports': ['error', { patterns }] });

const repoPackages = (except, message) => ({
  group: ['@flowgate/*', ...except.map((p) => `!@flowgate/${p}`), '**/packages/*/src/**'],
  message,
});

export default tseslint.config(
  {
    ignores: ['**/node_modules/**', '**/dist/**', '**/gen/**', 'gateway/.build/**', '.flowgate/**', 'e2e/artifacts/**'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'warn',
    },
  },
  {
    files: ['packages/config-model/src/**'],
    rules: restrict([
      repoPackages(
        [],
        'config-model is the bottom layer: it imports nothing from the repo. Move shared code here instead.',
      ),
      {
        group: ['node:*', 'fs', 'net', 'http', 'pg', '@electric-sql/*', 'ioredis', 'fastify', 'ws'],
        message: 'config-model does no I/O: keep schemas and pure functions here, do I/O in packages/server.',
      },
    ]),
  },
  {
    files: ['packages/analysis/src/**'],
    // Tests read the real dashboards and rule files they check (testdata/); the code under test does no I/O.
    ignores: ['packages/analysis/src/**/*.test.ts'],
    rules: restrict([
      repoPackages(
        ['config-model'],
        'packages/analysis is pure computation over plain data: it imports only @flowgate/config-model. Fetch and store in packages/server.',
      ),
      {
        group: ['node:*', 'fs', 'net', 'http', 'https', 'pg', '@electric-sql/*', 'ioredis', 'fastify', 'ws'],
        message:
          'packages/analysis does no I/O: take the file contents as arguments and let packages/server read them.',
      },
    ]),
  },
  {
    files: ['packages/opamp/src/**'],
    rules: restrict([
      repoPackages(
        [],
        'packages/opamp is protocol-only: it knows nothing of orgs, templates or the database. ' +
          'Expose a callback and let packages/server/src/opamp adapt it.',
      ),
      {
        group: ['pg', '@electric-sql/*', 'ioredis', 'fastify', '@fastify/*'],
        message:
          'packages/opamp is domain-free: no database, Redis or Fastify. ' +
          'Take a plain http.Server or callbacks instead.',
      },
    ]),
  },
  {
    files: ['packages/ui/src/**'],
    rules: restrict([
      repoPackages(
        ['config-model'],
        'The UI imports only @flowgate/config-model (shared schemas ' +
          'and types). Call the server over HTTP through lib/api.',
      ),
    ]),
  },
  {
    files: ['packages/server/src/**'],
    ignores: [
      'packages/server/src/**/routes.ts',
      'packages/server/src/**/*.routes.ts',
      'packages/server/src/app.ts',
      'packages/server/src/main.ts',
      'packages/server/src/opamp/**',
      'packages/server/src/platform/http/**',
      'packages/server/src/platform/db/**',
      'packages/server/src/platform/redis.ts',
      'packages/server/src/testing/**',
      'packages/server/src/**/*.test.ts',
      'packages/server/src/**/*.store.ts',
    ],
    rules: restrict([
      {
        group: ['fastify', '@fastify/*', 'ws'],
        message:
          'Only routes, app.ts, main.ts, platform/http and the OpAMP adapter ' +
          'touch Fastify/ws. Services take plain arguments; keep HTTP in routes.',
      },
      {
        group: ['pg', '@electric-sql/*'],
        message:
          'Only stores (*.store.ts) and platform/db touch the database driver. Use the Db interface from platform/db.',
      },
      {
        group: ['ioredis'],
        message: 'Only platform/redis touches Redis. Use the event bus / rate-limit store from platform.',
      },
    ]),
  },
  {
    files: ['packages/server/src/**/*.routes.ts', 'packages/server/src/**/routes.ts', 'packages/server/src/opamp/**'],
    rules: restrict([
      {
        group: ['pg', '@electric-sql/*'],
        message: 'Routes and the OpAMP adapter call services; only stores and platform/db touch the database driver.',
      },
      { group: ['ioredis'], message: 'Only platform/redis touches Redis.' },
    ]),
  },
  {
    files: ['packages/server/src/**/*.store.ts', 'packages/server/src/platform/db/**'],
    rules: restrict([{ group: ['ioredis', 'fastify', '@fastify/*', 'ws'], message: 'Stores do SQL only.' }]),
  },
  {
    files: ['e2e/**', 'bench/**'],
    rules: restrict([
      {
        group: ['**/packages/server/src/**', '@flowgate/server', '@flowgate/server/*'],
        message:
          'e2e and bench treat the server as a black box: start it as a process and talk ' +
          'HTTP/OpAMP. Use @flowgate/opamp for the agent side.',
      },
    ]),
  },
  prettierConfig,
);
