// The components of the Flowgate gateway distribution, as sets the validator checks against. The
// single source is the catalogue generated from the gateway build (gen/component-catalogue.ts).
// Some components have a current type and deprecated aliases the collector still accepts
// (otlp_grpc/otlp, otlp_http/otlphttp, file_log/filelog): either name counts as the same component,
// in the distribution and in what a gateway reports.
import { componentCatalogue } from '../gen/component-catalogue.ts';

export const componentKinds = ['receivers', 'processors', 'exporters', 'extensions', 'connectors'] as const;
export type ComponentKindName = (typeof componentKinds)[number];
export type ComponentSets = Record<ComponentKindName, ReadonlySet<string>>;

type CatalogueEntry = { type: string; aliases?: readonly string[] };

/** kind → name (type or alias) → every name of that component. */
const namesOf: Record<ComponentKindName, Map<string, readonly string[]>> = Object.fromEntries(
  componentKinds.map((kind) => {
    const map = new Map<string, readonly string[]>();
    for (const c of componentCatalogue[kind] as readonly CatalogueEntry[]) {
      const all = [c.type, ...(c.aliases ?? [])];
      for (const n of all) map.set(n, all);
    }
    return [kind, map];
  }),
) as Record<ComponentKindName, Map<string, readonly string[]>>;

function withAliases(kind: ComponentKindName, types: Iterable<string>): Set<string> {
  const out = new Set<string>();
  for (const t of types) for (const n of namesOf[kind].get(t) ?? [t]) out.add(n);
  return out;
}

const setsBy = (types: (kind: ComponentKindName) => Iterable<string>): ComponentSets =>
  Object.fromEntries(componentKinds.map((kind) => [kind, withAliases(kind, types(kind))])) as unknown as ComponentSets;

export const distributionComponents: ComponentSets = setsBy((kind) =>
  (componentCatalogue[kind] as readonly CatalogueEntry[]).map((c) => c.type),
);
const { name: distributionName, version: distributionVersion } = componentCatalogue.distribution;
export const distributionLabel = `the ${distributionName} ${distributionVersion} distribution`;

/**
 * Component sets from a gateway's AvailableComponents as stored:
 * {receivers: {otlp: {...}}, ...}; null when it reported none.
 */
export function componentSetsFromAvailable(available: unknown): ComponentSets | null {
  if (!available || typeof available !== 'object') return null;
  const a = available as Record<string, unknown>;
  if (!componentKinds.some((k) => a[k] && typeof a[k] === 'object')) return null;
  return setsBy((kind) => Object.keys((a[kind] as Record<string, unknown> | undefined) ?? {}));
}
