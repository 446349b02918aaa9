/**
 * Past the longest tenure watched in training a Cox baseline says nothing: a customer whose
 * 12-month window reaches past it has that window moved back to end there (cox.ts). Train and
 * score both say how many customers that touched, in the same words.
 */
import type { CoxModel } from './cox.js';

/** The longest horizon listed (p_churn_12m), in months. */
export const FOLLOW_UP_MONTHS = 12;

/** The warning for `beyond` of `rows` customers (`whose`: "training", "scored"), or null when none. */
export function followUpWarning(model: CoxModel, beyond: number, rows: number, whose: string): string | null {
  if (beyond === 0) return null;
  const { month } = model.state.time;
  const last = Math.max(...model.state.baselines.map((b) => b.last_time)) / month;
  return `cox: the longest tenure watched in training is ${Number(last.toFixed(1))} months; for ${beyond.toLocaleString('en')} of ${rows.toLocaleString('en')} ${whose} customers a ${FOLLOW_UP_MONTHS}-month window from their tenure reaches past it, so their p_churn_12m (and any window past it) is read over the last watched months instead: the window is moved back to end there, never extrapolated flat`;
}
