/**
 * Reasons: the factors that raise one customer's risk most, from the model's own faithful
 * attribution, each said in words marketing can act on, with a suggested action.
 */
import type { TimeUnit } from '../../config/schema.js';
import { catalogueEntry, describeFeature } from '../../features/catalogue.js';
import { keyFor, type RoleMapping } from '../../features/role-keyed.js';

const pct = (v: number): string => `${Math.round(Math.abs(v) * 100)}%`;
const num = (v: number): string => (Number.isInteger(v) ? String(v) : v.toFixed(2));
const plural = (n: number, one: string, many = `${one}s`): string => `${num(n)} ${n === 1 ? one : many}`;
const change = (what: string, v: number, against: string): string =>
  `${what} ${v < 0 ? 'fell' : 'rose'} ${pct(v)} against ${against}`;

/** Sentence templates by feature name; the catalogue's meaning covers the rest. */
const TEMPLATES: Record<string, (v: number) => string> = {
  out_calls_change_3m: (v) => change('outgoing calls', v, 'the previous 3 months'),
  in_calls_change_3m: (v) => change('incoming calls', v, 'the previous 3 months'),
  traffic_change_3m: (v) => change('total traffic', v, 'the previous 3 months'),
  traffic_change: (v) => change('total traffic', v, 'the previous period'),
  revenue_change_3m: (v) => change('revenue', v, 'the previous 3 months'),
  distinct_called_change_3m: (v) => change('distinct numbers called', v, 'the previous 3 months'),
  call_ratio_change: (v) => change('the outgoing/incoming call ratio', v, "the customer's own average"),
  traffic_slope: (v) => `total traffic is ${v < 0 ? 'falling' : 'rising'} ${pct(v)} a month`,
  revenue_trend: (v) => `revenue is ${v < 0 ? 'falling' : 'rising'} ${pct(v)} a month`,
  distinct_called_trend: (v) => `the number of people called is ${v < 0 ? 'falling' : 'rising'} ${pct(v)} a month`,
  call_ratio: (v) => `${num(v)} outgoing calls per incoming call`,
  complaints_1m: (v) => `${plural(v, 'complaint')} in the last month`,
  complaints_3m: (v) => `${plural(v, 'complaint')} in the last 3 months`,
  complaints_6m: (v) => `${plural(v, 'complaint')} in the last 6 months`,
  unresolved_complaints: (v) => `${plural(v, 'complaint')} still unresolved`,
  months_since_complaint: (v) => (v === 0 ? 'complained this month' : `last complaint ${plural(v, 'month')} ago`),
  months_to_contract_end: (v) => (v <= 0 ? 'contract ends this month' : `contract ends in ${plural(v, 'month')}`),
  has_contract: (v) => (v === 1 ? 'under contract' : 'no contract'),
  tenure_months: (v) => `${plural(v, 'month')} on the network`,
  dropped_call_rate: (v) => `${(v * 100).toFixed(1)}% of calls dropped`,
  complaints_per_tenure_month: (v) => `${num(v)} complaints per month on the network`,
};

/** `tenureUnit`: what the tenure role's column counts, so 136 days are not said as 136 months. */
export function reasonSentence(feature: string, value: number, roles: Record<string, string> = {}, tenureUnit: TimeUnit = 'months'): string {
  const eq = feature.indexOf('=');
  if (eq >= 0) {
    const base = feature.slice(0, eq);
    const level = feature.slice(eq + 1);
    const words = catalogueEntry(base)?.meaning ?? describeFeature(base, roles);
    return value === 1 ? `${words}: ${level}` : `${words}: not ${level}`;
  }
  if (feature === roles.tenure) return `${plural(value, tenureUnit.slice(0, -1), tenureUnit)} on the network`;
  const template = TEMPLATES[feature];
  if (template !== undefined) return template(value);
  const category = /^complaints_(\w+)_6m$/.exec(feature);
  if (category !== null) return `${plural(value, `${category[1]} complaint`)} in the last 6 months`;
  return `${describeFeature(feature, roles)}: ${num(Math.round(value * 100) / 100)}`;
}

/** When no configured action applies to a feature. */
export const DEFAULT_ACTION = 'personal retention call';

/** The action for a feature: its role's (a column mapped to a role), else the entry with the longest prefix of its name. */
export function actionFor(feature: string, actions: Record<string, string>, mapping: RoleMapping = { roles: {} }): string {
  const key = keyFor(feature, actions, mapping);
  return key === undefined ? DEFAULT_ACTION : actions[key];
}

/** Each row's k largest positive parts (row-major rows × k); feature -1 where a row has fewer. */
export interface TopParts {
  k: number;
  feature: Int32Array; // index into the model's reason names (its features, unless it groups them)
  contribution: Float64Array;
  /** Sentences the model says itself (row-major rows × k; null: say the feature from its value). */
  sentences?: (string | null)[];
}

/**
 * The k factors that raise each row's risk most (positive parts only), largest first, equal parts
 * by feature name: a partial insertion per row over typed parts, no objects.
 */
export function topContributions(parts: Float64Array, rows: number, features: readonly string[], k: number): TopParts {
  const p = features.length;
  const nameRank = nameRanks(features);
  const feature = new Int32Array(rows * k).fill(-1);
  const contribution = new Float64Array(rows * k).fill(Number.NaN);
  // The row's kept parts live in small scratch arrays (registers and L1), copied out once a row.
  const keptPart = new Float64Array(k);
  const keptFeature = new Int32Array(k);
  for (let i = 0; i < rows; i++) {
    let filled = 0;
    // The smallest kept part: a part below it (most of them) is skipped with one comparison.
    let floor = 0;
    const base = i * p;
    for (let j = 0; j < p; j++) {
      const c = parts[base + j];
      if (!(c > 0) || (filled === k && c < floor)) continue;
      // Position among the kept ones: after every larger part, and equal parts with a smaller name.
      let at = filled;
      while (at > 0) {
        const prev = keptPart[at - 1];
        if (prev > c || (prev === c && nameRank[keptFeature[at - 1]] < nameRank[j])) break;
        at--;
      }
      if (at >= k) continue;
      for (let m = Math.min(filled, k - 1); m > at; m--) {
        keptFeature[m] = keptFeature[m - 1];
        keptPart[m] = keptPart[m - 1];
      }
      keptFeature[at] = j;
      keptPart[at] = c;
      if (filled < k) filled++;
      if (filled === k) floor = keptPart[k - 1];
    }
    for (let m = 0; m < filled; m++) {
      feature[i * k + m] = keptFeature[m];
      contribution[i * k + m] = keptPart[m];
    }
  }
  return { k, feature, contribution };
}

/** Each feature's position in name order (ties between equal parts go to the smaller name); remembered per feature list. */
const rankCache = new WeakMap<readonly string[], Int32Array>();
function nameRanks(features: readonly string[]): Int32Array {
  let ranks = rankCache.get(features);
  if (ranks === undefined) {
    const byName = features.map((_, j) => j).sort((a, b) => (features[a] < features[b] ? -1 : features[a] > features[b] ? 1 : 0));
    ranks = new Int32Array(features.length);
    for (let r = 0; r < byName.length; r++) ranks[byName[r]] = r;
    rankCache.set(features, ranks);
  }
  return ranks;
}
