/**
 * Early warning: a customer whose churn probability rose past a threshold since the previous
 * scoring run, or whose warning signals crossed configured limits (a complaint, a traffic drop,
 * a call-ratio drop).
 */
import type { RetentionSettings } from '../config/schema.js';
import type { FeatureMatrix } from '../data/matrix.js';

export interface Warnings {
  flag: Uint8Array;
  signals: string[]; // '; '-joined reasons, '' when none
}

function column(x: FeatureMatrix, names: readonly string[]): Float64Array | null {
  for (const n of names) {
    const j = x.features.indexOf(n);
    if (j >= 0) return x.columns[j];
  }
  return null;
}

export function earlyWarnings(
  x: FeatureMatrix,
  probability: Float64Array,
  previous: Map<string, number> | null,
  ids: readonly string[],
  limits: RetentionSettings['early_warning'],
): Warnings {
  const traffic = column(x, ['traffic_change_3m', 'traffic_change']);
  const ratio = column(x, ['call_ratio_change']);
  const complaints = column(x, ['complaints_1m']);
  const flag = new Uint8Array(x.rows);
  const signals = new Array<string>(x.rows);
  for (let i = 0; i < x.rows; i++) {
    const s: string[] = [];
    const before = previous?.get(ids[i]);
    if (before !== undefined && probability[i] - before >= limits.probability_rise) {
      s.push(`churn probability rose ${Math.round((probability[i] - before) * 100)} points since the last run`);
    }
    if (traffic !== null && traffic[i] <= -limits.traffic_drop) s.push(`traffic fell ${Math.round(-traffic[i] * 100)}%`);
    if (ratio !== null && ratio[i] <= -limits.call_ratio_drop) s.push(`call ratio fell ${Math.round(-ratio[i] * 100)}%`);
    if (complaints !== null && complaints[i] >= limits.complaints) s.push(`${complaints[i]} new complaint${complaints[i] === 1 ? '' : 's'}`);
    flag[i] = s.length > 0 ? 1 : 0;
    signals[i] = s.join('; ');
  }
  return { flag, signals };
}
