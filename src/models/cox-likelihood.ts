/**
 * The Cox partial likelihood with the refinements survival data needs: strata (each with its own
 * risk sets and baseline), delayed entry (a row is at risk only on (entry, exit]: a snapshot table
 * observes a customer over the label's window, not since joining), and tied event times by
 * Efron's method (as R's coxph and lifelines) or Breslow's. One walk over the risk sets serves
 * the likelihood, the baseline hazard and the Schoenfeld residuals.
 */
export type Ties = 'efron' | 'breslow';

/** Survival rows: exit time, entry time (0 = at risk from the origin), event, stratum. */
export interface SurvivalRows {
  exit: Float64Array;
  entry: Float64Array;
  event: Uint8Array;
  stratum: Int32Array; // 0-based stratum per row
  strata: number; // how many
}

export interface StratumOrder {
  byExit: Int32Array; // rows by exit time, latest first
  blocks: Int32Array; // starts of runs of equal exit time in byExit, plus the end
  byEntry: Int32Array; // rows by entry time, latest first
}

/** Rows of each stratum sorted for the walk. Rows with exit ≤ entry (no time at risk) take no part. */
export function orderRiskSets(rows: SurvivalRows): StratumOrder[] {
  const members: number[][] = Array.from({ length: rows.strata }, () => []);
  for (let i = 0; i < rows.exit.length; i++) if (rows.exit[i] > rows.entry[i]) members[rows.stratum[i]].push(i);
  return members.map((m) => {
    const byExit = Int32Array.from(m).sort((a, b) => rows.exit[b] - rows.exit[a] || a - b);
    const byEntry = Int32Array.from(m).sort((a, b) => rows.entry[b] - rows.entry[a] || a - b);
    const blocks: number[] = [];
    for (let k = 0; k < byExit.length; k++) if (k === 0 || rows.exit[byExit[k]] !== rows.exit[byExit[k - 1]]) blocks.push(k);
    blocks.push(byExit.length);
    return { byExit, blocks: Int32Array.from(blocks), byEntry };
  });
}

/** The risk set's sums at one event time, and the same sums over the rows that had the event there. */
export interface EventBlock {
  stratum: number;
  time: number;
  events: number[]; // rows with the event at this time
  s0: number; // Σ exp(η) over the risk set
  s1: Float64Array; // Σ exp(η) z
  s2: Float64Array | null; // Σ exp(η) z zᵀ (lower triangle, row-major p×p), when asked for
  e0: number; // the same over the rows with the event
  e1: Float64Array;
  e2: Float64Array | null;
}

/**
 * Visits every event time of every stratum (latest first) with its risk-set sums. `z` is the
 * row-major n×p design, `eta` the linear predictor per row.
 */
export function walkRiskSets(rows: SurvivalRows, order: StratumOrder[], z: Float64Array, p: number, eta: Float64Array, second: boolean, visit: (b: EventBlock) => void): void {
  const s1 = new Float64Array(p);
  const s2 = second ? new Float64Array(p * p) : null;
  const e1 = new Float64Array(p);
  const e2 = second ? new Float64Array(p * p) : null;
  const accumulate = (i: number, sign: number, t1: Float64Array, t2: Float64Array | null): number => {
    const w = sign * Math.exp(eta[i]);
    const off = i * p;
    for (let j = 0; j < p; j++) {
      const wz = w * z[off + j];
      t1[j] += wz;
      if (t2 !== null) for (let m = 0; m <= j; m++) t2[j * p + m] += wz * z[off + m];
    }
    return w;
  };
  order.forEach((o, stratum) => {
    let s0 = 0;
    let atRisk = 0;
    s1.fill(0);
    s2?.fill(0);
    let leave = 0;
    for (let b = 0; b + 1 < o.blocks.length; b++) {
      const t = rows.exit[o.byExit[o.blocks[b]]];
      const events: number[] = [];
      let e0 = 0;
      e1.fill(0);
      e2?.fill(0);
      for (let k = o.blocks[b]; k < o.blocks[b + 1]; k++) {
        const i = o.byExit[k];
        s0 += accumulate(i, 1, s1, s2);
        atRisk++;
        if (rows.event[i] === 1) {
          events.push(i);
          e0 += accumulate(i, 1, e1, e2);
        }
      }
      // Rows that entered at or after t were not yet at risk at t.
      while (leave < o.byEntry.length && rows.entry[o.byEntry[leave]] >= t) {
        s0 += accumulate(o.byEntry[leave], -1, s1, s2);
        atRisk--;
        leave++;
      }
      if (atRisk === 0) {
        // Exact zeros, so rounding left by removals never carries into a later risk set.
        s0 = 0;
        s1.fill(0);
        s2?.fill(0);
      }
      if (events.length > 0) visit({ stratum, time: t, events, s0, s1, s2, e0, e1, e2 });
    }
  });
}

