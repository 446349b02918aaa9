/**
 * Flags survival covariates that are close to a function of the duration itself (Telco's
 * TotalCharges ≈ tenure × MonthlyCharges): such a covariate leaks the outcome into a Cox model.
 */
import type { FeatureMatrix } from '../data/matrix.js';

/** A column's mean and sum of squared deviations, for correlations against many others. */
interface Moments { mean: number; ss: number }

function moments(a: ArrayLike<number>): Moments {
  const n = a.length;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += a[i];
  mean /= n;
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (a[i] - mean) * (a[i] - mean);
  return { mean, ss };
}

function correlation(a: ArrayLike<number>, am: Moments, b: ArrayLike<number>, bm: Moments): number {
  if (am.ss === 0 || bm.ss === 0) return 0;
  let sab = 0;
  for (let i = 0; i < a.length; i++) sab += (a[i] - am.mean) * (b[i] - bm.mean);
  return sab / Math.sqrt(am.ss * bm.ss);
}

export interface DurationLeak { feature: string; via: string; correlation: number }

/**
 * Per feature, the first leak found: the duration itself, else duration × another feature (in
 * feature order). Each product is formed once and checked against every feature still clear.
 */
export function durationLeaks(x: FeatureMatrix, duration: Float64Array, threshold = 0.95): DurationLeak[] {
  const p = x.features.length;
  const found: (DurationLeak | null)[] = new Array<DurationLeak | null>(p).fill(null);
  const m = x.columns.map(moments);
  const dm = moments(duration);
  for (let j = 0; j < p; j++) {
    const r = correlation(x.columns[j], m[j], duration, dm);
    if (Math.abs(r) > threshold) found[j] = { feature: x.features[j], via: 'the duration', correlation: r };
  }
  const product = new Float64Array(duration.length);
  for (let k = 0; k < p && found.some((f) => f === null); k++) {
    const other = x.columns[k];
    for (let i = 0; i < product.length; i++) product[i] = duration[i] * other[i];
    const pm = moments(product);
    for (let j = 0; j < p; j++) {
      if (j === k || found[j] !== null) continue;
      const r = correlation(x.columns[j], m[j], product, pm);
      if (Math.abs(r) > threshold) found[j] = { feature: x.features[j], via: `duration × ${x.features[k]}`, correlation: r };
    }
  }
  return found.filter((f): f is DurationLeak => f !== null);
}
