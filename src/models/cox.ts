/**
 * Cox proportional-hazards model: Breslow ties, Newton–Raphson on standardized covariates with an
 * L2 penalty, step halving and a step limit. From it: survival curves per customer, conditional
 * churn within a horizon given current tenure, and hazard ratios with confidence intervals.
 */
import type { FeatureMatrix, TrainingData } from '../data/matrix.js';
import { ConvergenceError, ModelError } from '../errors.js';
import { cholesky, choleskyInverse, choleskySolve, standardization } from './linalg.js';
import { centredContributions, ratioRows } from './linear-terms.js';
import { explainRow, type BatchExplanation, type ChurnModel, type Explanation, type Fit, type ModelState } from './model.js';

export interface CoxParams {
  l2: number; // penalty on standardized coefficients
  maxIter: number;
  tol: number; // on the change of the penalized log partial likelihood
  maxStep: number; // largest change of one standardized coefficient in a step
  horizonMonths: number; // predictProba = P(churn within this horizon) for a new customer
}

export const DEFAULT_COX_PARAMS: CoxParams = { l2: 0.1, maxIter: 50, tol: 1e-10, maxStep: 5, horizonMonths: 12 };

export interface CoxState extends ModelState {
  kind: 'cox';
  params: CoxParams;
  features: string[];
  coef: number[]; // raw scale
  se: number[];
  mean: number[]; // the linear predictor is centred at the training means
  baseline_times: number[]; // distinct event times
  baseline_cumhaz: number[]; // Breslow cumulative hazard at those times, for lp = 0
  log_partial_likelihood: number;
  iterations: number;
}

interface Evaluated { loglik: number; grad: Float64Array; hess: Float64Array; s0AtEvents: Float64Array }

/** Rows sorted by descending time, with the blocks of equal times. */
function timeBlocks(time: Float64Array): { order: Int32Array; starts: number[] } {
  const order = Int32Array.from({ length: time.length }, (_, i) => i).sort((a, b) => time[b] - time[a]);
  const starts: number[] = [];
  for (let k = 0; k < order.length; k++) if (k === 0 || time[order[k]] !== time[order[k - 1]]) starts.push(k);
  starts.push(order.length);
  return { order, starts };
}

/** Log partial likelihood (Breslow), its gradient and negative Hessian at beta, on design z (row-major n×p). */
function evaluate(z: Float64Array, n: number, p: number, event: Uint8Array, blocks: ReturnType<typeof timeBlocks>, beta: Float64Array, wantHessian: boolean): Evaluated {
  const { order, starts } = blocks;
  const eta = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < p; j++) s += z[i * p + j] * beta[j];
    eta[i] = s;
  }
  let s0 = 0;
  const s1 = new Float64Array(p);
  const s2 = new Float64Array(p * p);
  const grad = new Float64Array(p);
  const hess = new Float64Array(p * p);
  const s0AtEvents: number[] = [];
  let loglik = 0;
  for (let b = 0; b + 1 < starts.length; b++) {
    let d = 0;
    for (let k = starts[b]; k < starts[b + 1]; k++) {
      const i = order[k];
      const w = Math.exp(eta[i]);
      s0 += w;
      const off = i * p;
      for (let j = 0; j < p; j++) {
        const wz = w * z[off + j];
        s1[j] += wz;
        if (wantHessian) for (let m = 0; m <= j; m++) s2[j * p + m] += wz * z[off + m];
      }
      if (event[i] === 1) {
        d++;
        loglik += eta[i];
        for (let j = 0; j < p; j++) grad[j] += z[off + j];
      }
    }
    if (d === 0) continue;
    loglik -= d * Math.log(s0);
    for (let j = 0; j < p; j++) grad[j] -= (d * s1[j]) / s0;
    if (wantHessian) {
      for (let j = 0; j < p; j++) {
        for (let m = 0; m <= j; m++) hess[j * p + m] += d * (s2[j * p + m] / s0 - (s1[j] * s1[m]) / (s0 * s0));
      }
    }
    s0AtEvents.push(s0 / d);
  }
  for (let j = 0; j < p; j++) for (let m = 0; m < j; m++) hess[m * p + j] = hess[j * p + m];
  return { loglik, grad, hess, s0AtEvents: Float64Array.from(s0AtEvents) };
}

