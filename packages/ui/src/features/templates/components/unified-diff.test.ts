import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { diffStats, inlineChange, parseUnifiedDiff, toSideBySide } from './unified-diff.ts';

const twoHunks = `--- template v1
+++ template v2
@@ -1,4 +1,4 @@
 receivers:
   otlp:
-    endpoint: 0.0.0.0:4317
+    endpoint: 0.0.0.0:4318
 processors:
@@ -20,3 +20,5 @@ service:
   pipelines:
     metrics:
-      exporters: [debug]
+      exporters: [otlp]
+    logs:
+      exporters: [otlp]
\\ No newline at end of file
`;

describe('parseUnifiedDiff', () => {
  it('reads file names, hunks and line numbers on both sides', () => {
    const diff = parseUnifiedDiff(twoHunks);
    assert.equal(diff.oldName, 'template v1');
    assert.equal(diff.newName, 'template v2');
    assert.equal(diff.hunks.length, 2);
    const [first, second] = diff.hunks;
    assert.deepEqual([first!.oldStart, first!.oldLines, first!.newStart, first!.newLines], [1, 4, 1, 4]);
    assert.equal(second!.section, 'service:');
    const del = first!.lines.find((l) => l.kind === 'del');
    const add = first!.lines.find((l) => l.kind === 'add');
    assert.deepEqual(del, { kind: 'del', text: '    endpoint: 0.0.0.0:4317', oldNo: 3, newNo: null });
    assert.deepEqual(add, { kind: 'add', text: '    endpoint: 0.0.0.0:4318', oldNo: null, newNo: 3 });
    const lastContext = first!.lines.at(-1);
    assert.deepEqual([lastContext!.oldNo, lastContext!.newNo], [4, 4]);
  });

  it('marks a line followed by "\\ No newline at end of file"', () => {
    const last = parseUnifiedDiff(twoHunks).hunks[1]!.lines.at(-1)!;
    assert.equal(last.kind, 'add');
    assert.equal(last.noNewline, true);
    assert.equal(last.newNo, 24);
  });

  it('defaults a missing line count to 1 and ignores git preamble', () => {
    const diff = parseUnifiedDiff('diff --git a/x b/x\nindex 1..2 100644\n--- a/x\n+++ b/x\n@@ -3 +3 @@\n-a\n+b\n');
    assert.equal(diff.oldName, 'a/x');
    assert.deepEqual([diff.hunks[0]!.oldLines, diff.hunks[0]!.newLines], [1, 1]);
    assert.deepEqual(diffStats(diff), { added: 1, removed: 1 });
  });

  it('treats an empty line inside a hunk as empty context (tools that trim the space)', () => {
    const diff = parseUnifiedDiff('@@ -1,3 +1,3 @@\n a\n\n-b\n+c\n');
    assert.deepEqual(
      diff.hunks[0]!.lines.map((l) => [l.kind, l.text, l.oldNo, l.newNo]),
      [
        ['context', 'a', 1, 1],
        ['context', '', 2, 2],
        ['del', 'b', 3, null],
        ['add', 'c', null, 3],
      ],
    );
  });

  it('returns no hunks for an empty diff (identical versions)', () => {
    assert.deepEqual(parseUnifiedDiff('').hunks, []);
    assert.deepEqual(toSideBySide(parseUnifiedDiff('')), []);
  });
});

describe('toSideBySide', () => {
  it('pairs the i-th deletion with the i-th addition and leaves extra lines one-sided', () => {
    const rows = toSideBySide(parseUnifiedDiff(twoHunks));
    const changes = rows.filter((r) => r.type === 'line' && r.changed);
    assert.equal(changes.length, 4);
    // Hunk 1: one pair. Hunk 2: one deletion against three additions → one pair, two right-only rows.
    const [firstChange, secondPair, extra1, extra2] = changes;
    assert.ok(firstChange?.type === 'line');
    assert.equal(firstChange.left?.text, '    endpoint: 0.0.0.0:4317');
    assert.equal(firstChange.right?.text, '    endpoint: 0.0.0.0:4318');
    assert.ok(secondPair?.type === 'line' && extra1?.type === 'line' && extra2?.type === 'line');
    assert.equal(secondPair.left?.text, '      exporters: [debug]');
    assert.equal(secondPair.right?.text, '      exporters: [otlp]');
    assert.equal(extra1.left, null);
    assert.equal(extra1.right?.text, '    logs:');
    assert.equal(extra2.left, null);
    assert.equal(extra2.right?.no, 24);
  });

  it('inserts a gap row for the unchanged lines between hunks', () => {
    const rows = toSideBySide(parseUnifiedDiff(twoHunks));
    const gaps = rows.filter((r) => r.type === 'gap');
    // Hunk 1 covers old lines 1–4, hunk 2 starts at 20: lines 5–19 are hidden.
    assert.equal(gaps.length, 1);
    assert.ok(gaps[0]?.type === 'gap');
    assert.equal(gaps[0].hidden, 15);
    assert.equal(gaps[0].section, 'service:');
  });

  it('shows the leading unchanged lines when the first hunk starts later', () => {
    const rows = toSideBySide(parseUnifiedDiff('@@ -10,1 +10,1 @@\n-a\n+b\n'));
    assert.deepEqual(rows[0], { type: 'gap', hidden: 9, section: '' });
  });
});

describe('inlineChange', () => {
  it('isolates the changed middle of a line', () => {
    assert.deepEqual(inlineChange('endpoint: 0.0.0.0:4317', 'endpoint: 0.0.0.0:4318'), {
      prefix: 'endpoint: 0.0.0.0:431',
      before: '7',
      after: '8',
      suffix: '',
    });
    assert.deepEqual(inlineChange('a: [x, y]', 'a: [x]'), { prefix: 'a: [x', before: ', y', after: '', suffix: ']' });
  });
});
