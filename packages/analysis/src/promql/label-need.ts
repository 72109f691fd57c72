// Which labels of a selector's series a query depends on: either "only these" or "all but these".
// Unions stay in that form, so the merge over every query reading a metric is exact:
//   only A ∪ only B = only (A ∪ B);  all−E ∪ only A = all−(E∖A);  all−E ∪ all−F = all−(E∩F).

export type LabelNeed = { all: true; except: ReadonlySet<string> } | { all: false; only: ReadonlySet<string> };

/** Serialisable form, as stored and returned by the API. */
export type LabelNeedJson = { all: true; except: string[] } | { all: false; only: string[] };

export const ALL: LabelNeed = { all: true, except: new Set() };
export const NONE: LabelNeed = { all: false, only: new Set() };

export const only = (labels: Iterable<string>): LabelNeed => ({ all: false, only: new Set(labels) });
export const allExcept = (labels: Iterable<string>): LabelNeed => ({ all: true, except: new Set(labels) });

export function union(a: LabelNeed, b: LabelNeed): LabelNeed {
  if (a.all && b.all) return allExcept([...a.except].filter((l) => b.except.has(l)));
  if (a.all && !b.all) return allExcept([...a.except].filter((l) => !b.only.has(l)));
  if (!a.all && b.all) return union(b, a);
  return only([...(a as { only: ReadonlySet<string> }).only, ...(b as { only: ReadonlySet<string> }).only]);
}

export const withLabels = (need: LabelNeed, labels: Iterable<string>): LabelNeed => union(need, only(labels));

/** Does the need include this label? */
export const needs = (need: LabelNeed, label: string): boolean =>
  need.all ? !need.except.has(label) : need.only.has(label);

export function toJson(need: LabelNeed): LabelNeedJson {
  return need.all ? { all: true, except: [...need.except].sort() } : { all: false, only: [...need.only].sort() };
}

export function fromJson(json: LabelNeedJson): LabelNeed {
  return json.all ? allExcept(json.except) : only(json.only);
}