export class CoxModel implements ChurnModel {
  readonly kind = 'cox' as const;
  readonly features: readonly string[];

  constructor(readonly state: CoxState) {
    this.features = state.features;
  }

  static fromJSON(state: ModelState): CoxModel {
    return new CoxModel(state as CoxState);
  }

  /** Log relative hazard, centred at the training means. */
  linearPredictor(x: FeatureMatrix): Float64Array {
    const lp = new Float64Array(x.rows);
    this.state.coef.forEach((b, j) => {
      const c = x.columns[j];
      const m = this.state.mean[j];
      for (let i = 0; i < x.rows; i++) lp[i] += b * (c[i] - m);
    });
    return lp;
  }

  /** Baseline cumulative hazard at t (step function). */
  cumulativeHazard(t: number): number {
    const times = this.state.baseline_times;
    let lo = 0;
    let hi = times.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (times[mid] <= t) lo = mid + 1;
      else hi = mid;
    }
    return lo === 0 ? 0 : this.state.baseline_cumhaz[lo - 1];
  }

  /** S(t | x) per row, for each time. */
  survival(x: FeatureMatrix, times: readonly number[]): Float64Array[] {
    const risk = this.linearPredictor(x).map(Math.exp);
    return times.map((t) => {
      const h = this.cumulativeHazard(t);
      return risk.map((r) => Math.exp(-h * r));
    });
  }

  /** P(churn within h | survived to the current tenure) = 1 − S(t+h)/S(t), per horizon. */
  churnWithin(x: FeatureMatrix, tenure: Float64Array | null, horizons: readonly number[]): Float64Array[] {
    const risk = this.linearPredictor(x).map(Math.exp);
    return horizons.map((h) => {
      const out = new Float64Array(x.rows);
      for (let i = 0; i < x.rows; i++) {
        const t = tenure === null || !Number.isFinite(tenure[i]) ? 0 : tenure[i];
        out[i] = 1 - Math.exp(-(this.cumulativeHazard(t + h) - this.cumulativeHazard(t)) * risk[i]);
      }
      return out;
    });
  }

  predictProba(x: FeatureMatrix): Float64Array {
    return this.churnWithin(x, null, [this.state.params.horizonMonths])[0];
  }

  explain(x: FeatureMatrix, row: number): Explanation {
    return explainRow(this, x, row);
  }

  explainBatch(x: FeatureMatrix): BatchExplanation {
    return { scale: 'log_hazard', base: 0, contributions: centredContributions(this.state.coef, this.state.mean, x) };
  }

  hazardRatios(): { feature: string; coef: number; se: number; hazard_ratio: number; ci_low: number; ci_high: number }[] {
    return ratioRows(this.features, this.state.coef, this.state.se).map(({ ratio, ...r }) => ({ ...r, hazard_ratio: ratio }));
  }

  globalImportance(): Record<string, unknown> {
    return { hazard_ratios: this.hazardRatios() };
  }

  toJSON(): CoxState {
    return this.state;
  }
}

