/**
 * Binary classification metrics as pure functions of (label, score). Ties are handled so the
 * result never depends on row order: AUC counts a tied pair as one half, average precision
 * treats tied scores as one threshold, lift and capture share a tied block at the cut pro rata.
 */

import { descendingOrder as descending, thresholdSteps } from './thresholds.js';

function positives(y: Uint8Array): number {
  let s = 0;
  for (let i = 0; i < y.length; i++) s += y[i];
  return s;
}

/**
 * ROC-AUC: probability that a random churner outscores a random stayer, ties counting 1/2. The
 * Mann–Whitney count from the two groups' scores sorted apart (typed-array sorts, no comparator):
 * U = Σ over churners of the stayers below plus half those tied; exact in doubles, as the midrank sum.
 */
export function auc(y: Uint8Array, score: Float64Array): number {
  const n = y.length;
  const pos = positives(y);
  const neg = n - pos;
  if (pos === 0 || neg === 0) return Number.NaN;
  const p = new Float64Array(pos);
  const q = new Float64Array(neg);
  for (let i = 0, a = 0, b = 0; i < n; i++) {
    if (y[i] === 1) p[a++] = score[i];
    else q[b++] = score[i];
  }
  p.sort();
  q.sort();
  let u = 0;
  let below = 0; // stayers strictly below the current churner score
  for (let i = 0; i < pos;) {
    const s = p[i];
    let j = i + 1;
    while (j < pos && p[j] === s) j++;
    while (below < neg && q[below] < s) below++;
    let tied = below;
    while (tied < neg && q[tied] === s) tied++;
    u += (j - i) * (below + (tied - below) / 2);
    i = j;
  }
  return u / (pos * neg);
}

/** Average precision as scikit-learn computes it: Σ (R_k − R_{k−1}) P_k over distinct thresholds. */
export function averagePrecision(y: Uint8Array, score: Float64Array): number {
  const { steps, pos } = thresholdSteps(y, score);
  if (pos === 0) return Number.NaN;
  let ap = 0;
  let prevRecall = 0;
  for (const { tp, n } of steps) {
    const recall = tp / pos;
    ap += (recall - prevRecall) * (tp / n);
    prevRecall = recall;
  }
  return ap;
}

export function brier(y: Uint8Array, p: Float64Array): number {
  let s = 0;
  for (let i = 0; i < y.length; i++) s += (p[i] - y[i]) ** 2;
  return s / y.length;
}

/** Mean negative log likelihood, probabilities clipped to [eps, 1 − eps] as scikit-learn does. */
export function logLoss(y: Uint8Array, p: Float64Array, eps = 1e-15): number {
  let s = 0;
  for (let i = 0; i < y.length; i++) {
    const q = Math.min(Math.max(p[i], eps), 1 - eps);
    s -= y[i] === 1 ? Math.log(q) : Math.log(1 - q);
  }
  return s / y.length;
}

/**
 * Churners expected among the top `k` rows by score. A block of tied scores that straddles the
 * cut contributes its churn rate times the rows of it that fall inside, so row order never matters.
 */
function churnersInTop(y: Uint8Array, score: Float64Array, k: number): number {
  const order = descending(score);
  let taken = 0;
  let found = 0;
  let i = 0;
  while (i < order.length && taken < k) {
    const s = score[order[i]];
    let j = i;
    let blockPos = 0;
    while (j < order.length && score[order[j]] === s) {
      blockPos += y[order[j]];
      j++;
    }
    const block = j - i;
    const take = Math.min(block, k - taken);
    found += (blockPos * take) / block;
    taken += take;
    i = j;
  }
  return found;
}

/** Churn rate in the top `fraction` (round(fraction·n) rows) divided by the overall churn rate. */
export function liftAt(y: Uint8Array, score: Float64Array, fraction: number): number {
  const k = Math.max(1, Math.round(fraction * y.length));
  const rate = positives(y) / y.length;
  if (rate === 0) return Number.NaN;
  return churnersInTop(y, score, k) / k / rate;
}

/** Share of all churners found in the top `fraction` of rows by score. */
export function captureAt(y: Uint8Array, score: Float64Array, fraction: number): number {
  const k = Math.max(1, Math.round(fraction * y.length));
  const pos = positives(y);
  if (pos === 0) return Number.NaN;
  return churnersInTop(y, score, k) / pos;
}

interface BinaryMetrics {
  auc: number;
  pr_auc: number;
  lift_at_10: number;
  capture_at_20: number;
  brier: number;
  log_loss: number;
}

const r = (x: number): number => Math.round(x * 1e9) / 1e9;

/** The metrics `evaluation.json` reports for every model (rounded to 1e-9 for stable files). */
export function binaryMetrics(y: Uint8Array, p: Float64Array): BinaryMetrics {
  return {
    auc: r(auc(y, p)),
    pr_auc: r(averagePrecision(y, p)),
    lift_at_10: r(liftAt(y, p, 0.1)),
    capture_at_20: r(captureAt(y, p, 0.2)),
    brier: r(brier(y, p)),
    log_loss: r(logLoss(y, p)),
  };
}
