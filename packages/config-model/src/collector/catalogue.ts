// The components of the Flowgate gateway distribution, as sets the validator checks against.
// The single source is the catalogue generated from the gateway build (gen/component-catalogue.ts);
// until that file exists the temporary stand-in below is used — swap the import when it lands.
import { componentCatalogue } from './component-catalogue.tmp.ts';

export const componentKinds = ['receivers', 'processors', 'exporters', 'extensions', 'connectors'] as const;
export type ComponentKindName = (typeof componentKinds)[number];
export type ComponentSets = Record<ComponentKindName, ReadonlySet<string>>;

type CatalogueShape = { distribution: { name: string; version: string }; [kind: string]: unknown };

function setsOf(catalogue: CatalogueShape): ComponentSets {
  const out = {} as Record<ComponentKindName, Set<string>>;
  for (const kind of componentKinds) out[kind] = new Set(((catalogue[kind] as { type: string }[] | undefined) ?? []).map((c) => c.type));
  return out;
}

export const distributionComponents: ComponentSets = setsOf(componentCatalogue);
export const distributionLabel = `the ${componentCatalogue.distribution.name} ${componentCatalogue.distribution.version} distribution`;

/** Component sets from a gateway's AvailableComponents as stored: {receivers: {otlp: {...}}, ...}. */
export function componentSetsFromAvailable(available: unknown): ComponentSets | null {
  if (!available || typeof available !== 'object') return null;
  const a = available as Record<string, unknown>;
  if (!componentKinds.some((k) => a[k] && typeof a[k] === 'object')) return null;
  const out = {} as Record<ComponentKindName, Set<string>>;
  for (const kind of componentKinds) out[kind] = new Set(Object.keys((a[kind] as Record<string, unknown> | undefined) ?? {}));
  return out;
}
