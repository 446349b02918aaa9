/**
 * The coefficient table a statistician reads, as lifelines' print_summary and statsmodels'
 * summary print it: per term coef, exp(coef), se, z, p and the 95% interval of exp(coef); then
 * the fit's concordance, log-likelihood and likelihood-ratio test against the empty model.
 */
import { chiSquareUpper } from '../evaluate/tails.js';
import { proportionalHazardsAdvice, proportionalHazardsRows, type ProportionalHazardsTest } from '../models/cox-ph-test.js';
import { CoxModel, type CoxState } from '../models/cox.js';
import { ratioRows, type RatioRow } from '../models/linear-terms.js';
import { LogisticModel, type LogisticState } from '../models/logistic.js';
import type { ChurnModel, LinearDesignNotes } from '../models/model.js';

const num = (v: number, digits: number): string => (Number.isFinite(v) ? v.toFixed(digits) : '–');
export const formatP = (p: number): string => (!Number.isFinite(p) ? '–' : p < 0.0001 ? (p === 0 ? '<1e-300' : p.toExponential(1)) : p.toFixed(4));

/** Columns aligned: the first to the left, numbers to the right. */
function textTable(head: string[], body: string[][]): string[] {
  const widths = head.map((h, j) => Math.max(h.length, ...body.map((r) => r[j].length)));
  const line = (r: string[]): string => r.map((c, j) => (j === 0 ? c.padEnd(widths[j]) : c.padStart(widths[j]))).join('  ');
  return [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)];
}

function termTable(rows: readonly RatioRow[], ratio: string, intercept: string[] | null): string[] {
  const head = ['term', 'coef', ratio, 'se(coef)', 'z', 'p', `${ratio} lower 95%`, `${ratio} upper 95%`];
  const body = rows.map((r) => [r.feature, num(r.coef, 4), num(r.ratio, 4), num(r.se, 4), num(r.z, 2), formatP(r.p), num(r.ci_low, 4), num(r.ci_high, 4)]);
  if (intercept !== null) body.unshift(intercept);
  return textTable(head, body);
}

function designLines(d: LinearDesignNotes): string[] {
  const out: string[] = [];
  if (d.references.length > 0) out.push(`reference levels (terms are relative to them): ${d.references.map((r) => `${r.column} = ${r.level}`).join('; ')}`);
  if (d.aliased.length > 0) out.push(`dropped as collinear: ${d.aliased.map((a) => (a.with.length === 0 ? `${a.feature} (constant)` : `${a.feature} (= a combination of ${a.with.join(', ')})`)).join('; ')}`);
  return out;
}

function likelihoodRatio(ll: number, ll0: number, df: number): string {
  const lr = 2 * (ll - ll0);
  return `likelihood-ratio test = ${num(lr, 2)} on ${df} df, p = ${formatP(chiSquareUpper(lr, df))}`;
}

function coxSummary(s: CoxState, file: string): string[] {
  const p = s.params;
  const strata = s.strata.length === 0 ? 'none' : `${s.strata.map((x) => x.column).join(' × ')} (${s.baselines.length} strata, each its own baseline)`;
  const unit = s.time.month === 1 ? 'months' : `duration units (${num(s.time.month, 3)} a month)`;
  return [
    `model: Cox proportional hazards (${file})`,
    `ties: ${p.ties}; L2 penalty ${p.l2} on standardized coefficients${p.l2 > 0 ? ' (errors from the penalized information)' : ''}; strata: ${strata}`,
    `rows: ${s.rows.toLocaleString('en')}, events: ${s.events.toLocaleString('en')}; time axis: ${s.time.feature} in ${unit}; churn_probability = P(churn within ${num(s.time.window / s.time.month, 2)} months of the window start), window start = ${s.time.feature} + ${num(s.time.offset, 2)}`,
    ...designLines(s.design),
    '',
    ...termTable(ratioRows(s.covariates, s.coef, s.se), 'exp(coef)', null),
    '',
    `concordance (Harrell's C of the linear predictor on the training rows) = ${num(s.concordance, 3)}`,
    `partial log-likelihood = ${num(s.log_partial_likelihood, 2)} (empty model ${num(s.null_log_partial_likelihood, 2)})`,
    likelihoodRatio(s.log_partial_likelihood, s.null_log_partial_likelihood, s.coef.length),
    ...phLines(s.proportional_hazards),
  ];
}

function phLines(t: ProportionalHazardsTest | undefined): string[] {
  if (t === undefined) return [];
  return [
    '',
    'proportional hazards (Grambsch–Therneau, scaled Schoenfeld residuals against the rank of event time):',
    ...textTable(['term', 'chi2', 'df', 'p'], proportionalHazardsRows(t, num, formatP)),
    proportionalHazardsAdvice(t),
  ];
}

function logisticSummary(s: LogisticState, file: string): string[] {
  const z = s.intercept / s.se_intercept;
  const [icept] = ratioRows(['(intercept)'], [s.intercept], [s.se_intercept]);
  const intercept = ['(intercept)', num(s.intercept, 4), num(Math.exp(s.intercept), 4), num(s.se_intercept, 4), num(z, 2), formatP(icept.p), num(icept.ci_low, 4), num(icept.ci_high, 4)];
  return [
    `model: logistic regression (${file})`,
    `L2 penalty ${s.params.l2} on standardized coefficients, intercept unpenalized${s.params.l2 > 0 ? ' (errors from the penalized information)' : ''}; Newton (IRLS), ${s.iterations} iterations`,
    `rows: ${s.rows.toLocaleString('en')}`,
    ...designLines(s.design),
    '',
    ...termTable(ratioRows(s.features, s.coef, s.se), 'odds ratio', intercept),
    '',
    `concordance (AUC on the training rows) = ${num(s.concordance, 3)}`,
    `log-likelihood = ${num(s.log_likelihood, 2)} (intercept only ${num(s.null_log_likelihood, 2)}); McFadden pseudo R² = ${num(1 - s.log_likelihood / s.null_log_likelihood, 4)}`,
    likelihoodRatio(s.log_likelihood, s.null_log_likelihood, s.coef.length),
  ];
}

/** The printed summary of a fitted model; null for a model without coefficients. */
export function modelSummary(model: ChurnModel, file: string): string | null {
  if (model instanceof CoxModel) return coxSummary(model.state, file).join('\n');
  if (model instanceof LogisticModel) return logisticSummary(model.state, file).join('\n');
  return null;
}
