/**
 * Walking scores from the highest down, one step per distinct score (tied scores form one
 * threshold): the shared core of average precision and the ROC, PR, gains and lift curves.
 */
export interface ThresholdStep {
  tp: number; // churners at or above this threshold
  fp: number; // stayers at or above it
  n: number; // rows at or above it
}

/** Row indices by descending score (ties in row order). */
export function descendingOrder(score: Float64Array): Int32Array {
  const order = Int32Array.from({ length: score.length }, (_, i) => i);
  order.sort((a, b) => score[b] - score[a] || a - b);
  return order;
}

export function thresholdSteps(y: Uint8Array, score: Float64Array): { steps: ThresholdStep[]; pos: number; neg: number } {
  const order = descendingOrder(score);
  let pos = 0;
  for (let i = 0; i < y.length; i++) pos += y[i];
  const steps: ThresholdStep[] = [];
  let tp = 0;
  let fp = 0;
  let i = 0;
  while (i < order.length) {
    const s = score[order[i]];
    while (i < order.length && score[order[i]] === s) {
      if (y[order[i]] === 1) tp++;
      else fp++;
      i++;
    }
    steps.push({ tp, fp, n: i });
  }
  return { steps, pos, neg: y.length - pos };
}
