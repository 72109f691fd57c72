/** @jsxRuntime automatic */
import { useLayoutEffect, useRef, useState, type MouseEvent } from 'react';
import { cn } from '../../lib/cn.ts';
import { compactNumber } from '../../lib/format.ts';
import { areaPath, linePath, linearScale, nearestIndex, niceTicks, timeTicks, type ChartPoint } from './chart-math.ts';

export interface ChartSeries {
  name: string;
  /** A CSS colour; used for the stroke and a faint area fill. */
  color: string;
  points: ChartPoint[];
  fill?: boolean;
}

export interface TimeSeriesChartProps {
  series: ChartSeries[];
  height?: number;
  formatValue?: (v: number) => string;
  'data-testid'?: string;
  emptyText?: string;
}

const PAD = { top: 12, right: 12, bottom: 24, left: 44 };

function useWidth(initial: number) {
  const ref = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(initial);
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el || typeof ResizeObserver === 'undefined') return;
    const observer = new ResizeObserver(([entry]) => {
      if (entry) setWidth(Math.max(200, Math.floor(entry.contentRect.width)));
    });
    observer.observe(el);
    return () => observer.disconnect();
  }, []);
  return { ref, width };
}

function clock(t: number, spanMs: number): string {
  const d = new Date(t);
  if (spanMs > 2 * 86_400_000) return d.toLocaleDateString(undefined, { month: 'short', day: 'numeric' });
  return d.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
}