/** The fractions of the tied events' weight taken out of the risk set at each of the d steps. */
function tieFractions(d: number, ties: Ties): number[] {
  return Array.from({ length: d }, (_, l) => (ties === 'efron' ? l / d : 0));
}

export interface PartialLikelihood {
  loglik: number;
  grad: Float64Array;
  info: Float64Array | null; // negative Hessian (observed information), p×p
}

export function linearPredictor(z: Float64Array, n: number, p: number, beta: Float64Array): Float64Array {
  const eta = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    const off = i * p;
    for (let j = 0; j < p; j++) s += z[off + j] * beta[j];
    eta[i] = s;
  }
  return eta;
}

/** Log partial likelihood, its gradient and (when asked) the information matrix at beta. */
export function partialLikelihood(rows: SurvivalRows, order: StratumOrder[], z: Float64Array, p: number, beta: Float64Array, ties: Ties, wantInfo: boolean): PartialLikelihood {
  const eta = linearPredictor(z, rows.exit.length, p, beta);
  let loglik = 0;
  const grad = new Float64Array(p);
  const info = wantInfo ? new Float64Array(p * p) : null;
  const a = new Float64Array(p);
  walkRiskSets(rows, order, z, p, eta, wantInfo, (b) => {
    for (const i of b.events) {
      loglik += eta[i];
      for (let j = 0; j < p; j++) grad[j] += z[i * p + j];
    }
    for (const f of tieFractions(b.events.length, ties)) {
      const den = b.s0 - f * b.e0;
      loglik -= Math.log(den);
      for (let j = 0; j < p; j++) {
        a[j] = (b.s1[j] - f * b.e1[j]) / den;
        grad[j] -= a[j];
      }
      if (info !== null && b.s2 !== null && b.e2 !== null) {
        for (let j = 0; j < p; j++) {
          for (let m = 0; m <= j; m++) info[j * p + m] += (b.s2[j * p + m] - f * b.e2[j * p + m]) / den - a[j] * a[m];
        }
      }
    }
  });
  if (info !== null) for (let j = 0; j < p; j++) for (let m = 0; m < j; m++) info[m * p + j] = info[j * p + m];
  return { loglik, grad, info };
}

export interface BaselineHazard { times: number[]; cumhaz: number[] }

/**
 * Cumulative baseline hazard per stratum at η = 0, stepping at each event time by d / S0 (Breslow)
 * or Σ_l 1 / (S0 − (l/d) E0) (Efron's estimator, as R's survfit for an Efron fit).
 */
export function baselineHazard(rows: SurvivalRows, order: StratumOrder[], z: Float64Array, p: number, beta: Float64Array, ties: Ties): BaselineHazard[] {
  const eta = linearPredictor(z, rows.exit.length, p, beta);
  const jumps: { t: number; dh: number }[][] = Array.from({ length: rows.strata }, () => []);
  walkRiskSets(rows, order, z, p, eta, false, (b) => {
    let dh = 0;
    for (const f of tieFractions(b.events.length, ties)) dh += 1 / (b.s0 - f * b.e0);
    jumps[b.stratum].push({ t: b.time, dh });
  });
  return jumps.map((j) => {
    const times: number[] = [];
    const cumhaz: number[] = [];
    let acc = 0;
    for (let k = j.length - 1; k >= 0; k--) {
      acc += j[k].dh;
      times.push(j[k].t);
      cumhaz.push(acc);
    }
    return { times, cumhaz };
  });
}
