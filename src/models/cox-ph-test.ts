/**
 * The proportional-hazards check survival analysts run after a Cox fit: the scaled Schoenfeld
 * residual test of Grambsch & Therneau (1994), per covariate and globally, with the event times
 * rank transformed, as lifelines' proportional_hazard_test(time_transform="rank") computes it.
 *
 * A covariate whose effect drifts with tenure leaves Schoenfeld residuals (its value at each event
 * minus the risk set's expected value) that trend with time; the test is the score test of that
 * trend: per covariate T_j = d (V u)_j² / (V_jj Σ g̃²), globally T = d uᵀ V u / Σ g̃², with
 * u = Σ g̃ r over the events, g̃ the centred ranks of the event times, V the coefficients'
 * covariance and d the number of events. Both are invariant to rescaling the covariates, so the
 * fit's standardized design serves.
 */
import { z } from 'zod';
import { chiSquareUpper } from '../evaluate/tails.js';
import { linearPredictor, walkRiskSets, type StratumOrder, type SurvivalRows, type Ties } from './cox-likelihood.js';

/** A statistic JSON may hold as null (NaN when there is no test): read back as NaN. */
const measured = z.union([z.number(), z.null().transform(() => Number.NaN)]);
const row = { statistic: measured, df: z.number().int().min(0), p: measured };

/** The test as the model file and importance.json hold it. */
export const proportionalHazardsTestSchema = z.object({
  transform: z.literal('rank'),
  strata: z.array(z.string()), // the fit's strata columns, which a suggested stratification keeps
  covariates: z.array(z.object({ feature: z.string(), ...row })),
  global: z.object(row),
});

export type ProportionalHazardsTest = z.output<typeof proportionalHazardsTestSchema>;
type PhTestRow = ProportionalHazardsTest['global'];

/** Each event's time and Schoenfeld residual (row-major events×p); Efron's expected value averages the tied events' steps. */
export function schoenfeldResiduals(rows: SurvivalRows, order: StratumOrder[], z: Float64Array, p: number, beta: Float64Array, ties: Ties): { times: number[]; residuals: Float64Array } {
  const eta = linearPredictor(z, rows.exit.length, p, beta);
  const times: number[] = [];
  const residuals: number[] = [];
  const expected = new Float64Array(p);
  walkRiskSets(rows, order, z, p, eta, false, (b) => {
    const d = b.events.length;
    expected.fill(0);
    for (let l = 0; l < d; l++) {
      const f = ties === 'efron' ? l / d : 0;
      const den = b.s0 - f * b.e0;
      for (let j = 0; j < p; j++) expected[j] += (b.s1[j] - f * b.e1[j]) / den / d;
    }
    for (const i of b.events) {
      times.push(b.time);
      for (let j = 0; j < p; j++) residuals.push(z[i * p + j] - expected[j]);
    }
  });
  return { times, residuals: Float64Array.from(residuals) };
}

/** Average ranks (1-based, ties share their mean rank), as scipy's rankdata. */
function averageRanks(values: readonly number[]): Float64Array {
  const idx = values.map((_, i) => i).sort((a, b) => values[a] - values[b]);
  const ranks = new Float64Array(values.length);
  for (let k = 0; k < idx.length;) {
    let end = k;
    while (end + 1 < idx.length && values[idx[end + 1]] === values[idx[k]]) end++;
    for (let m = k; m <= end; m++) ranks[idx[m]] = (k + end) / 2 + 1;
    k = end + 1;
  }
  return ranks;
}

/** The test from the residuals and the covariance `cov` (p×p, same scale as the residuals). */
export function proportionalHazardsTest(features: readonly string[], times: readonly number[], residuals: Float64Array, cov: Float64Array, strata: readonly string[] = []): ProportionalHazardsTest {
  const p = features.length;
  const d = times.length;
  const ranks = averageRanks(times);
  const meanRank = (d + 1) / 2;
  const u = new Float64Array(p);
  let ss = 0;
  for (let e = 0; e < d; e++) {
    const g = ranks[e] - meanRank;
    ss += g * g;
    for (let j = 0; j < p; j++) u[j] += g * residuals[e * p + j];
  }
  const vu = new Float64Array(p);
  for (let j = 0; j < p; j++) for (let m = 0; m < p; m++) vu[j] += cov[j * p + m] * u[m];
  let quad = 0;
  for (let j = 0; j < p; j++) quad += u[j] * vu[j];
  const row = (statistic: number, df: number): PhTestRow => ({ statistic, df, p: chiSquareUpper(statistic, df) });
  // With every event at one rank there is no time to trend against: no test (NaN).
  const scale = ss > 0 ? d / ss : Number.NaN;
  return {
    transform: 'rank',
    strata: [...strata],
    covariates: features.map((feature, j) => ({ feature, ...row((scale * vu[j] * vu[j]) / cov[j * p + j], 1) })),
    global: row(scale * quad, p),
  };
}

/** What a reader should do with the test's result, in one paragraph (report and `churnscope summary`). */
export function proportionalHazardsAdvice(t: ProportionalHazardsTest, level = 0.05): string {
  if (Number.isNaN(t.global.p)) {
    return 'The proportional-hazards test could not be run: every churn falls at one time, so there is no trend over tenure to test.';
  }
  const failing = t.covariates.filter((c) => c.p < level);
  if (failing.length === 0) {
    return `No covariate's effect departs from proportional hazards at p < ${level} (global p = ${t.global.p.toPrecision(3)}): each hazard ratio holds across tenure.`;
  }
  const text = [...new Set(failing.filter((c) => c.feature.includes('=')).map((c) => c.feature.slice(0, c.feature.indexOf('='))))];
  const numeric = failing.filter((c) => !c.feature.includes('=')).map((c) => c.feature);
  const fixes: string[] = [];
  if (text.length > 0) fixes.push(`stratify on the text column${text.length > 1 ? 's' : ''} (survival.strata: [${[...t.strata, ...text].map((c) => JSON.stringify(c)).join(', ')}]) so each level gets its own baseline hazard`);
  if (numeric.length > 0) fixes.push(`for ${numeric.join(', ')}, band the values or fit separate models by tenure range`);
  return `Proportional hazards rejected at p < ${level} for ${failing.map((c) => c.feature).join(', ')} (global p = ${t.global.p.toPrecision(3)}): `
    + 'their effect on the hazard changes with tenure, so each hazard ratio shown is an average over tenure and the churn probabilities lean on it. '
    + `To act on it, ${fixes.join('; ')}; then compare the test metrics, which judge the list whatever the test says.`;
}

/** The test as table rows: term, chi-squared, df, p; the global row last. */
export function proportionalHazardsRows(t: ProportionalHazardsTest, fmt: (v: number, digits: number) => string, pValue: (p: number) => string): string[][] {
  return [...t.covariates.map((c) => [c.feature, fmt(c.statistic, 2), String(c.df), pValue(c.p)]), ['global', fmt(t.global.statistic, 2), String(t.global.df), pValue(t.global.p)]];
}
