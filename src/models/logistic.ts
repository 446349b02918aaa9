/**
 * Logistic regression fitted by Newton's method (IRLS) with an L2 penalty on standardized inputs,
 * intercept unpenalized, on an identifiable design (text columns treatment coded, aliased columns
 * dropped: see linear-design.ts). Coefficients, standard errors and odds ratios are reported on
 * the raw scale, so they read like statsmodels' output.
 */
import { inFeatureOrder, type FeatureMatrix, type TrainingData } from '../data/matrix.js';
import { ConvergenceError, ModelError } from '../errors.js';
import { auc } from '../evaluate/metrics.js';
import { cholesky, choleskyInverse, choleskySolve, standardization } from './linalg.js';
import { aliasedColumns, treatmentCoding } from './linear-design.js';
import { centredContributions, ratioRows, type RatioRow } from './linear-terms.js';
import { explainRow, type BatchExplanation, type ChurnModel, type Explanation, type Fit, type LinearDesignNotes, type ModelState } from './model.js';
import type { GlobalImportance } from '../evaluate/files/importance-file.js';
import { sigmoid } from './sigmoid.js';

export interface LogisticParams {
  l2: number; // penalty on standardized coefficients
  maxIter: number;
  tol: number; // on the largest change of a standardized coefficient
}

export const DEFAULT_LOGISTIC_PARAMS: LogisticParams = { l2: 1, maxIter: 100, tol: 1e-8 };

export interface LogisticState extends ModelState {
  kind: 'logistic';
  params: LogisticParams;
  features: string[];
  intercept: number;
  coef: number[];
  se: number[]; // standard errors of coef (raw scale); se_intercept separately
  se_intercept: number;
  mean: number[]; // training means, for explanations centred at the average customer
  design: LinearDesignNotes; // reference levels and the aliased columns dropped
  iterations: number;
  log_likelihood: number;
  null_log_likelihood: number; // intercept only, for the likelihood-ratio test
  concordance: number; // AUC on the training rows
  rows: number;
}


export class LogisticModel implements ChurnModel {
  readonly kind = 'logistic' as const;
  readonly features: readonly string[];

  constructor(readonly state: LogisticState) {
    this.features = state.features;
  }

  static fromJSON(state: ModelState): LogisticModel {
    return new LogisticModel(state as LogisticState);
  }

  logOdds(batch: FeatureMatrix): Float64Array {
    const x = inFeatureOrder(batch, this.state.features);
    const z = new Float64Array(x.rows).fill(this.state.intercept);
    this.state.coef.forEach((b, j) => {
      const c = x.columns[j];
      for (let i = 0; i < x.rows; i++) z[i] += b * c[i];
    });
    return z;
  }

  predictProba(x: FeatureMatrix): Float64Array {
    return this.logOdds(x).map(sigmoid);
  }

  explain(x: FeatureMatrix, row: number): Explanation {
    return explainRow(this, x, row);
  }

  explainBatch(batch: FeatureMatrix): BatchExplanation {
    const x = inFeatureOrder(batch, this.state.features);
    const { coef, mean, intercept } = this.state;
    let base = intercept;
    coef.forEach((b, j) => { base += b * mean[j]; });
    return { scale: 'log_odds', base, contributions: centredContributions(coef, mean, x) };
  }

  /** Odds ratios per unit of each feature, with 95% confidence intervals. */
  oddsRatios(): (Omit<RatioRow, 'ratio'> & { odds_ratio: number })[] {
    return ratioRows(this.features, this.state.coef, this.state.se).map(({ ratio, ...r }) => ({ ...r, odds_ratio: ratio }));
  }

  globalImportance(): GlobalImportance {
    return { odds_ratios: this.oddsRatios(), reference_levels: this.state.design.references, aliased: this.state.design.aliased };
  }

  linearDesign(): LinearDesignNotes {
    return this.state.design;
  }

  toJSON(): LogisticState {
    return this.state;
  }
}

/** Rows per block of the Hessian's accumulation: a block's weighted columns stay in the core's cache. */
const BLOCK = 256;

/** Σ a_i b_i over the first `len` entries (four sums, so the additions overlap). */
function dot(a: Float64Array, b: Float64Array, len: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let i = 0;
  for (; i + 3 < len; i += 4) {
    s0 += a[i] * b[i];
    s1 += a[i + 1] * b[i + 1];
    s2 += a[i + 2] * b[i + 2];
    s3 += a[i + 3] * b[i + 3];
  }
  for (; i < len; i++) s0 += a[i] * b[i];
  return s0 + s1 + s2 + s3;
}

interface Pass { grad: Float64Array; hessian: Float64Array; logLik: number }

