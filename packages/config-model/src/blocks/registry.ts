// The one table of building blocks. Each entry is a BlockType (blocks/types.ts); add new blocks here.
import type { BlockType } from './types.ts';

export const blockTypes: readonly BlockType[] = [];

export function blockType(type: string): BlockType | undefined {
  return blockTypes.find((b) => b.type === type);
}