export const fitCox: Fit<CoxParams, CoxModel> = (data: TrainingData, params: CoxParams): CoxModel => {
  const { x, y, duration } = data;
  if (duration === undefined) throw new ModelError('the Cox model needs a duration (time on network) for every row', { key: 'duration' });
  const n = x.rows;
  const p = x.features.length;
  let events = 0;
  for (let i = 0; i < n; i++) events += y[i];
  if (events === 0) throw new ModelError('the Cox model needs at least one churn event in the training data');
  const { mean, sd } = standardization(x.columns);
  const z = new Float64Array(n * p);
  for (let j = 0; j < p; j++) {
    const c = x.columns[j];
    for (let i = 0; i < n; i++) z[i * p + j] = (c[i] - mean[j]) / sd[j];
  }
  const blocks = timeBlocks(duration);
  const penalized = (ll: number, beta: Float64Array): number => {
    let s = 0;
    for (let j = 0; j < p; j++) s += beta[j] * beta[j];
    return ll - 0.5 * params.l2 * s;
  };

  let beta = new Float64Array(p);
  let current = evaluate(z, n, p, y, blocks, beta, true);
  let objective = penalized(current.loglik, beta);
  let iterations = 0;
  let converged = false;
  for (; iterations < params.maxIter; iterations++) {
    const g = Float64Array.from(current.grad, (v, j) => v - params.l2 * beta[j]);
    const h = Float64Array.from(current.hess);
    for (let j = 0; j < p; j++) h[j * p + j] += params.l2;
    const l = cholesky(h, p);
    if (l === null) throw new ConvergenceError('the Cox information matrix is singular (collinear covariates?); raise l2', iterations);
    let step = choleskySolve(l, p, g);
    const largest = step.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
    if (largest > params.maxStep) step = step.map((v) => (v * params.maxStep) / largest);
    // Step halving until the penalized likelihood does not fall.
    let accepted = false;
    for (let halving = 0; halving < 30; halving++) {
      const trial = Float64Array.from(beta, (v, j) => v + step[j]);
      const next = evaluate(z, n, p, y, blocks, trial, true);
      const nextObjective = penalized(next.loglik, trial);
      if (Number.isFinite(nextObjective) && nextObjective >= objective - 1e-12) {
        const gain = nextObjective - objective;
        beta = trial;
        current = next;
        objective = nextObjective;
        accepted = true;
        if (gain < params.tol * Math.max(1, Math.abs(objective))) converged = true;
        break;
      }
      step = step.map((v) => v / 2);
    }
    if (!accepted) converged = true; // no ascent direction left: at the optimum to machine precision
    if (converged) {
      iterations++;
      break;
    }
  }
  if (!converged) throw new ConvergenceError(`the Cox fit did not converge in ${params.maxIter} iterations; raise maxIter or l2`, iterations);

  const h = Float64Array.from(current.hess);
  for (let j = 0; j < p; j++) h[j * p + j] += params.l2;
  const l = cholesky(h, p);
  const cov = l === null ? new Float64Array(p * p).fill(Number.NaN) : choleskyInverse(l, p);

  // Breslow baseline at lp = 0 (covariates at their means): ΔH0(t) = d / Σ_{risk set} exp(η).
  const final = evaluate(z, n, p, y, blocks, beta, false);
  const baselineTimes: number[] = [];
  const cumhaz: number[] = [];
  const eventTimes: number[] = [];
  const { order, starts } = blocks;
  for (let b = 0; b + 1 < starts.length; b++) {
    let d = 0;
    for (let k = starts[b]; k < starts[b + 1]; k++) d += y[order[k]];
    if (d > 0) eventTimes.push(duration[order[starts[b]]]);
  }
  // eventTimes and s0AtEvents are in descending time; accumulate ascending.
  let acc = 0;
  for (let k = eventTimes.length - 1; k >= 0; k--) {
    acc += 1 / final.s0AtEvents[k];
    baselineTimes.push(eventTimes[k]);
    cumhaz.push(acc);
  }

  return new CoxModel({
    kind: 'cox',
    params,
    features: [...x.features],
    coef: Array.from(beta, (b, j) => b / sd[j]),
    se: Array.from({ length: p }, (_, j) => Math.sqrt(cov[j * p + j]) / sd[j]),
    mean: Array.from(mean),
    baseline_times: baselineTimes,
    baseline_cumhaz: cumhaz,
    log_partial_likelihood: current.loglik,
    iterations,
  });
};
