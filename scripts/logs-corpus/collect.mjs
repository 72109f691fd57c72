#!/usr/bin/env node
/* global process, console */
// Runs real programs on free ports in a temporary directory under a small load and keeps their log lines:
//   node scripts/logs-corpus/collect.mjs [--out DIR] [program ...]
// Programs: postgres, redis, nginx, sshd, collector, prometheus (all by default). Needs root (PostgreSQL runs
// as the postgres user; sshd needs its privilege-separation directory, given to it in a private mount
// namespace). The raw logs land in DIR/<program>.log; label.mjs turns them into the labelled corpus.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { collectPostgres } from './programs/postgres.mjs';
import { collectRedis } from './programs/redis.mjs';
import { collectNginx } from './programs/nginx.mjs';
import { collectSshd } from './programs/sshd.mjs';
import { collectCollector } from './programs/collector.mjs';
import { collectPrometheus } from './programs/prometheus.mjs';

const programs = {
  postgres: collectPostgres,
  redis: collectRedis,
  nginx: collectNginx,
  sshd: collectSshd,
  collector: collectCollector,
  prometheus: collectPrometheus,
};

const args = process.argv.slice(2);
let out = join(tmpdir(), 'flowgate-logs-corpus');
const chosen = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--out') out = resolve(args[++i]);
  else chosen.push(args[i]);
}
mkdirSync(out, { recursive: true });
for (const name of chosen.length ? chosen : Object.keys(programs)) {
  const collect = programs[name];
  if (!collect) throw new Error(`unknown program ${name}; known: ${Object.keys(programs).join(', ')}`);
  const tmp = mkdtempSync(join(tmpdir(), `flowgate-corpus-${name}-`));
  const file = join(out, `${name}.log`);
  rmSync(file, { force: true });
  try {
    await collect(file, tmp);
    console.error(`[collect] ${name} → ${file}`);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
