#!/usr/bin/env node
/* global process, console */
// Labels each collected line with its true template, by explicit per-program rules (rules/<program>.mjs: a
// header regex to strip, then templates tried in order; `<*>` = a variable without spaces, `<**>` = a
// variable that may contain spaces, whitespace in a template matches any run of whitespace). Every line must
// match exactly one rule's template (the first that matches; --review also reports lines that a later rule
// matches too, to catch rules that are too loose). Writes the labelled corpus the accuracy test reads:
//   node scripts/logs-corpus/label.mjs [--raw DIR] [--review] [program ...]
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { tmpdir } from 'node:os';

const outDir = resolve(import.meta.dirname, '../../packages/analysis/src/logs/corpus');
const args = process.argv.slice(2);
let raw = join(tmpdir(), 'flowgate-logs-corpus');
let review = false;
const chosen = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--raw') raw = resolve(args[++i]);
  else if (args[i] === '--review') review = true;
  else chosen.push(args[i]);
}
const all = ['postgres', 'redis', 'nginx', 'sshd', 'collector', 'prometheus'];

function templateRegex(template) {
  const parts = template.split(/(<\*\*>|<\*>)/);
  let re = '^';
  for (const p of parts) {
    if (p === '<*>') re += '(\\S*?)';
    else if (p === '<**>') re += '(.*?)';
    else re += p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/\s+/g, '\\s+');
  }
  return new RegExp(re + '\\s*$', 's');
}

let failed = false;
for (const program of chosen.length ? chosen : all) {
  const { default: rules } = await import(`./rules/${program}.mjs`);
  const compiled = rules.templates.map((t) => ({ template: t, re: templateRegex(t) }));
  if (new Set(rules.templates).size !== rules.templates.length) throw new Error(`${program}: duplicate templates`);
  // Invalid UTF-8 becomes U+FFFD, as a JSON client sending the line would have it.
  const text = readFileSync(join(raw, `${program}.log`)).toString('utf8');
  const lines = text.split('\n').filter((l) => l.trim().length > 0);
  const labels = [];
  const unmatched = [];
  const overlaps = new Map();
  const byTemplate = new Map();
  for (const line of lines) {
    const m = rules.header?.exec(line);
    const message = m ? line.slice(m[0].length) : line;
    const hits = compiled.filter((c) => c.re.test(message));
    if (hits.length === 0) {
      unmatched.push(line);
      labels.push(-1);
      continue;
    }
    const index = rules.templates.indexOf(hits[0].template);
    labels.push(index);
    if (!byTemplate.has(index)) byTemplate.set(index, []);
    byTemplate.get(index).push(line);
    if (hits.length > 1) overlaps.set(`${hits[0].template}  ⟂  ${hits[1].template}`, line);
  }
  if (unmatched.length) {
    failed = true;
    console.error(`${program}: ${unmatched.length} lines match no template, e.g.:`);
    for (const l of [...new Set(unmatched)].slice(0, 40)) console.error('   ', JSON.stringify(l).slice(0, 240));
    continue;
  }
  const unused = rules.templates.filter((_, i) => !byTemplate.has(i));
  if (review) {
    console.log(`\n== ${program}: ${lines.length} lines, ${byTemplate.size} templates used`);
    for (const [i, group] of [...byTemplate].sort((a, b) => b[1].length - a[1].length)) {
      console.log(`${String(group.length).padStart(5)}  ${rules.templates[i]}`);
      for (const l of [...new Set(group)].slice(0, 2)) console.log('         ', l.slice(0, 200));
    }
    for (const [k, l] of overlaps) console.log(`  overlap: ${k}\n           ${l.slice(0, 200)}`);
    if (unused.length) console.log(`  unused templates: ${unused.join(' | ')}`);
  }
  // Templates no line uses are dropped; labels are renumbered in order of first use.
  const used = [...new Set(labels)];
  const renumber = new Map(used.map((old, i) => [old, i]));
  const corpus = {
    program,
    templates: used.map((i) => rules.templates[i]),
    lines,
    labels: labels.map((l) => renumber.get(l)),
  };
  writeFileSync(join(outDir, `${program}.json`), JSON.stringify(corpus, null, 0) + '\n');
  console.error(`${program}: ${lines.length} lines, ${used.length} templates → ${join(outDir, `${program}.json`)}`);
}
process.exit(failed ? 1 : 0);
