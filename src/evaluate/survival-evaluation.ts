/**
 * A survival model's test-split evaluation beyond the list's own metrics: Uno's C of the list's
 * probability, cumulative/dynamic AUC at 3, 6 and 12 months of its predicted P(churn by then),
 * the integrated Brier score of its survival curve beside a Kaplan–Meier-only model's (how much
 * the covariates add), and calibration at 12 months per decile against Kaplan–Meier.
 *
 * These read the tenure axis from joining: t is months on the network, the model's S(t | x) the
 * curve whose ratios give churn_probability and p_churn_*; the censoring weights come from the
 * training rows. The Kaplan–Meier curves (the reference model and each decile's observed churn)
 * count a row at risk over its watched span only, as the model does.
 *
 * Uno's C, the cumulative/dynamic AUC and the IBS are computed only when every row was watched
 * since joining (no delayed entry: `survival.entry: "origin"`, or every window starting at 0).
 * Their IPCW weights, as scikit-survival defines them (it has no left truncation), count each row
 * as followed from 0; with delayed entry that is false, and the censoring Kaplan–Meier over the
 * rows' true risk sets cannot stand in: where each row is watched over one short window, nearly
 * everyone at risk at a time is censored there, and it falls to 0 within months (on Telco it is the
 * product of each month's churn share: 0.012 at 6 months, 2.5e-5 at 12). Such a run carries
 * `ipcw_skipped` with the reason.
 */
import type { FeatureMatrix } from '../data/matrix.js';
import type { SurvivalLabels } from '../labels/survival.js';
import { kaplanMeier, survivalAt } from '../models/kaplan-meier.js';
import {
  calibrationAtHorizon, censoringSurvival, cumulativeDynamicAuc, integratedBrierScore, unoC, type HorizonCalibration,
} from './survival-metrics.js';

const TD_AUC_MONTHS = [3, 6, 12] as const;
const CALIBRATION_MONTHS = 12;

export interface SurvivalEvaluation {
  uno_c: number;
  td_auc_3m: number;
  td_auc_6m: number;
  td_auc_12m: number;
  ibs: number; // integrated Brier score over months 1..12 (or to the last month the test rows reach)
  ibs_kaplan_meier: number; // the same for Kaplan–Meier alone, every customer one curve
  ibs_months: number; // the range integrated over
}

export interface SurvivalCurves { calibration_12m: HorizonCalibration[] }

/** Why the IPCW metrics were not computed, or null when every row was watched since joining. */
export function ipcwSkipReason(labels: { train: SurvivalLabels; test: SurvivalLabels }): string | null {
  let late = 0;
  for (const l of [labels.train, labels.test]) for (const e of l.entry) if (e > 0) late++;
  if (late === 0) return null;
  const rows = labels.train.entry.length + labels.test.entry.length;
  return `uno_c, td_auc_* and ibs not computed: ${late.toLocaleString('en')} of ${rows.toLocaleString('en')} rows were watched only from their window's start (delayed entry), and their censoring weights assume follow-up since joining; survival.entry "origin" computes them for a table that holds every customer who joined`;
}

const round = (x: number): number => Math.round(x * 1e9) / 1e9;

/**
 * `curve(x, t)`: the model's S(t | x) per row at time t (duration units); `probability`: the list's
 * churn probability of each test row.
 */
export function evaluateSurvival(
  curve: (x: FeatureMatrix, times: readonly number[]) => Float64Array[],
  x: FeatureMatrix,
  probability: Float64Array,
  y: { train: Uint8Array; test: Uint8Array },
  labels: { train: SurvivalLabels; test: SurvivalLabels },
): { metrics: SurvivalEvaluation | { ipcw_skipped: string }; curves: SurvivalCurves } {
  const month = labels.test.time.month;
  const time = labels.test.exit;
  const [s3, s6, s12] = curve(x, TD_AUC_MONTHS.map((m) => m * month)); // 12 = CALIBRATION_MONTHS
  const byThen = (sv: Float64Array): Float64Array => sv.map((v) => 1 - v);
  const observed = (rows: number[]): number => survivalAt(kaplanMeier(
    Float64Array.from(rows, (i) => time[i]), Uint8Array.from(rows, (i) => y.test[i]), Float64Array.from(rows, (i) => labels.test.entry[i]),
  ), CALIBRATION_MONTHS * month);
  const curves = { calibration_12m: calibrationAtHorizon(byThen(s12), observed) };
  const skipped = ipcwSkipReason(labels);
  if (skipped !== null) return { metrics: { ipcw_skipped: skipped }, curves };
  const g = censoringSurvival(labels.train.exit, y.train);
  let last = 0;
  for (let i = 0; i < time.length; i++) last = Math.max(last, time[i]);
  // Whole months from 1 to 12, below the longest test follow-up (the weights run out there).
  const months: number[] = [];
  for (let m = 1; m <= 12 && m * month < last; m++) months.push(m);
  const times = months.map((m) => m * month);
  const s = curve(x, times);
  const km = kaplanMeier(labels.train.exit, y.train, labels.train.entry);
  const flat = times.map((t) => new Float64Array(x.rows).fill(survivalAt(km, t)));
  return {
    metrics: {
      uno_c: round(unoC(g, time, y.test, probability)),
      td_auc_3m: round(cumulativeDynamicAuc(g, time, y.test, byThen(s3), 3 * month)),
      td_auc_6m: round(cumulativeDynamicAuc(g, time, y.test, byThen(s6), 6 * month)),
      td_auc_12m: round(cumulativeDynamicAuc(g, time, y.test, byThen(s12), 12 * month)),
      ibs: round(integratedBrierScore(g, time, y.test, s, times)),
      ibs_kaplan_meier: round(integratedBrierScore(g, time, y.test, flat, times)),
      ibs_months: months.length === 0 ? 0 : months[months.length - 1] - months[0],
    },
    curves,
  };
}
