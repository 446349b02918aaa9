/**
 * One batch of customers scored on typed arrays: probabilities, survival horizons, value,
 * early-warning signals and each row's top reasons. Tier, value at risk, the ranking key and
 * probability rises follow from these in SQL (see list/list-query).
 */
import type { CustomerTable } from '../../ingest/table.js';
import { rowRange, type FeatureMatrix } from '../../data/matrix.js';
import type { ChurnModel } from '../../models/model.js';
import type { LoadedModel } from '../../models/load-model.js';
import { FOLLOW_UP_MONTHS } from '../../models/follow-up.js';
import { earlyWarnings, type Warnings } from './early-warning.js';
import { topContributions, type TopParts } from './reasons.js';
import { modelMatrix } from './model-matrix.js';
import { scoreMatrix, type Scores } from './survival.js';
import { customerValue } from './value.js';

export const REASONS_PER_CUSTOMER = 3;

interface TypedScores {
  x: FeatureMatrix;
  p: Float64Array;
  within?: Scores['within'];
  value: Float64Array | null;
  warnings: Warnings;
  reasons: TopParts;
  beyondFollowUp: number; // survival models: rows whose 12-month window passes the longest tenure watched
}

/** `coded`: text columns as level codes (see encode). */
export function scoreTyped(loaded: LoadedModel, table: CustomerTable, coded?: ReadonlyMap<string, Int32Array>): TypedScores {
  const { saved, model } = loaded;
  const x = modelMatrix(loaded, table, coded);
  const explained = explainTop(model, x);
  // The forest's walk for the reasons yields its probabilities too (the same sums, bit for bit).
  const scores = explained.probability !== null ? { churn_probability: explained.probability } : scoreMatrix(loaded, x);
  const p = scores.churn_probability;
  const value = customerValue(saved, table);
  const warnings = earlyWarnings(x, saved.scoring.retention.early_warning);
  const beyondFollowUp = model.beyondFollowUp?.(x, FOLLOW_UP_MONTHS) ?? 0;
  return { x, p, within: scores.within, value, warnings, reasons: explained.top, beyondFollowUp };
}

/** Rows explained at a time: a block's parts (rows × features) stay in the core's cache until its top reasons are taken. */
const EXPLAIN_BLOCK = 1024;

/** Each row's top reasons (and the probabilities, when explaining computes them), block by block. */
function explainTop(model: ChurnModel, x: FeatureMatrix): { top: TopParts; probability: Float64Array | null } {
  const k = REASONS_PER_CUSTOMER;
  if (model.explainBatch === undefined) return { top: topContributions(new Float64Array(x.rows * x.features.length), x.rows, x.features, k), probability: null };
  const feature = new Int32Array(x.rows * k);
  const contribution = new Float64Array(x.rows * k);
  const sentences: (string | null)[] | undefined = model.reasonParts === undefined ? undefined : [];
  let probability: Float64Array | null = null;
  for (let from = 0; from < x.rows; from += EXPLAIN_BLOCK) {
    const to = Math.min(x.rows, from + EXPLAIN_BLOCK);
    const block = rowRange(x, from, to);
    const e = model.explainBatch(block);
    // A model whose features are parts of one thing (months of a channel) ranks and says the whole.
    const grouped = model.reasonParts?.(block, e);
    const top = grouped === undefined ? topContributions(e.contributions, to - from, x.features, k) : topContributions(grouped.parts, to - from, grouped.names, k);
    if (grouped !== undefined && sentences !== undefined) {
      for (let i = 0; i < to - from; i++) for (let r = 0; r < k; r++) sentences.push(top.feature[i * k + r] < 0 ? null : grouped.sentence(i, top.feature[i * k + r]));
    }
    feature.set(top.feature, from * k);
    contribution.set(top.contribution, from * k);
    if (e.probability !== undefined) {
      probability ??= new Float64Array(x.rows);
      probability.set(e.probability, from);
    }
  }
  return { top: { k, feature, contribution, sentences }, probability };
}
