/**
 * Kaplan–Meier estimate of the survival function S(t) from (duration, event), right-continuous:
 * S(t) is the survival just after t. With entry times, a row is at risk only on (entry, exit]
 * (left truncation, as R's survfit(Surv(entry, exit, event))). Greenwood's variance gives a 95%
 * band on the log(−log) scale (lifelines' "exponential Greenwood", R's conf.type = "log-log"), and
 * the median's interval is where that band crosses one half (Brookmeyer & Crowley, as R prints).
 */
import { stepAt } from '../evaluate/survival-metrics.js';
import { normalQuantile } from '../evaluate/tails.js';

export interface KaplanMeier {
  times: Float64Array; // distinct times with at least one event
  survival: Float64Array; // S just after each time
  atRisk: Int32Array;
  events: Int32Array;
  lower: Float64Array; // 95% band
  upper: Float64Array;
}

const Z95 = normalQuantile(0.975);

export function kaplanMeier(duration: Float64Array, event: Uint8Array, entry?: Float64Array): KaplanMeier {
  const n = duration.length;
  const byExit = Int32Array.from({ length: n }, (_, i) => i).sort((a, b) => duration[a] - duration[b]);
  const entries = entry === undefined ? new Float64Array(n) : Float64Array.from(entry).sort();
  const times: number[] = [];
  const survival: number[] = [];
  const atRisk: number[] = [];
  const events: number[] = [];
  const lower: number[] = [];
  const upper: number[] = [];
  let s = 1;
  let greenwood = 0;
  let exited = 0; // rows with exit < t
  let entered = 0; // rows with entry < t
  let i = 0;
  while (i < n) {
    const t = duration[byExit[i]];
    let d = 0;
    let j = i;
    while (j < n && duration[byExit[j]] === t) {
      d += event[byExit[j]];
      j++;
    }
    while (entered < n && entries[entered] < t) entered++;
    const risk = entered - exited;
    if (d > 0 && risk > 0) {
      s *= 1 - d / risk;
      greenwood += risk > d ? d / (risk * (risk - d)) : Infinity;
      times.push(t);
      survival.push(s);
      atRisk.push(risk);
      events.push(d);
      // log(−log S) ± z·σ, σ² = Greenwood / (log S)²: the band stays inside (0, 1).
      const sigma = Math.sqrt(greenwood) / Math.abs(Math.log(s));
      const ok = s > 0 && s < 1 && Number.isFinite(sigma);
      lower.push(ok ? s ** Math.exp(Z95 * sigma) : s);
      upper.push(ok ? s ** Math.exp(-Z95 * sigma) : s);
    }
    exited += j - i;
    i = j;
  }
  return {
    times: Float64Array.from(times), survival: Float64Array.from(survival), atRisk: Int32Array.from(atRisk), events: Int32Array.from(events),
    lower: Float64Array.from(lower), upper: Float64Array.from(upper),
  };
}

/** S(t) read off the step function. */
export function survivalAt(km: KaplanMeier, t: number): number {
  return stepAt({ times: km.times, values: km.survival }, t);
}

function firstAtOrBelowHalf(times: Float64Array, s: Float64Array): number | null {
  for (let k = 0; k < times.length; k++) if (s[k] <= 0.5) return times[k];
  return null;
}

/** The first time S drops to 0.5 or below; null when it never does. */
export function medianSurvival(km: KaplanMeier): number | null {
  return firstAtOrBelowHalf(km.times, km.survival);
}

/**
 * The median and its 95% interval: the times whose band holds one half, from the first time the
 * band's lower edge reaches it to the first time its upper edge does (null: not reached).
 */
export function medianInterval(km: KaplanMeier): { median: number | null; lower: number | null; upper: number | null } {
  return { median: medianSurvival(km), lower: firstAtOrBelowHalf(km.times, km.lower), upper: firstAtOrBelowHalf(km.times, km.upper) };
}
