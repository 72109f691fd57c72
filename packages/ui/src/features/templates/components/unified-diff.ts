// A small parser for unified diffs (the text GET /templates/{id}/diff returns) and the pairing of its
// lines into side-by-side rows. Pure functions: the diff view and its tests share them.

export type DiffLineKind = 'context' | 'add' | 'del';

export interface DiffLine {
  kind: DiffLineKind;
  text: string;
  oldNo: number | null;
  newNo: number | null;
  /** The line had "\ No newline at end of file" after it. */
  noNewline?: boolean;
}

export interface DiffHunk {
  oldStart: number;
  oldLines: number;
  newStart: number;
  newLines: number;
  section: string;
  lines: DiffLine[];
}

export interface ParsedDiff {
  oldName: string | null;
  newName: string | null;
  hunks: DiffHunk[];
}

const HUNK_HEADER = /^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@ ?(.*)$/;

function stripName(raw: string): string {
  // "--- a/file\t2024-01-01" → "a/file"
  return raw.replace(/\t.*$/, '').trim();
}

export function parseUnifiedDiff(text: string): ParsedDiff {
  const result: ParsedDiff = { oldName: null, newName: null, hunks: [] };
  const lines = text.replace(/\r\n/g, '\n').split('\n');
  if (lines.at(-1) === '') lines.pop();
  let hunk: DiffHunk | null = null;
  let oldNo = 0;
  let newNo = 0;

  for (const line of lines) {
    const header = HUNK_HEADER.exec(line);
    if (header) {
      oldNo = Number(header[1]);
      newNo = Number(header[3]);
      hunk = {
        oldStart: oldNo,
        oldLines: header[2] === undefined ? 1 : Number(header[2]),
        newStart: newNo,
        newLines: header[4] === undefined ? 1 : Number(header[4]),
        section: header[5] ?? '',
        lines: [],
      };
      result.hunks.push(hunk);
      continue;
    }
    if (!hunk) {
      if (line.startsWith('--- ')) result.oldName = stripName(line.slice(4));
      else if (line.startsWith('+++ ')) result.newName = stripName(line.slice(4));
      continue; // "diff --git", "index …" and other preamble
    }
    if (line.startsWith('\\')) {
      const last = hunk.lines.at(-1);
      if (last) last.noNewline = true;
      continue;
    }
    const marker = line[0];
    const body = line.slice(1);
    if (marker === '+') {
      hunk.lines.push({ kind: 'add', text: body, oldNo: null, newNo: newNo++ });
    } else if (marker === '-') {
      hunk.lines.push({ kind: 'del', text: body, oldNo: oldNo++, newNo: null });
    } else if (marker === ' ' || line === '') {
      // Some tools drop the single space of an empty context line.
      hunk.lines.push({ kind: 'context', text: body, oldNo: oldNo++, newNo: newNo++ });
    } else if (line.startsWith('--- ') || line.startsWith('+++ ')) {
      // A second file's header in a multi-file diff: names only, hunks follow.
      hunk = null;
      if (line.startsWith('--- ')) result.oldName = stripName(line.slice(4));
    }
  }
  return result;
}

export interface SideCell {
  no: number;
  text: string;
  kind: DiffLineKind;
}

export type SideRow =
  | { type: 'gap'; hidden: number; section: string }
  | { type: 'line'; left: SideCell | null; right: SideCell | null; changed: boolean };

/**
 * Side-by-side rows: context lines on both sides; inside a change block the i-th deletion sits next
 * to the i-th addition; a gap row stands for unchanged lines the diff left out between hunks.
 */
export function toSideBySide(diff: ParsedDiff): SideRow[] {
  const rows: SideRow[] = [];
  let nextOld = 1;
  diff.hunks.forEach((hunk) => {
    const hidden = hunk.oldStart - nextOld;
    if (hidden > 0 || hunk.section) rows.push({ type: 'gap', hidden: Math.max(0, hidden), section: hunk.section });
    let i = 0;
    const lines = hunk.lines;
    while (i < lines.length) {
      const line = lines[i]!;
      if (line.kind === 'context') {
        rows.push({
          type: 'line',
          left: { no: line.oldNo ?? 0, text: line.text, kind: 'context' },
          right: { no: line.newNo ?? 0, text: line.text, kind: 'context' },
          changed: false,
        });
        i += 1;
        continue;
      }
      const dels: DiffLine[] = [];
      const adds: DiffLine[] = [];
      while (i < lines.length && lines[i]!.kind === 'del') dels.push(lines[i++]!);
      while (i < lines.length && lines[i]!.kind === 'add') adds.push(lines[i++]!);
      const n = Math.max(dels.length, adds.length);
      for (let k = 0; k < n; k += 1) {
        const d = dels[k];
        const a = adds[k];
        rows.push({
          type: 'line',
          left: d ? { no: d.oldNo ?? 0, text: d.text, kind: 'del' } : null,
          right: a ? { no: a.newNo ?? 0, text: a.text, kind: 'add' } : null,
          changed: true,
        });
      }
    }
    nextOld = hunk.oldStart + hunk.oldLines;
  });
  return rows;
}

export function diffStats(diff: ParsedDiff): { added: number; removed: number } {
  let added = 0;
  let removed = 0;
  for (const hunk of diff.hunks) {
    for (const line of hunk.lines) {
      if (line.kind === 'add') added += 1;
      else if (line.kind === 'del') removed += 1;
    }
  }
  return { added, removed };
}

/** Split two versions of a line into common prefix, changed middles and common suffix. */
export function inlineChange(
  before: string,
  after: string,
): { prefix: string; before: string; after: string; suffix: string } {
  let start = 0;
  while (start < before.length && start < after.length && before[start] === after[start]) start += 1;
  let endB = before.length;
  let endA = after.length;
  while (endB > start && endA > start && before[endB - 1] === after[endA - 1]) {
    endB -= 1;
    endA -= 1;
  }
  return {
    prefix: before.slice(0, start),
    before: before.slice(start, endB),
    after: after.slice(start, endA),
    suffix: before.slice(endB),
  };
}
