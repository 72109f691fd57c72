// The usage benchmark's workload: N dashboards × Q queries and R rules, generated from the real query
// shapes of Node Exporter Full (packages/analysis/testdata) with varied metric names, so the parser
// sees real PromQL (variables, nested aggregations, binary matching) and the merge sees many metrics.
import { readFileSync } from 'node:fs';

const NEF = JSON.parse(
  readFileSync(new URL('../packages/analysis/testdata/node-exporter-full.dashboard.json', import.meta.url), 'utf8'),
) as { panels: { panels?: unknown[]; targets?: { expr?: string; legendFormat?: string }[] }[]; templating: unknown };

function nefTargets(): { expr: string; legendFormat?: string }[] {
  const out: { expr: string; legendFormat?: string }[] = [];
  const walk = (panels: unknown[]) => {
    for (const p of panels as { panels?: unknown[]; targets?: { expr?: string; legendFormat?: string }[] }[]) {
      if (p.panels) walk(p.panels);
      for (const t of p.targets ?? []) if (t.expr) out.push({ expr: t.expr, legendFormat: t.legendFormat });
    }
  };
  walk(NEF.panels);
  return out;
}

/** Renames node_* metrics into one of `families` name families (app3_cpu_seconds_total, …). */
const vary = (expr: string, family: number) => expr.replace(/\bnode_/g, `app${family}_`);

export interface UsageWorkload {
  dashboards: string[];
  rules: string;
  dashboardQueries: number;
  ruleCount: number;
}

export function usageWorkload(opts: {
  dashboards: number;
  queries: number;
  rules: number;
  families: number;
}): UsageWorkload {
  const targets = nefTargets();
  const dashboards: string[] = [];
  let k = 0;
  for (let d = 0; d < opts.dashboards; d++) {
    const family = d % opts.families;
    const panels = [];
    for (let q = 0; q < opts.queries; q++) {
      const t = targets[k++ % targets.length]!;
      // Every tenth query reads a recorded series, so recording rules carry usage to their inputs.
      const expr =
        q % 10 === 9 ? `sum by (instance) (bench:rule_${(d * 7 + q) % opts.rules}:rate5m)` : vary(t.expr, family);
      panels.push({
        id: q + 1,
        type: 'timeseries',
        title: `Panel ${q + 1}`,
        targets: [{ refId: 'A', expr, legendFormat: t.legendFormat }],
      });
    }
    dashboards.push(
      JSON.stringify({ uid: `bench-${d}`, title: `Bench dashboard ${d}`, templating: NEF.templating, panels }),
    );
  }
  const lines = ['groups:'];
  const perGroup = 50;
  for (let r = 0; r < opts.rules; r++) {
    if (r % perGroup === 0) lines.push(`  - name: bench-${r / perGroup}`, '    rules:');
    const t = targets[r % targets.length]!;
    const expr = vary(t.expr, r % opts.families)
      .replace(/\$__rate_interval|\$__interval/g, '5m')
      .replace(/\$node/g, 'host-1:9100')
      .replace(/\$job/g, 'node');
    if (r % 4 === 3)
      lines.push(
        `      - alert: BenchAlert${r}`,
        `        expr: ${JSON.stringify(`(${expr.replace(/\s+/g, ' ')}) > 0`)}`,
      );
    else
      lines.push(
        `      - record: bench:rule_${r}:rate5m`,
        `        expr: ${JSON.stringify(expr.replace(/\s+/g, ' '))}`,
      );
  }
  return {
    dashboards,
    rules: lines.join('\n') + '\n',
    dashboardQueries: opts.dashboards * opts.queries,
    ruleCount: opts.rules,
  };
}
