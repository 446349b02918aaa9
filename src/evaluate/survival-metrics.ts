/**
 * Survival metrics for right-censored data, as pure functions of (time, event) and a model's
 * predictions, with inverse-probability-of-censoring weights (IPCW) from the Kaplan–Meier
 * estimate of the censoring distribution G on the training rows, as scikit-survival computes them:
 *
 * - Uno's C (Uno et al. 2011): Harrell's pairs (an event before a later time; equal times not
 *   compared), each weighted by 1/G(Tᵢ)², events after τ left out.
 * - Cumulative/dynamic AUC at t (Uno et al. 2007): cases churned by t (weight 1/G(Tᵢ)), controls
 *   still there after t; tied markers count one half.
 * - Brier score at t and its integral (Graf et al. 1999): (0 − S(t|x))²/G(Tᵢ) for a churn by t,
 *   (1 − S(t|x))²/G(t) for a customer still there after t, 0 for one censored before t; the
 *   integrated score is the trapezoid over the times, divided by their range.
 */

import { weightedConcordance } from './concordance.js';

/** G(t) = P(censored after t): Kaplan–Meier of censoring, an event at a time counted before a censoring there. */
export interface StepFunction { times: Float64Array; values: Float64Array }

export function censoringSurvival(time: Float64Array, event: Uint8Array): StepFunction {
  const n = time.length;
  const order = Int32Array.from({ length: n }, (_, i) => i).sort((a, b) => time[a] - time[b]);
  const times: number[] = [];
  const values: number[] = [];
  let g = 1;
  let i = 0;
  while (i < n) {
    const t = time[order[i]];
    let censored = 0;
    let j = i;
    while (j < n && time[order[j]] === t) {
      if (event[order[j]] === 0) censored++;
      j++;
    }
    if (censored > 0) {
      g *= 1 - censored / (n - i);
      times.push(t);
      values.push(g);
    }
    i = j;
  }
  return { times: Float64Array.from(times), values: Float64Array.from(values) };
}

/** The step function just after t (1 before its first step). */
export function stepAt(f: StepFunction, t: number): number {
  let lo = 0;
  let hi = f.times.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (f.times[mid] <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo === 0 ? 1 : f.values[lo - 1];
}

function inverse(g: number): number {
  return g > 0 ? 1 / g : 0; // no weight where the censoring distribution has run out
}

/**
 * Uno's IPCW concordance of a risk score (higher = churns sooner), for events before τ: Harrell's
 * pair counts with each event weighted by 1 / G(t)², G the censoring survival (censoringSurvival).
 */
export function unoC(g: StepFunction, time: Float64Array, event: Uint8Array, risk: Float64Array, tau = Infinity): number {
  const { concordant, comparable } = weightedConcordance(time, event, risk, (a) => (time[a] < tau ? inverse(stepAt(g, time[a])) ** 2 : 0));
  return comparable === 0 ? Number.NaN : concordant / comparable;
}

/** Cumulative/dynamic AUC at t of a marker (higher = churns sooner). */
export function cumulativeDynamicAuc(g: StepFunction, time: Float64Array, event: Uint8Array, marker: Float64Array, t: number): number {
  const n = time.length;
  const order = Int32Array.from({ length: n }, (_, i) => i).sort((a, b) => marker[a] - marker[b]);
  // Walk markers upwards: each case gains the controls below it, and half of those tied with it.
  let controlsBelow = 0;
  let controls = 0;
  let caseWeight = 0;
  let num = 0;
  let i = 0;
  while (i < n) {
    let j = i;
    let tiedControls = 0;
    let tiedCases = 0;
    while (j < n && marker[order[j]] === marker[order[i]]) {
      const a = order[j];
      if (time[a] > t) tiedControls++;
      else if (event[a] === 1) tiedCases += inverse(stepAt(g, time[a]));
      j++;
    }
    num += tiedCases * (controlsBelow + 0.5 * tiedControls);
    caseWeight += tiedCases;
    controlsBelow += tiedControls;
    controls += tiedControls;
    i = j;
  }
  return caseWeight === 0 || controls === 0 ? Number.NaN : num / (caseWeight * controls);
}

/** Brier score at t of predicted survival S(t | xᵢ). */
export function brierScore(g: StepFunction, time: Float64Array, event: Uint8Array, survivalAtT: Float64Array, t: number): number {
  const n = time.length;
  const gt = inverse(stepAt(g, t));
  let s = 0;
  for (let i = 0; i < n; i++) {
    if (time[i] <= t) {
      if (event[i] === 1) s += survivalAtT[i] ** 2 * inverse(stepAt(g, time[i]));
    } else {
      s += (1 - survivalAtT[i]) ** 2 * gt;
    }
  }
  return s / n;
}

/** The Brier score integrated over `times` (ascending) by the trapezoid rule, divided by their range. */
export function integratedBrierScore(g: StepFunction, time: Float64Array, event: Uint8Array, survivalAt: readonly Float64Array[], times: readonly number[]): number {
  if (times.length < 2) return Number.NaN;
  const scores = times.map((t, k) => brierScore(g, time, event, survivalAt[k], t));
  let area = 0;
  for (let k = 1; k < times.length; k++) area += ((scores[k] + scores[k - 1]) / 2) * (times[k] - times[k - 1]);
  return area / (times[times.length - 1] - times[0]);
}

export interface HorizonCalibration {
  decile: number;
  rows: number;
  mean_predicted: number; // mean P(churn by the horizon) the model gives
  observed: number; // 1 − the Kaplan–Meier survival of the decile's rows at the horizon
}

/**
 * Calibration at a horizon: rows in ten groups by predicted P(churn by h) (equal counts, ties kept
 * together), each group's mean prediction beside its observed churn by h, 1 − S_KM(h), from
 * `observedSurvival` (a Kaplan–Meier over the group's rows).
 */
export function calibrationAtHorizon(predicted: Float64Array, observedSurvival: (rows: number[]) => number, groups = 10): HorizonCalibration[] {
  const n = predicted.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => predicted[a] - predicted[b] || a - b);
  const out: HorizonCalibration[] = [];
  let start = 0;
  for (let d = 0; d < groups && start < n; d++) {
    let end = Math.round(((d + 1) * n) / groups);
    while (end < n && end > 0 && predicted[order[end]] === predicted[order[end - 1]]) end++;
    if (end <= start) continue;
    const rows = order.slice(start, end);
    let mean = 0;
    for (const i of rows) mean += predicted[i];
    out.push({ decile: out.length + 1, rows: rows.length, mean_predicted: mean / rows.length, observed: 1 - observedSurvival(rows) });
    start = end;
  }
  return out;
}
