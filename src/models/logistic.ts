/**
 * Logistic regression fitted by Newton's method (IRLS) with an L2 penalty on standardized inputs,
 * intercept unpenalized. Coefficients, standard errors and odds ratios are reported on the raw
 * scale, so they read like statsmodels' output.
 */
import type { FeatureMatrix, TrainingData } from '../data/matrix.js';
import { ConvergenceError, ModelError } from '../errors.js';
import { cholesky, choleskyInverse, choleskySolve, standardization } from './linalg.js';
import { centredContributions, ratioRows } from './linear-terms.js';
import { explainRow, type BatchExplanation, type ChurnModel, type Explanation, type Fit, type ModelState } from './model.js';

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
  iterations: number;
  log_likelihood: number;
}

const sigmoid = (z: number): number => (z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z)));

export class LogisticModel implements ChurnModel {
  readonly kind = 'logistic' as const;
  readonly features: readonly string[];

  constructor(readonly state: LogisticState) {
    this.features = state.features;
  }

  static fromJSON(state: ModelState): LogisticModel {
    return new LogisticModel(state as LogisticState);
  }

  logOdds(x: FeatureMatrix): Float64Array {
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

  explainBatch(x: FeatureMatrix): BatchExplanation {
    const { coef, mean, intercept } = this.state;
    let base = intercept;
    coef.forEach((b, j) => { base += b * mean[j]; });
    return { scale: 'log_odds', base, contributions: centredContributions(coef, mean, x) };
  }

  /** Odds ratios per unit of each feature, with 95% confidence intervals. */
  oddsRatios(): { feature: string; coef: number; se: number; odds_ratio: number; ci_low: number; ci_high: number }[] {
    return ratioRows(this.features, this.state.coef, this.state.se).map(({ ratio, ...r }) => ({ ...r, odds_ratio: ratio }));
  }

  globalImportance(): Record<string, unknown> {
    return { odds_ratios: this.oddsRatios() };
  }

  toJSON(): LogisticState {
    return this.state;
  }
}

export const fitLogistic: Fit<LogisticParams, LogisticModel> = (data: TrainingData, params: LogisticParams): LogisticModel => {
  const { x, y } = data;
  const n = x.rows;
  const p = x.features.length;
  if (n === 0) throw new ModelError('cannot fit a logistic regression on zero rows');
  const { mean, sd } = standardization(x.columns);
  // Standardized design, row-major with a leading 1 for the intercept.
  const q = p + 1;
  const z = new Float64Array(n * q);
  for (let i = 0; i < n; i++) z[i * q] = 1;
  for (let j = 0; j < p; j++) {
    const c = x.columns[j];
    for (let i = 0; i < n; i++) z[i * q + j + 1] = (c[i] - mean[j]) / sd[j];
  }
  const beta = new Float64Array(q);
  let ybar = 0;
  for (let i = 0; i < n; i++) ybar += y[i];
  ybar /= n;
  beta[0] = Math.log(Math.max(ybar, 1e-9) / Math.max(1 - ybar, 1e-9));

  const hessian = new Float64Array(q * q);
  const grad = new Float64Array(q);
  let iterations = 0;
  let converged = false;
  let chol: Float64Array | null = null;
  for (; iterations < params.maxIter; iterations++) {
    hessian.fill(0);
    grad.fill(0);
    for (let i = 0; i < n; i++) {
      const off = i * q;
      let eta = 0;
      for (let j = 0; j < q; j++) eta += z[off + j] * beta[j];
      const mu = sigmoid(eta);
      const w = mu * (1 - mu);
      const r = y[i] - mu;
      for (let j = 0; j < q; j++) {
        const zj = z[off + j];
        grad[j] += zj * r;
        const wz = w * zj;
        for (let k = 0; k <= j; k++) hessian[j * q + k] += wz * z[off + k];
      }
    }
    for (let j = 0; j < q; j++) for (let k = 0; k < j; k++) hessian[k * q + j] = hessian[j * q + k];
    for (let j = 1; j < q; j++) {
      grad[j] -= params.l2 * beta[j];
      hessian[j * q + j] += params.l2;
    }
    chol = cholesky(hessian, q);
    if (chol === null) throw new ConvergenceError('the logistic Hessian is singular (perfectly collinear features?); raise l2', iterations);
    const step = choleskySolve(chol, q, grad);
    let maxChange = 0;
    for (let j = 0; j < q; j++) {
      beta[j] += step[j];
      maxChange = Math.max(maxChange, Math.abs(step[j]));
    }
    if (!Number.isFinite(maxChange)) throw new ConvergenceError('the logistic fit diverged (non-finite coefficients); raise l2', iterations + 1);
    if (maxChange < params.tol) {
      converged = true;
      iterations++;
      break;
    }
  }
  if (!converged || chol === null) {
    throw new ConvergenceError(`the logistic fit did not converge in ${params.maxIter} iterations; raise maxIter or l2`, iterations);
  }
  // Covariance of standardized coefficients at the optimum (penalized Hessian), mapped to raw scale.
  hessian.fill(0);
  let logLik = 0;
  for (let i = 0; i < n; i++) {
    const off = i * q;
    let eta = 0;
    for (let j = 0; j < q; j++) eta += z[off + j] * beta[j];
    const mu = sigmoid(eta);
    logLik += y[i] === 1 ? Math.log(Math.max(mu, 1e-300)) : Math.log(Math.max(1 - mu, 1e-300));
    const w = mu * (1 - mu);
    for (let j = 0; j < q; j++) for (let k = 0; k <= j; k++) hessian[j * q + k] += w * z[off + j] * z[off + k];
  }
  for (let j = 0; j < q; j++) for (let k = 0; k < j; k++) hessian[k * q + j] = hessian[j * q + k];
  for (let j = 1; j < q; j++) hessian[j * q + j] += params.l2;
  const l = cholesky(hessian, q);
  const cov = l === null ? new Float64Array(q * q).fill(Number.NaN) : choleskyInverse(l, q);

  // Raw scale: b_j = beta_j / sd_j; intercept = beta_0 − Σ b_j mean_j. Var via the linear map.
  const coef = Array.from({ length: p }, (_, j) => beta[j + 1] / sd[j]);
  const intercept = beta[0] - coef.reduce((s, b, j) => s + b * mean[j], 0);
  const se = Array.from({ length: p }, (_, j) => Math.sqrt(cov[(j + 1) * q + j + 1]) / sd[j]);
  // Intercept variance: a = e0 − Σ (mean_j/sd_j) e_j.
  const a = new Float64Array(q);
  a[0] = 1;
  for (let j = 0; j < p; j++) a[j + 1] = -mean[j] / sd[j];
  let varIntercept = 0;
  for (let r = 0; r < q; r++) for (let c = 0; c < q; c++) varIntercept += a[r] * cov[r * q + c] * a[c];

  return new LogisticModel({
    kind: 'logistic',
    params,
    features: [...x.features],
    intercept,
    coef,
    se,
    se_intercept: Math.sqrt(varIntercept),
    mean: Array.from(mean),
    iterations,
    log_likelihood: logLik,
  });
};
