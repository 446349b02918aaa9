/**
 * Cox proportional-hazards model: Efron's ties by default (Breslow as an option), optional
 * strata, rows at risk over the window their label covers (delayed entry), Newton–Raphson on
 * standardized covariates with an L2 penalty, step halving and a step limit.
 *
 * Its churn probability answers the label's question: churn within the label's window after the
 * window start, given the customer was still there at its start,
 * P = 1 − S(a + w | x) / S(a | x), with a the tenure column plus the model's offset. The list, the
 * evaluation and every metric read that one number (`predictProba`). Past the longest tenure
 * watched in training the baseline says nothing: a window reaching past it is moved back to end
 * there (the last observed months' hazard is carried forward), and `beyondFollowUp` counts them.
 */
import { inFeatureOrder, type FeatureMatrix, type TrainingData } from '../data/matrix.js';
import { ConvergenceError, ModelError } from '../errors.js';
import { concordance } from '../evaluate/concordance.js';
import type { SurvivalTime } from '../labels/survival.js';
import { baselineHazard, orderRiskSets, partialLikelihood, type SurvivalRows, type Ties } from './cox-likelihood.js';
import { proportionalHazardsTest, schoenfeldResiduals, type ProportionalHazardsTest } from './cox-ph-test.js';
import { cholesky, choleskyInverse, choleskySolve, standardization } from './linalg.js';
import { aliasedColumns, centredGram, treatmentCoding } from './linear-design.js';
import { centredContributions, ratioRows, type RatioRow } from './linear-terms.js';
import { explainRow, type BatchExplanation, type ChurnModel, type Explanation, type Fit, type LinearDesignNotes, type ModelState } from './model.js';
import type { GlobalImportance } from '../evaluate/files/importance-file.js';

export interface CoxParams {
  l2: number; // penalty on standardized coefficients
  maxIter: number;
  tol: number; // on the change of the penalized log partial likelihood
  maxStep: number; // largest change of one standardized coefficient in a step
  ties: Ties;
  strata: string[]; // text columns whose levels each get their own baseline hazard
}

export const DEFAULT_COX_PARAMS: CoxParams = { l2: 0.1, maxIter: 50, tol: 1e-10, maxStep: 5, ties: 'efron', strata: [] };

/** One stratum's baseline: cumulative hazard at the covariates' training means. */
export interface StratumBaseline {
  levels: string[]; // the stratum's level of each strata column ('' for none of the known levels)
  rows: number;
  events: number;
  last_time: number; // the longest tenure watched in this stratum
  times: number[]; // event times
  cumhaz: number[]; // cumulative baseline hazard just after each time
}

export interface CoxState extends ModelState {
  kind: 'cox';
  params: CoxParams;
  /** Matrix columns: the covariates, then the tenure column, then each stratum column's indicators. */
  features: string[];
  covariates: string[];
  design: LinearDesignNotes; // reference levels and the aliased columns dropped
  time: SurvivalTime;
  strata: { column: string; features: string[] }[];
  coef: number[]; // raw scale, per covariate
  se: number[];
  mean: number[]; // the linear predictor is centred at the training means
  baselines: StratumBaseline[];
  log_partial_likelihood: number;
  null_log_partial_likelihood: number; // at coef = 0, for the likelihood-ratio test
  concordance: number; // Harrell's C of the linear predictor on the training rows
  proportional_hazards?: ProportionalHazardsTest; // Grambsch–Therneau on the training rows (absent in files written before it)
  rows: number;
  events: number;
  iterations: number;
}

