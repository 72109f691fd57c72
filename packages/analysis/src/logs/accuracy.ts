// Grouping accuracy (Zhu et al., "Tools and Benchmarks for Automated Log Parsing", ICSE-SEIP 2019): a line
// is parsed correctly when the group the parser put it in holds exactly the lines of its true template.

export function groupingAccuracy(predicted: readonly number[], truth: readonly number[]): number {
  if (predicted.length !== truth.length) throw new Error('predicted and truth differ in length');
  if (predicted.length === 0) return 1;
  const predictedSize = new Map<number, number>();
  const truthSize = new Map<number, number>();
  // For each predicted group: the one true label all its lines share, or null when they disagree.
  const label = new Map<number, number | null>();
  for (let i = 0; i < predicted.length; i++) {
    const p = predicted[i]!;
    const t = truth[i]!;
    predictedSize.set(p, (predictedSize.get(p) ?? 0) + 1);
    truthSize.set(t, (truthSize.get(t) ?? 0) + 1);
    const l = label.get(p);
    if (l === undefined) label.set(p, t);
    else if (l !== null && l !== t) label.set(p, null);
  }
  let correct = 0;
  for (const [p, size] of predictedSize) {
    const t = label.get(p);
    if (t !== null && t !== undefined && truthSize.get(t) === size) correct += size;
  }
  return correct / predicted.length;
}
