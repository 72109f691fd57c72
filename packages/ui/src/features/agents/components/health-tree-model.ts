import type { ComponentHealthNode } from '../../../lib/api/types.ts';

// Pure helpers for the component health tree (OpAMP ComponentHealth): narrowing the untyped API field,
// labelling statuses, and deciding what starts expanded.

export function isComponentHealthNode(value: unknown): value is ComponentHealthNode {
  if (typeof value !== 'object' || value === null) return false;
  const node = value as Record<string, unknown>;
  return (
    typeof node.healthy === 'boolean' &&
    (node.components === undefined || (typeof node.components === 'object' && node.components !== null))
  );
}

export function childrenOf(node: ComponentHealthNode): [string, ComponentHealthNode][] {
  const components = node.components ?? {};
  return Object.entries(components)
    .filter((entry): entry is [string, ComponentHealthNode] => isComponentHealthNode(entry[1]))
    .sort(([a, an], [b, bn]) => Number(an.healthy) - Number(bn.healthy) || a.localeCompare(b));
}

/** "StatusRecoverableError" → "Recoverable error"; "" → "OK"/"Unhealthy" by the healthy flag. */
export function statusLabel(node: Pick<ComponentHealthNode, 'status' | 'healthy'>): string {
  const raw = node.status?.trim();
  if (!raw) return node.healthy ? 'OK' : 'Unhealthy';
  const bare = raw.replace(/^Status/, '');
  if (bare === 'OK' || bare === 'Ok') return 'OK';
  const words = bare.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

export type HealthTone = 'ok' | 'starting' | 'warning' | 'error';

export function nodeTone(node: Pick<ComponentHealthNode, 'status' | 'healthy'>): HealthTone {
  const s = (node.status ?? '').toLowerCase();
  if (!node.healthy) return s.includes('recoverable') ? 'warning' : 'error';
  if (s.includes('starting') || s.includes('stopping')) return 'starting';
  if (s.includes('recoverable')) return 'warning';
  return 'ok';
}

export function hasUnhealthyDescendant(node: ComponentHealthNode): boolean {
  return childrenOf(node).some(([, child]) => !child.healthy || hasUnhealthyDescendant(child));
}

/**
 * Paths expanded on first render: the root and its first level, plus every branch that leads to an
 * unhealthy component, so a problem is visible without clicking.
 */
export function initialExpanded(root: ComponentHealthNode, rootPath = 'root'): Set<string> {
  const expanded = new Set<string>([rootPath]);
  const walk = (node: ComponentHealthNode, path: string, depth: number) => {
    for (const [name, child] of childrenOf(node)) {
      const childPath = `${path}/${name}`;
      if (depth < 1 || hasUnhealthyDescendant(child)) expanded.add(childPath);
      walk(child, childPath, depth + 1);
    }
  };
  walk(root, rootPath, 0);
  // Keep only paths that actually have children (expanding a leaf means nothing).
  return expanded;
}

export interface HealthSummaryCounts {
  total: number;
  unhealthy: number;
  errors: { path: string; message: string }[];
}

export function summarizeHealth(root: ComponentHealthNode): HealthSummaryCounts {
  const result: HealthSummaryCounts = { total: 0, unhealthy: 0, errors: [] };
  const walk = (node: ComponentHealthNode, path: string) => {
    for (const [name, child] of childrenOf(node)) {
      const childPath = path ? `${path} › ${name}` : name;
      result.total += 1;
      if (!child.healthy) result.unhealthy += 1;
      if (child.last_error) result.errors.push({ path: childPath, message: child.last_error });
      walk(child, childPath);
    }
  };
  walk(root, '');
  return result;
}