/**
 * One pass over the rows at beta: gradient, log likelihood and (when asked) the Hessian (XᵀWX,
 * intercept first), block by block: the block's linear predictor column by column, then each pair
 * of its weighted columns as one dot product (the Hessian's q² entries are touched once a block,
 * not once a row). Without the Hessian (and then without the log likelihood, left 0) a pass costs
 * about 2q operations a row instead of q²/2.
 */
function irlsPass(z: readonly Float64Array[], y: Uint8Array, beta: Float64Array, withHessian = true): Pass {
  const q = z.length + 1;
  const n = y.length;
  const grad = new Float64Array(q);
  const hessian = new Float64Array(withHessian ? q * q : 0);
  const eta = new Float64Array(BLOCK);
  const r = new Float64Array(BLOCK);
  const u = Array.from({ length: withHessian ? q : 1 }, () => new Float64Array(BLOCK)); // √w × column, this block
  let logLik = 0;
  for (let from = 0; from < n; from += BLOCK) {
    const len = Math.min(BLOCK, n - from);
    eta.fill(beta[0]);
    for (let j = 0; j < z.length; j++) {
      const c = z[j].subarray(from, from + len);
      const b = beta[j + 1];
      for (let i = 0; i < len; i++) eta[i] += b * c[i];
    }
    const sw = u[0];
    if (withHessian) {
      for (let i = 0; i < len; i++) {
        const mu = sigmoid(eta[i]);
        const yi = y[from + i];
        logLik += yi === 1 ? Math.log(Math.max(mu, 1e-300)) : Math.log(Math.max(1 - mu, 1e-300));
        r[i] = yi - mu;
        sw[i] = Math.sqrt(mu * (1 - mu));
      }
    } else {
      for (let i = 0; i < len; i++) r[i] = y[from + i] - sigmoid(eta[i]);
    }
    for (let i = 0; i < len; i++) grad[0] += r[i];
    for (let j = 0; j < z.length; j++) {
      const c = z[j].subarray(from, from + len);
      grad[j + 1] += dot(c, r, len);
      if (!withHessian) continue;
      const uj = u[j + 1];
      for (let i = 0; i < len; i++) uj[i] = sw[i] * c[i];
    }
    if (withHessian) for (let j = 0; j < q; j++) for (let k = 0; k <= j; k++) hessian[j * q + k] += dot(u[j], u[k], len);
  }
  if (withHessian) for (let j = 0; j < q; j++) for (let k = 0; k < j; k++) hessian[k * q + j] = hessian[j * q + k];
  return { grad, hessian, logLik };
}

/** The penalized gradient and Hessian: L2 on every coefficient but the intercept. */
function penalize(pass: Pass, beta: Float64Array, l2: number, q: number): { grad: Float64Array; hessian: Float64Array } {
  const grad = Float64Array.from(pass.grad);
  const hessian = Float64Array.from(pass.hessian);
  for (let j = 1; j < q; j++) {
    grad[j] -= l2 * beta[j];
    if (hessian.length > 0) hessian[j * q + j] += l2;
  }
  return { grad, hessian };
}

function largest(step: Float64Array): number {
  let m = 0;
  for (const v of step) m = Math.max(m, Math.abs(v));
  return m;
}

/** Below this many rows the fit starts from the intercept alone; above, from a fit on a tenth of them. */
const WARM_START_ROWS = 20_000;

interface Newton { beta: Float64Array; pass: Pass; penalized: Float64Array; iterations: number; converged: boolean }

/** The objective Newton climbs: the log likelihood less the L2 penalty (not on the intercept). */
function penalizedLogLik(pass: Pass, beta: Float64Array, l2: number): number {
  let s = 0;
  for (let j = 1; j < beta.length; j++) s += beta[j] * beta[j];
  return pass.logLik - (l2 / 2) * s;
}

/** Halvings of a step before the fit gives up: 2⁻⁴⁰ of a step is below any tolerance. */
const MAX_HALVINGS = 40;

/**
 * Newton steps from beta (whose pass is given) until the largest step is below tol. Stops on the
 * pass whose step is that small: its Hessian and likelihood are the optimum's to that precision,
 * so no further pass is made for the standard errors. Null when the Hessian is singular.
 *
 * A full step is taken when it raises the penalized likelihood, and halved until it does otherwise
 * (R's glm.fit does the same): far from the optimum a full step can overshoot until every
 * prediction is 0 or 1 (a generated 1,500-customer panel, seed 3, went from −625 to −18,863 in one
 * step and on to a singular Hessian). The penalized likelihood is concave, so a short enough step
 * always helps; the candidate's pass is the next iteration's, so a step taken whole costs nothing.
 */