function binarySearchRight(times: readonly number[], t: number): number {
  let lo = 0;
  let hi = times.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (times[mid] <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Cumulative baseline hazard at t (a right-continuous step function). */
export function cumulativeHazardAt(b: StratumBaseline, t: number): number {
  const k = binarySearchRight(b.times, t);
  return k === 0 ? 0 : b.cumhaz[k - 1];
}

/** Each row's stratum as one code: the level index of every strata column, mixed radix. */
function stratumCodes(x: FeatureMatrix, strata: CoxState['strata'], features: readonly string[]): Int32Array {
  const pos = new Map(features.map((f, j) => [f, j]));
  const code = new Int32Array(x.rows);
  for (const s of strata) {
    const radix = s.features.length + 1; // + none of the known levels
    const cols = s.features.map((f) => x.columns[pos.get(f) ?? -1]);
    for (let i = 0; i < x.rows; i++) {
      let level = 0;
      for (let k = 0; k < cols.length; k++) if (cols[k][i] === 1) level = k + 1;
      code[i] = code[i] * radix + level;
    }
  }
  return code;
}

function stratumLevels(code: number, strata: CoxState['strata']): string[] {
  const out: string[] = [];
  for (let s = strata.length - 1; s >= 0; s--) {
    const radix = strata[s].features.length + 1;
    const level = code % radix;
    code = Math.floor(code / radix);
    const f = level === 0 ? '' : strata[s].features[level - 1];
    out.unshift(f.slice(f.indexOf('=') + 1));
  }
  return out;
}

export class CoxModel implements ChurnModel {
  readonly kind = 'cox' as const;
  readonly features: readonly string[];
  private readonly baselineOf: Map<number, number>;
  private readonly largest: number;

  constructor(readonly state: CoxState) {
    this.features = state.features;
    this.baselineOf = new Map();
    state.baselines.forEach((b, k) => {
      let code = 0;
      state.strata.forEach((s, j) => {
        const level = b.levels[j] === '' ? 0 : s.features.indexOf(`${s.column}=${b.levels[j]}`) + 1;
        code = code * (s.features.length + 1) + level;
      });
      this.baselineOf.set(code, k);
    });
    this.largest = state.baselines.reduce((best, b, k) => (b.rows > state.baselines[best].rows ? k : best), 0);
  }

  static fromJSON(state: ModelState): CoxModel {
    return new CoxModel(state as CoxState);
  }

  /** Log relative hazard, centred at the training means. */
  linearPredictor(batch: FeatureMatrix): Float64Array {
    const x = inFeatureOrder(batch, this.state.covariates); // the tenure and strata columns are not needed here
    const lp = new Float64Array(x.rows);
    this.state.coef.forEach((b, j) => {
      const c = x.columns[j];
      const m = this.state.mean[j];
      for (let i = 0; i < x.rows; i++) lp[i] += b * (c[i] - m);
    });
    return lp;
  }

  /** Each row's baseline (its stratum's; a stratum unseen in training takes the largest one's). */
  private baselines(x: FeatureMatrix): StratumBaseline[] {
    const { baselines, strata } = this.state;
    if (strata.length === 0) return new Array<StratumBaseline>(x.rows).fill(baselines[0]);
    const codes = stratumCodes(x, strata, this.features);
    return Array.from(codes, (c) => baselines[this.baselineOf.get(c) ?? this.largest]);
  }

  /** Each row's window start: its tenure plus the model's offset (never before joining). */
  private windowStart(x: FeatureMatrix): Float64Array {
    const tenure = x.columns[this.state.covariates.length];
    const { offset } = this.state.time;
    return tenure.map((t) => Math.max(0, t + offset));
  }

  /** P(churn within `span` tenure units after each row's window start | there at its start). */
  private churnOver(x: FeatureMatrix, spans: readonly number[]): Float64Array[] {
    const risk = this.linearPredictor(x).map(Math.exp);
    const start = this.windowStart(x);
    const base = this.baselines(x);
    return spans.map((span) => {
      const out = new Float64Array(x.rows);
      for (let i = 0; i < x.rows; i++) {
        const b = base[i];
        const a = Math.min(start[i], Math.max(0, b.last_time - span));
        out[i] = 1 - Math.exp(-(cumulativeHazardAt(b, a + span) - cumulativeHazardAt(b, a)) * risk[i]);
      }
      return out;
    });
  }

  /** P(churn within the label's window after the window start): the list's churn_probability. */
  predictProba(batch: FeatureMatrix): Float64Array {
    const x = inFeatureOrder(batch, this.features);
    return this.churnOver(x, [this.state.time.window])[0];
  }

  /** P(churn within h months after the window start), per horizon. */
  churnWithin(batch: FeatureMatrix, horizonMonths: readonly number[]): Float64Array[] {
    const x = inFeatureOrder(batch, this.features);
    return this.churnOver(x, horizonMonths.map((h) => h * this.state.time.month));
  }

  /** Rows whose window of `months` reaches past the longest tenure watched in training. */
  beyondFollowUp(batch: FeatureMatrix, months: number): number {
    const x = inFeatureOrder(batch, this.features);
    const span = months * this.state.time.month;
    const start = this.windowStart(x);
    const base = this.baselines(x);
    let n = 0;
    for (let i = 0; i < x.rows; i++) if (start[i] + span > base[i].last_time) n++;
    return n;
  }

  /** S(t | x) from joining, per row, for each time (tenure units). */
  survival(batch: FeatureMatrix, times: readonly number[]): Float64Array[] {
    const x = inFeatureOrder(batch, this.features);
    const risk = this.linearPredictor(x).map(Math.exp);
    const base = this.baselines(x);
    return times.map((t) => risk.map((r, i) => Math.exp(-cumulativeHazardAt(base[i], Math.min(t, base[i].last_time)) * r)));
  }

  explain(x: FeatureMatrix, row: number): Explanation {
    return explainRow(this, x, row);
  }

  /** Log-hazard parts of the covariates; the tenure and strata columns act through the baseline and get none. */
  explainBatch(batch: FeatureMatrix): BatchExplanation {
    const x = inFeatureOrder(batch, this.features);
    const k = this.state.covariates.length;
    const p = this.features.length;
    const parts = centredContributions(this.state.coef, this.state.mean, { rows: x.rows, features: this.state.covariates, columns: x.columns.slice(0, k) });
    const out = new Float64Array(x.rows * p);
    for (let i = 0; i < x.rows; i++) out.set(parts.subarray(i * k, (i + 1) * k), i * p);
    return { scale: 'log_hazard', base: 0, contributions: out };
  }

  hazardRatios(): (Omit<RatioRow, 'ratio'> & { hazard_ratio: number })[] {
    return ratioRows(this.state.covariates, this.state.coef, this.state.se).map(({ ratio, ...r }) => ({ ...r, hazard_ratio: ratio }));
  }

  globalImportance(): GlobalImportance {
    return { hazard_ratios: this.hazardRatios(), reference_levels: this.state.design.references, aliased: this.state.design.aliased, proportional_hazards: this.state.proportional_hazards };
  }

  linearDesign(): LinearDesignNotes {
    return this.state.design;
  }

  toJSON(): CoxState {
    return this.state;
  }
}

/** The columns the fit reads: covariates, the tenure column, and the strata indicator columns. */
function splitColumns(x: FeatureMatrix, time: SurvivalTime, strataColumns: readonly string[]): { covariates: string[]; strata: CoxState['strata'] } {
  if (!x.features.includes(time.feature)) throw new ModelError(`the Cox model needs the tenure column "${time.feature}" among its features`, { column: time.feature });
  const strata = strataColumns.map((column) => {
    const features = x.features.filter((f) => f.startsWith(`${column}=`));
    if (features.length === 0) throw new ModelError(`cannot stratify on "${column}": it is not a text column among the features`, { key: 'survival.strata', column });
    return { column, features };
  });
  const special = new Set([time.feature, ...strata.flatMap((s) => s.features)]);
  return { covariates: x.features.filter((f) => !special.has(f)), strata };
}

export const fitCox: Fit<CoxParams, CoxModel> = (data: TrainingData, params: CoxParams): CoxModel => {
  const { x, y, survival } = data;
  if (survival === undefined) throw new ModelError('the Cox model needs a duration (time on network) for every row', { key: 'duration' });
  const n = x.rows;
  let events = 0;
  for (let i = 0; i < n; i++) events += y[i];
  if (events === 0) throw new ModelError('the Cox model needs at least one churn event in the training data');
  const split = splitColumns(x, survival.time, params.strata);
  const strata = split.strata;
  const strataFeatures = strata.flatMap((s) => s.features);
  // Identifiable covariates: treatment coded, and none a combination of others or of the strata.
  const coded = treatmentCoding(x, split.covariates);
  const candidates = [...strataFeatures, ...coded.features];
  const { kept, aliased } = aliasedColumns(centredGram(x, candidates), candidates, strataFeatures.length);
  const covariates = kept.filter((k) => k >= strataFeatures.length).map((k) => candidates[k]);
  const features = [...covariates, survival.time.feature, ...strataFeatures];
  const pos = new Map(x.features.map((f, j) => [f, j]));
  const columns = features.map((f) => x.columns[pos.get(f) ?? -1]);
  const ordered: FeatureMatrix = { rows: n, features, columns };
  const p = covariates.length;
  const { mean, sd } = standardization(columns.slice(0, p));
  const z = new Float64Array(n * p);
  for (let j = 0; j < p; j++) {
    const c = columns[j];
    for (let i = 0; i < n; i++) z[i * p + j] = (c[i] - mean[j]) / sd[j];
  }
  const codes = stratumCodes(ordered, strata, features);
  const distinct = [...new Set(codes)].sort((a, b) => a - b);
  const index = new Map(distinct.map((c, k) => [c, k]));
  const rows: SurvivalRows = { exit: survival.exit, entry: survival.entry, event: y, stratum: Int32Array.from(codes, (c) => index.get(c) ?? 0), strata: distinct.length };
  const order = orderRiskSets(rows);
  const penalized = (ll: number, beta: Float64Array): number => {
    let s = 0;
    for (let j = 0; j < p; j++) s += beta[j] * beta[j];
    return ll - 0.5 * params.l2 * s;
  };
  const at = (beta: Float64Array, info: boolean): ReturnType<typeof partialLikelihood> => partialLikelihood(rows, order, z, p, beta, params.ties, info);

  let beta = new Float64Array(p);
  const nullLoglik = at(beta, false).loglik;
  let current = at(beta, true);
  let objective = penalized(current.loglik, beta);
  let iterations = 0;
  let converged = false;
  for (; iterations < params.maxIter; iterations++) {
    const g = Float64Array.from(current.grad, (v, j) => v - params.l2 * beta[j]);
    const h = Float64Array.from(current.info ?? []);
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
      const next = at(trial, true);
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
  if (!converged) throw new ConvergenceError(`the Cox fit did not converge in ${params.maxIter} iterations; raise max_iter or l2`, iterations);

  const h = Float64Array.from(current.info ?? []);
  for (let j = 0; j < p; j++) h[j * p + j] += params.l2;
  const l = cholesky(h, p);
  const cov = l === null ? new Float64Array(p * p).fill(Number.NaN) : choleskyInverse(l, p);

  const schoenfeld = schoenfeldResiduals(rows, order, z, p, beta, params.ties);
  const hazards = baselineHazard(rows, order, z, p, beta, params.ties);
  const baselines: StratumBaseline[] = distinct.map((code, k) => {
    let count = 0;
    let d = 0;
    let last = 0;
    for (let i = 0; i < n; i++) {
      if (rows.stratum[i] !== k) continue;
      count++;
      d += y[i];
      last = Math.max(last, survival.exit[i]);
    }
    return { levels: stratumLevels(code, strata), rows: count, events: d, last_time: last, times: hazards[k].times, cumhaz: hazards[k].cumhaz };
  });
  const coef = Array.from(beta, (b, j) => b / sd[j]);
  const lp = new Float64Array(n);
  for (let j = 0; j < p; j++) for (let i = 0; i < n; i++) lp[i] += coef[j] * (columns[j][i] - mean[j]);

  return new CoxModel({
    kind: 'cox',
    params,
    features,
    covariates,
    design: { references: coded.references, aliased },
    time: survival.time,
    strata,
    coef,
    se: Array.from({ length: p }, (_, j) => Math.sqrt(cov[j * p + j]) / sd[j]),
    mean: Array.from(mean),
    baselines,
    log_partial_likelihood: current.loglik,
    null_log_partial_likelihood: nullLoglik,
    concordance: concordance(survival.exit, y, lp).c,
    proportional_hazards: proportionalHazardsTest(covariates, schoenfeld.times, schoenfeld.residuals, cov, params.strata),
    rows: n,
    events,
    iterations,
  });
};
