/**
 * Kaplan–Meier estimate of the survival function S(t) from (duration, event), right-continuous:
 * S(t) is the survival just after t.
 */
export interface KaplanMeier {
  times: Float64Array; // distinct times with at least one event
  survival: Float64Array; // S just after each time
  atRisk: Int32Array;
  events: Int32Array;
}

export function kaplanMeier(duration: Float64Array, event: Uint8Array): KaplanMeier {
  const n = duration.length;
  const order = Int32Array.from({ length: n }, (_, i) => i).sort((a, b) => duration[a] - duration[b]);
  const times: number[] = [];
  const survival: number[] = [];
  const atRisk: number[] = [];
  const events: number[] = [];
  let s = 1;
  let remaining = n;
  let i = 0;
  while (i < n) {
    const t = duration[order[i]];
    let d = 0;
    let j = i;
    while (j < n && duration[order[j]] === t) {
      d += event[order[j]];
      j++;
    }
    if (d > 0) {
      s *= 1 - d / remaining;
      times.push(t);
      survival.push(s);
      atRisk.push(remaining);
      events.push(d);
    }
    remaining -= j - i;
    i = j;
  }
  return { times: Float64Array.from(times), survival: Float64Array.from(survival), atRisk: Int32Array.from(atRisk), events: Int32Array.from(events) };
}

/** S(t) read off the step function. */
export function survivalAt(km: KaplanMeier, t: number): number {
  let lo = 0;
  let hi = km.times.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (km.times[mid] <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo === 0 ? 1 : km.survival[lo - 1];
}

/** The first time S drops to 0.5 or below; null when it never does. */
export function medianSurvival(km: KaplanMeier): number | null {
  for (let k = 0; k < km.times.length; k++) if (km.survival[k] <= 0.5) return km.times[k];
  return null;
}