function newton(z: readonly Float64Array[], y: Uint8Array, beta: Float64Array, pass: Pass, params: LogisticParams): Newton | null {
  const q = z.length + 1;
  let penalized = pass.hessian;
  for (let iterations = 0; iterations < params.maxIter; iterations++) {
    const pen = penalize(pass, beta, params.l2, q);
    penalized = pen.hessian;
    const chol = cholesky(penalized, q);
    if (chol === null) return null;
    const step = choleskySolve(chol, q, pen.grad);
    const maxChange = largest(step);
    if (!Number.isFinite(maxChange)) throw new ConvergenceError('the logistic fit diverged (non-finite coefficients); raise l2', iterations + 1);
    if (maxChange < params.tol) {
      for (let j = 0; j < q; j++) beta[j] += step[j];
      return { beta, pass, penalized, iterations: iterations + 1, converged: true };
    }
    const before = penalizedLogLik(pass, beta, params.l2);
    const slack = 1e-10 * (1 + Math.abs(before)); // rounding in a sum over the rows, not a worse fit
    const candidate = new Float64Array(q);
    for (let halvings = 0; ; halvings++) {
      for (let j = 0; j < q; j++) candidate[j] = beta[j] + step[j];
      pass = irlsPass(z, y, candidate);
      const after = penalizedLogLik(pass, candidate, params.l2);
      if (after >= before - slack) break;
      if (halvings === MAX_HALVINGS) {
        throw new ConvergenceError(`the logistic fit could not raise its penalized likelihood (${before.toPrecision(6)}) by any fraction of a Newton step; raise l2`, iterations + 1);
      }
      for (let j = 0; j < q; j++) step[j] /= 2;
    }
    beta.set(candidate);
  }
  return { beta, pass, penalized, iterations: params.maxIter, converged: false };
}

/**
 * Newton steps with one Hessian held fixed (the warm start's, scaled to the full rows): each pass
 * computes only the gradient, and the steps shrink by a constant factor while that Hessian is close
 * to the optimum's. Stops below tol, or when a step fails to shrink (the exact Newton steps take
 * over either way). Returns the full passes made.
 */
function fixedHessianSteps(z: readonly Float64Array[], y: Uint8Array, beta: Float64Array, hessian: Float64Array, params: LogisticParams): number {
  const q = z.length + 1;
  const chol = cholesky(hessian, q);
  if (chol === null) return 0;
  let previous = Infinity;
  for (let passes = 1; passes <= params.maxIter; passes++) {
    const { grad } = penalize(irlsPass(z, y, beta, false), beta, params.l2, q);
    const step = choleskySolve(chol, q, grad);
    const change = largest(step);
    if (!(change < 0.5 * previous)) return passes; // not contracting: leave beta to exact Newton
    for (let j = 0; j < q; j++) beta[j] += step[j];
    if (change < params.tol) return passes;
    previous = change;
  }
  return params.maxIter;
}

/** The linear predictor of standardized columns (intercept first in beta). */
function linearScore(z: readonly Float64Array[], beta: Float64Array): Float64Array {
  const eta = new Float64Array(z.length === 0 ? 0 : z[0].length).fill(beta[0]);
  z.forEach((c, j) => {
    for (let i = 0; i < c.length; i++) eta[i] += beta[j + 1] * c[i];
  });
  return eta;
}

function standardized(c: Float64Array, mean: number, sd: number): Float64Array {
  const out = new Float64Array(c.length);
  for (let i = 0; i < c.length; i++) out[i] = (c[i] - mean) / sd;
  return out;
}

/** Rows and columns `keep` of a q×q matrix. */
function subMatrix(a: Float64Array, q: number, keep: readonly number[]): Float64Array {
  const m = keep.length;
  const out = new Float64Array(m * m);
  for (let j = 0; j < m; j++) for (let k = 0; k < m; k++) out[j * m + k] = a[keep[j] * q + keep[k]];
  return out;
}

