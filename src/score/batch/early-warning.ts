/**
 * Early-warning signals of one batch: a customer whose traffic or call ratio fell past the
 * configured limits, or who complained. A rise of churn probability since the previous list is the
 * other early warning; it needs the previous list, so the list query adds it in SQL.
 */
import type { RetentionSettings } from '../../config/schema.js';
import type { FeatureMatrix } from '../../data/matrix.js';

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

export function earlyWarnings(x: FeatureMatrix, limits: RetentionSettings['early_warning']): Warnings {
  const traffic = column(x, ['traffic_change_3m', 'traffic_change']);
  const ratio = column(x, ['call_ratio_change']);
  const complaints = column(x, ['complaints_1m']);
  const flag = new Uint8Array(x.rows);
  const signals = new Array<string>(x.rows);
  for (let i = 0; i < x.rows; i++) {
    const s: string[] = [];
    if (traffic !== null && traffic[i] <= -limits.traffic_drop) s.push(`traffic fell ${Math.round(-traffic[i] * 100)}%`);
    if (ratio !== null && ratio[i] <= -limits.call_ratio_drop) s.push(`call ratio fell ${Math.round(-ratio[i] * 100)}%`);
    if (complaints !== null && complaints[i] >= limits.complaints) s.push(`${complaints[i]} new complaint${complaints[i] === 1 ? '' : 's'}`);
    flag[i] = s.length > 0 ? 1 : 0;
    signals[i] = s.join('; ');
  }
  return { flag, signals };
}
