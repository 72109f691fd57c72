/** @jsxRuntime automatic */
import type { PauseDetails } from '@flowgate/config-model';
import { compactNumber } from '../../../lib/format.ts';
import { testIds } from '../../../lib/testids.ts';

const CHECK: Record<string, string> = {
  send_failures: 'Exporter send failures',
  out_zero: 'Nothing sent out',
  out_drop: 'Sent out far below before',
  refused: 'Receivers refusing',
};
const pct = (r: number | null | undefined) =>
  r === null || r === undefined ? '—' : `${(r * 100).toFixed(r < 0.1 ? 1 : 0)} %`;

/** What the data-plane gate saw in each gateway's own telemetry when it paused the rollout. */
export function PauseFigures({ details }: { details: PauseDetails }) {
  if (details.findings.length === 0) return null;
  return (
    <table className="mt-2 w-full text-xs" data-testid={testIds.dataPlane.figures}>
      <thead className="text-left opacity-75">
        <tr>
          <th className="py-1 pr-3 font-medium">Gateway</th>
          <th className="py-1 pr-3 font-medium">Check</th>
          <th className="py-1 pr-3 font-medium">Signal</th>
          <th className="py-1 pr-3 text-right font-medium">Received</th>
          <th className="py-1 pr-3 text-right font-medium">Sent</th>
          <th className="py-1 pr-3 text-right font-medium">Failed</th>
          <th className="py-1 pr-3 text-right font-medium">Refused</th>
          <th className="py-1 text-right font-medium">Out / in (before)</th>
        </tr>
      </thead>
      <tbody>
        {details.findings.map((f) => (
          <tr
            key={`${f.gateway_id}-${f.signal}-${f.check}`}
            data-testid={testIds.dataPlane.finding}
            data-gateway={f.gateway_name}
            data-check={f.check}
          >
            <td className="py-1 pr-3 font-medium">{f.gateway_name}</td>
            <td className="py-1 pr-3">{CHECK[f.check] ?? f.check}</td>
            <td className="py-1 pr-3 font-mono">{f.signal}</td>
            <td className="py-1 pr-3 text-right tabular-nums">{compactNumber(f.figures.received ?? 0)}</td>
            <td className="py-1 pr-3 text-right tabular-nums">{compactNumber(f.figures.sent ?? 0)}</td>
            <td className="py-1 pr-3 text-right tabular-nums">{compactNumber(f.figures.send_failed ?? 0)}</td>
            <td className="py-1 pr-3 text-right tabular-nums">{compactNumber(f.figures.refused ?? 0)}</td>
            <td className="py-1 text-right tabular-nums">
              {pct(f.figures.out_ratio)} ({pct(f.figures.before_out_ratio)})
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
