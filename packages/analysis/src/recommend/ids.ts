// Stable recommendation ids: a hash of what the recommendation does, so "apply these ids" means the same
// change across recomputations, and an id that no longer comes out of the current inventory and usage is
// detectably stale (the evidence it was shown with has changed).
import type { Recommendation, RecommendationSet } from './types.ts';

const FNV_OFFSET = 0xcbf29ce484222325n;
const FNV_PRIME = 0x100000001b3n;
const MASK = 0xffffffffffffffffn;

/** FNV-1a, 64 bits, over the UTF-8 bytes of `text`, as 16 hex digits. */
export function fnv1a64(text: string): string {
  let h = FNV_OFFSET;
  for (const byte of new TextEncoder().encode(text)) {
    h ^= BigInt(byte);
    h = (h * FNV_PRIME) & MASK;
  }
  return h.toString(16).padStart(16, '0');
}

export function recommendationId(
  r: Pick<Recommendation, 'kind' | 'metric' | 'labels' | 'aggregation' | 'job' | 'keep'>,
): string {
  const parts = [
    r.kind,
    r.metric,
    [...(r.labels ?? [])].sort().join(','),
    r.aggregation ?? '',
    r.job ?? '',
    [...(r.keep ?? [])].sort().join(','),
  ];
  return `rec_${fnv1a64(parts.join('\u0000'))}`;
}

/**
 * The current items for `ids` (all items when ids is absent); ids that no current item has are stale. The
 * drop_metric items a keep_only stands for keep their ids: asked for alone, they apply alone.
 */
export function resolveIds(
  set: RecommendationSet,
  ids?: readonly string[],
): { items: Recommendation[]; stale: string[] } {
  if (!ids) return { items: [...set.items], stale: [] };
  const byId = new Map([...set.replaced, ...set.items].map((r) => [r.id, r]));
  const items = new Map<string, Recommendation>();
  const stale: string[] = [];
  for (const id of ids) {
    const r = byId.get(id);
    if (r) items.set(r.id, r);
    else stale.push(id);
  }
  // A keep_only asked for together with drops it already covers: the drops are redundant.
  for (const r of [...items.values()]) for (const id of r.replaces ?? []) items.delete(id);
  return { items: [...items.values()], stale };
}
