/** Rows that probe a tree walk's edges: values drawn from the data, split thresholds exactly, NaN and ±Infinity. */
import { Rng } from '../../src/rng.js';

interface SplitTree { feature: readonly number[]; threshold: readonly number[] }

/** `rows` rows over `columns`' features: a tenth NaN, a tenth ±Infinity, up to three tenths a threshold the trees split that feature at. */
export function probeColumns(columns: readonly Float64Array[], trees: readonly SplitTree[], rows: number, seed: number): Float64Array[] {
  const rng = new Rng(seed);
  return columns.map((c, j) => Float64Array.from({ length: rows }, () => {
    const pick = rng.int(10);
    if (pick === 0) return Number.NaN;
    if (pick === 1) return rng.int(2) === 0 ? Infinity : -Infinity;
    if (pick < 5) {
      const t = trees[rng.int(trees.length)];
      const at = t.feature.indexOf(j);
      if (at >= 0) return t.threshold[at];
    }
    return c[rng.int(c.length)];
  }));
}
