/**
 * Flags survival covariates that are close to a function of the duration itself (Telco's
 * TotalCharges ≈ tenure × MonthlyCharges): such a covariate leaks the outcome into a Cox model.
 */
import type { FeatureMatrix } from '../data/matrix.js';

function correlation(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = a.length;
  let ma = 0;
  let mb = 0;
  for (let i = 0; i < n; i++) { ma += a[i]; mb += b[i]; }
  ma /= n; mb /= n;
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < n; i++) {
    const da = a[i] - ma;
    const db = b[i] - mb;
    sab += da * db; saa += da * da; sbb += db * db;
  }
  return saa === 0 || sbb === 0 ? 0 : sab / Math.sqrt(saa * sbb);
}

export interface DurationLeak { feature: string; via: string; correlation: number }

export function durationLeaks(x: FeatureMatrix, duration: Float64Array, threshold = 0.95): DurationLeak[] {
  const out: DurationLeak[] = [];
  for (let j = 0; j < x.features.length; j++) {
    const c = x.columns[j];
    const direct = correlation(c, duration);
    if (Math.abs(direct) > threshold) {
      out.push({ feature: x.features[j], via: 'the duration', correlation: direct });
      continue;
    }
    for (let k = 0; k < x.features.length; k++) {
      if (k === j) continue;
      const other = x.columns[k];
      const r = correlation(c, Float64Array.from(duration, (d, i) => d * other[i]));
      if (Math.abs(r) > threshold) {
        out.push({ feature: x.features[j], via: `duration × ${x.features[k]}`, correlation: r });
        break;
      }
    }
  }
  return out;
}
