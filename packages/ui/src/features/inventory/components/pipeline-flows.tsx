/** @jsxRuntime automatic */
import { Badge } from '../../../components/ui/badge.tsx';
import { cn } from '../../../lib/cn.ts';
import { compactNumber } from '../../../lib/format.ts';
import { testIds } from '../../../lib/testids.ts';
import type { InventoryPipeline } from '../api/inventory-api.ts';
import { formatBytes, reductionText } from './inventory-model.ts';

/** "−21.7 %" in green when the pipeline sends less than it receives. */
export function ReductionBadge({ inValue, outValue }: { inValue: number; outValue: number }) {
  const text = reductionText(inValue, outValue);
  if (text === null) return null;
  const saved = outValue < inValue;
  return (
    <Badge
      tone={saved ? 'success' : 'muted'}
      className="tabular-nums"
      title="1 − out / in, per minute in the latest window"
      data-testid={testIds.inventory.reduction}
    >
      {text}
    </Badge>
  );
}

function Flow({ label, inValue, outValue }: { label: string; inValue: string; outValue: string }) {
  return (
    <div className="min-w-0">
      <div className="text-[11px] font-medium tracking-wide text-zinc-400 uppercase">{label}</div>
      <div className="mt-0.5 truncate text-sm tabular-nums">
        <span className="text-zinc-900 dark:text-zinc-100">{inValue}</span>
        <span className="mx-1.5 text-zinc-400">→</span>
        <span className="text-zinc-900 dark:text-zinc-100">{outValue}</span>
      </div>
    </div>
  );
}

/**
 * Per pipeline: items and bytes per minute where it starts (in) and where it ends (out), measured by the
 * Flowgate processor, and the reduction — the measured saving of that pipeline.
 */
export function PipelineFlows({ pipelines }: { pipelines: InventoryPipeline[] }) {
  return (
    <ul className="divide-y divide-zinc-100 dark:divide-zinc-800">
      {pipelines.map((p) => {
        const bytesIn = p.in?.bytes_per_min ?? 0;
        const bytesOut = p.out?.bytes_per_min ?? 0;
        return (
          <li
            key={p.name}
            className="grid grid-cols-[minmax(0,10rem)_1fr_1fr_auto] items-center gap-4 py-2.5 first:pt-0 last:pb-0"
            data-testid={testIds.inventory.pipelineRow}
            data-name={p.name}
            data-signal={p.signal}
            data-bytes-in={String(bytesIn)}
            data-bytes-out={String(bytesOut)}
          >
            <div className="min-w-0">
              <div className="truncate font-mono text-xs font-medium text-zinc-800 dark:text-zinc-200" title={p.name}>
                {p.name}
              </div>
              {p.signal !== p.name && <div className="text-[11px] text-zinc-500">{p.signal}</div>}
            </div>
            <Flow
              label="Items / min"
              inValue={p.in ? compactNumber(p.in.items_per_min) : '—'}
              outValue={p.out ? compactNumber(p.out.items_per_min) : '—'}
            />
            <Flow
              label="Bytes / min"
              inValue={p.in ? formatBytes(p.in.bytes_per_min) : '—'}
              outValue={p.out ? formatBytes(p.out.bytes_per_min) : '—'}
            />
            <div className={cn('flex justify-end', !(p.in && p.out) && 'invisible')}>
              <ReductionBadge inValue={bytesIn} outValue={bytesOut} />
            </div>
          </li>
        );
      })}
    </ul>
  );
}
