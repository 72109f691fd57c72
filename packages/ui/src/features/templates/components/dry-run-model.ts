export type CountChange = 'dropped' | 'reduced' | 'unchanged' | 'increased' | 'added';

export interface CountRow {
  name: string;
  input: number;
  output: number;
  change: CountChange;
}

/** Joins input and output counts by name (metric name or log severity) and classifies each change. */
export function compareCounts(input: Record<string, number>, output: Record<string, number>): CountRow[] {
  const names = new Set([...Object.keys(input), ...Object.keys(output)]);
  const rows: CountRow[] = [];
  for (const name of names) {
    const i = input[name] ?? 0;
    const o = output[name] ?? 0;
    const change: CountChange =
      i > 0 && o === 0 ? 'dropped' : i === 0 && o > 0 ? 'added' : o < i ? 'reduced' : o > i ? 'increased' : 'unchanged';
    rows.push({ name, input: i, output: o, change });
  }
  const rank: Record<CountChange, number> = { dropped: 0, reduced: 1, added: 2, increased: 3, unchanged: 4 };
  return rows.sort((a, b) => rank[a.change] - rank[b.change] || b.input - a.input || a.name.localeCompare(b.name));
}

export function changePercent(input: number, output: number): string {
  if (input === 0) return output === 0 ? '0%' : 'new';
  const pct = Math.round(((output - input) / input) * 100);
  return `${pct > 0 ? '+' : ''}${pct}%`;
}
