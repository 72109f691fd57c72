// The one table of building blocks. Each entry is a BlockType (blocks/types.ts); add new blocks here.
import type { BlockType } from './types.ts';
// ── metrics (reduce) ──
import { metricsDropBlock } from './metrics/drop.ts';
import { metricsDropLabelsBlock } from './metrics/drop-labels.ts';
import { metricsKeepOnlyBlock } from './metrics/keep-only.ts';

export const blockTypes: readonly BlockType[] = [
  // ── metrics (reduce) ──
  metricsDropBlock as unknown as BlockType,
  metricsKeepOnlyBlock as unknown as BlockType,
  metricsDropLabelsBlock as unknown as BlockType,
];

export function blockType(type: string): BlockType | undefined {
  return blockTypes.find((b) => b.type === type);
}