/** A small, dependency-free SVG line chart with hover read-out. */
export function TimeSeriesChart({
  series,
  height = 200,
  formatValue = compactNumber,
  emptyText = 'No data yet',
  ...rest
}: TimeSeriesChartProps) {
  const { ref, width } = useWidth(640);
  const [hoverT, setHoverT] = useState<number | null>(null);
  const all = series.flatMap((s) => s.points);

  if (all.length === 0) {
    return (
      <div
        ref={ref}
        className={cn(
          'flex items-center justify-center rounded-lg border border-dashed',
          'border-zinc-200 text-sm text-zinc-400 dark:border-zinc-800',
        )}
        style={{ height }}
        data-testid={rest['data-testid']}
        data-empty="true"
      >
        {emptyText}
      </div>
    );
  }

  const tMin = Math.min(...all.map((p) => p.t));
  const tMax = Math.max(...all.map((p) => p.t));
  const vMax = Math.max(...all.map((p) => p.v), 0);
  const ticks = niceTicks(vMax);
  const top = ticks.at(-1) ?? 1;
  // A single bucket (a gateway that just started reporting) sits in the middle instead of on the axis.
  const single = tMax === tMin;
  const x = linearScale(single ? [tMin - 60_000, tMin + 60_000] : [tMin, tMax], [PAD.left, width - PAD.right]);
  const y = linearScale([0, top], [height - PAD.bottom, PAD.top]);
  const baseline = height - PAD.bottom;
  const longest = series.reduce<ChartPoint[]>((acc, s) => (s.points.length > acc.length ? s.points : acc), []);
  const hoverIndex = hoverT === null ? -1 : nearestIndex(longest, hoverT);
  const hoverPoint = hoverIndex >= 0 ? longest[hoverIndex] : undefined;

  const onMove = (event: MouseEvent<SVGSVGElement>) => {
    const rect = event.currentTarget.getBoundingClientRect();
    const px = ((event.clientX - rect.left) / rect.width) * width;
    const t = tMin + ((px - PAD.left) / (width - PAD.left - PAD.right)) * (tMax - tMin);
    setHoverT(t);
  };

  return (
    <div ref={ref} className="relative w-full" data-testid={rest['data-testid']}>
      <svg
        width="100%"
        height={height}
        viewBox={`0 0 ${width} ${height}`}
        role="img"
        aria-label={series.map((s) => s.name).join(' vs ')}
        onMouseMove={onMove}
        onMouseLeave={() => setHoverT(null)}
      >
        {ticks.map((tick) => (
          <g key={tick}>
            <line
              x1={PAD.left}
              x2={width - PAD.right}
              y1={y(tick)}
              y2={y(tick)}
              className="stroke-zinc-200 dark:stroke-zinc-800"
              strokeDasharray={tick === 0 ? undefined : '3 3'}
            />
            <text
              x={PAD.left - 8}
              y={y(tick)}
              dy="0.32em"
              textAnchor="end"
              className="fill-zinc-400 text-[10px] tabular-nums"
            >
              {formatValue(tick)}
            </text>
          </g>
        ))}
        {timeTicks(tMin, tMax).map((t, i, arr) => (
          <text
            key={t}
            x={x(t)}
            y={height - 6}
            textAnchor={arr.length === 1 ? 'middle' : i === 0 ? 'start' : i === arr.length - 1 ? 'end' : 'middle'}
            className="fill-zinc-400 text-[10px]"
          >
            {clock(t, tMax - tMin)}
          </text>
        ))}
        {series.map((s) =>
          s.fill === false ? null : (
            <path key={`${s.name}-area`} d={areaPath(s.points, x, y, baseline)} fill={s.color} fillOpacity={0.08} />
          ),
        )}
        {series.map((s) => (
          <path
            key={s.name}
            d={linePath(s.points, x, y)}
            fill="none"
            stroke={s.color}
            strokeWidth={2}
            strokeLinejoin="round"
            strokeLinecap="round"
          />
        ))}
        {series.map((s) =>
          s.points.length === 1 ? (
            <circle
              key={`${s.name}-dot`}
              cx={x(s.points[0]!.t)}
              cy={y(s.points[0]!.v)}
              r={4}
              fill={s.color}
              className="stroke-white dark:stroke-zinc-900"
              strokeWidth={1.5}
            />
          ) : null,
        )}
        {hoverPoint && (
          <g>
            <line
              x1={x(hoverPoint.t)}
              x2={x(hoverPoint.t)}
              y1={PAD.top}
              y2={baseline}
              className="stroke-zinc-300 dark:stroke-zinc-600"
            />
            {series.map((s) => {
              const p = s.points[nearestIndex(s.points, hoverPoint.t)];
              return p ? (
                <circle
                  key={s.name}
                  cx={x(p.t)}
                  cy={y(p.v)}
                  r={3.5}
                  fill={s.color}
                  className="stroke-white dark:stroke-zinc-900"
                  strokeWidth={1.5}
                />
              ) : null;
            })}
          </g>
        )}
      </svg>
      {longest.length === 1 && (
        <p className="text-center text-[11px] text-zinc-500">
          One minute reported so far; the lines fill in as the gateways keep reporting.
        </p>
      )}
      {hoverPoint && (
        <div
          className={cn(
            'pointer-events-none absolute top-1 rounded-lg border border-zinc-200 bg-white/95',
            'px-2.5 py-1.5 text-xs shadow-md dark:border-zinc-700 dark:bg-zinc-900/95',
          )}
          style={{ left: Math.min(Math.max(x(hoverPoint.t) + 10, 0), width - 160) }}
        >
          <div className="mb-1 text-zinc-500">{new Date(hoverPoint.t).toLocaleTimeString()}</div>
          {series.map((s) => {
            const p = s.points[nearestIndex(s.points, hoverPoint.t)];
            return (
              <div key={s.name} className="flex items-center gap-2">
                <span className="size-2 rounded-full" style={{ background: s.color }} />
                <span className="text-zinc-600 dark:text-zinc-300">{s.name}</span>
                <span className="ml-auto pl-3 font-medium tabular-nums">{p ? formatValue(p.v) : '—'}</span>
              </div>
            );
          })}
        </div>
      )}
    </div>
  );
}

export function ChartLegend({ items }: { items: { name: string; color: string; value?: string }[] }) {
  return (
    <div className="flex flex-wrap items-center gap-4 text-xs">
      {items.map((item) => (
        <span key={item.name} className="inline-flex items-center gap-1.5 text-zinc-600 dark:text-zinc-400">
          <span className="h-0.5 w-3 rounded" style={{ background: item.color }} />
          {item.name}
          {item.value && (
            <span className="font-medium text-zinc-900 tabular-nums dark:text-zinc-100">{item.value}</span>
          )}
        </span>
      ))}
    </div>
  );
}
