/**
 * Permutation importance: how much the test AUC drops when one feature's column is shuffled,
 * averaged over repeats. Model-agnostic, so every model is ranked on the same footing.
 */
import type { FeatureMatrix } from '../data/matrix.js';
import type { Rng } from '../rng.js';
import { auc } from './metrics.js';

export interface PermutationImportance { feature: string; mean: number; sd: number }

export function permutationImportance(
  predict: (x: FeatureMatrix) => Float64Array,
  x: FeatureMatrix,
  y: Uint8Array,
  rng: Rng,
  repeats = 5,
  metric: (y: Uint8Array, s: Float64Array) => number = auc,
): PermutationImportance[] {
  const baseline = metric(y, predict(x));
  const out: PermutationImportance[] = [];
  for (let j = 0; j < x.features.length; j++) {
    const drops: number[] = [];
    for (let r = 0; r < repeats; r++) {
      const shuffled = rng.shuffle(Float64Array.from(x.columns[j]));
      const columns = x.columns.slice();
      columns[j] = shuffled;
      drops.push(baseline - metric(y, predict({ rows: x.rows, features: x.features, columns })));
    }
    const mean = drops.reduce((a, b) => a + b, 0) / repeats;
    const sd = Math.sqrt(drops.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, repeats - 1));
    out.push({ feature: x.features[j], mean: Math.round(mean * 1e9) / 1e9, sd: Math.round(sd * 1e9) / 1e9 });
  }
  return out.sort((a, b) => b.mean - a.mean || (a.feature < b.feature ? -1 : 1));
}
