// The one table of building blocks. Each entry is a BlockType (blocks/types.ts); add new blocks here.
import type { BlockType } from './types.ts';
// ── logs (log studio) ──
import { logBlockTypes } from './logs/index.ts';
// ──

export const blockTypes: readonly BlockType[] = [
  // ── logs (log studio) ──
  ...logBlockTypes,
  // ──
];

export function blockType(type: string): BlockType | undefined {
  return blockTypes.find((b) => b.type === type);
}