export const fitLogistic: Fit<LogisticParams, LogisticModel> = (data: TrainingData, params: LogisticParams): LogisticModel => {
  const { x, y } = data;
  const n = x.rows;
  if (n === 0) throw new ModelError('cannot fit a logistic regression on zero rows');
  const coded = treatmentCoding(x, x.features);
  let features = coded.features;
  const pos = new Map(x.features.map((f, j) => [f, j]));
  const raw = features.map((f) => x.columns[pos.get(f) ?? -1]);
  const { mean, sd } = standardization(raw);
  let means = Array.from(mean);
  let sds = Array.from(sd);
  let z = raw.map((c, j) => standardized(c, means[j], sds[j]));

  let ybar = 0;
  for (let i = 0; i < n; i++) ybar += y[i];
  ybar /= n;
  let beta: Float64Array = new Float64Array(features.length + 1);
  beta[0] = Math.log(Math.max(ybar, 1e-9) / Math.max(1 - ybar, 1e-9));
  const nullLogLik = n * (ybar > 0 ? ybar * Math.log(ybar) : 0) + n * (ybar < 1 ? (1 - ybar) * Math.log(1 - ybar) : 0);

  let pass = irlsPass(z, y, beta);
  // At the start every row has the same weight: the Hessian's covariate block is the columns'
  // centred Gram matrix, which tells which columns are aliased at no extra pass.
  const q0 = features.length + 1;
  const gram = subMatrix(pass.hessian, q0, Array.from({ length: features.length }, (_, j) => j + 1));
  const { kept, aliased } = aliasedColumns(gram, features);
  if (aliased.length > 0) {
    const keep = [0, ...kept.map((j) => j + 1)];
    pass = { grad: Float64Array.from(keep, (j) => pass.grad[j]), hessian: subMatrix(pass.hessian, q0, keep), logLik: pass.logLik };
    beta = Float64Array.from(keep, (j) => beta[j]);
    features = kept.map((j) => features[j]);
    z = kept.map((j) => z[j]);
    means = kept.map((j) => means[j]);
    sds = kept.map((j) => sds[j]);
  }
  const p = features.length;
  const q = p + 1;

  // Newton from a start found on every tenth row; then steps with the sample's Hessian (scaled to
  // every row) and gradient-only passes, so the full data needs one Hessian pass at the end for
  // the optimum and its standard errors instead of three or four (each one q²/2 per row).
  let iterations = 0;
  if (n >= WARM_START_ROWS) {
    const every = Math.floor(n / (WARM_START_ROWS / 2));
    const m = Math.ceil(n / every);
    const zs = z.map((c) => {
      const out = new Float64Array(m);
      for (let k = 0; k < m; k++) out[k] = c[k * every];
      return out;
    });
    const ys = new Uint8Array(m);
    for (let k = 0; k < m; k++) ys[k] = y[k * every];
    const sampleParams = { ...params, l2: (params.l2 * m) / n, tol: 1e-4 };
    const warm = newton(zs, ys, Float64Array.from(beta), irlsPass(zs, ys, beta), sampleParams);
    if (warm !== null) {
      beta = warm.beta;
      // The sample's penalized Hessian near its optimum, scaled to n rows: its penalty, l2·m/n, becomes l2.
      const hessian = warm.penalized.map((v) => (v * n) / m);
      iterations += fixedHessianSteps(z, y, beta, hessian, params);
      pass = irlsPass(z, y, beta);
    }
  }
  const fit = newton(z, y, beta, pass, params);
  if (fit === null) throw new ConvergenceError('the logistic Hessian is singular (perfectly collinear features?); raise l2', 0);
  if (!fit.converged) {
    throw new ConvergenceError(`the logistic fit did not converge in ${params.maxIter} iterations; raise max_iter or l2`, fit.iterations);
  }
  iterations += fit.iterations;
  beta = fit.beta;
  pass = fit.pass;
  const penalized = fit.penalized;
  const l = cholesky(penalized, q);
  const cov = l === null ? new Float64Array(q * q).fill(Number.NaN) : choleskyInverse(l, q);

  // Raw scale: b_j = beta_j / sd_j; intercept = beta_0 − Σ b_j mean_j. Var via the linear map.
  const coef = Array.from({ length: p }, (_, j) => beta[j + 1] / sds[j]);
  const intercept = beta[0] - coef.reduce((s, b, j) => s + b * means[j], 0);
  const se = Array.from({ length: p }, (_, j) => Math.sqrt(cov[(j + 1) * q + j + 1]) / sds[j]);
  // Intercept variance: a = e0 − Σ (mean_j/sd_j) e_j.
  const a = new Float64Array(q);
  a[0] = 1;
  for (let j = 0; j < p; j++) a[j + 1] = -means[j] / sds[j];
  let varIntercept = 0;
  for (let r = 0; r < q; r++) for (let c = 0; c < q; c++) varIntercept += a[r] * cov[r * q + c] * a[c];

  return new LogisticModel({
    kind: 'logistic',
    params,
    features,
    intercept,
    coef,
    se,
    se_intercept: Math.sqrt(varIntercept),
    mean: means,
    design: { references: coded.references, aliased },
    iterations,
    log_likelihood: pass.logLik,
    null_log_likelihood: nullLogLik,
    concordance: (() => { const a = auc(y, linearScore(z, beta)); return a; })(),
    rows: n,
  });
};
