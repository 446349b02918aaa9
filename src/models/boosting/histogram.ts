/**
 * Gradient histograms, the hot loop of boosting: for the rows of a node, the sums of gradients
 * and hessians per feature and bin. Bins are row-major (a row's bins on one cache line) and the
 * node's gradients sit in row order beside its row indices (partitioned along with them), so a
 * node is one forward pass however deep it lies. The fit runs the same loop in WebAssembly
 * (histogram.wat, through histogram-pool.ts); buildHistogram is its reference, bit for bit.
 */

/** Bins per feature in a histogram: values in 0..254, missing values in the last. */
export const HIST_BINS = 256;
export const MISSING_BIN = HIST_BINS - 1;
/**
 * Doubles per feature in a histogram: (gradient, hessian) per bin, and one cache line unused, so
 * the same bin of successive features falls in different cache sets (at 4096 bytes apart they
 * would share one, and a row's updates of 50 features would evict each other).
 */
export const FEATURE_STRIDE = 2 * HIST_BINS + 8;

/**
 * Fills `hist` (FEATURE_STRIDE doubles a feature, from `at`) with the sums over positions
 * [start, end) of `order`: each feature's value bins (`valueBins`) and missing bin cleared first,
 * the only bins a row's bin can be and a split reads (the others keep what they hold: zero,
 * never written). Each feature's sums are added in position order.
 */
export function buildHistogram(
  bins: Uint8Array, p: number, order: Int32Array, gh: Float64Array, start: number, end: number, hist: Float64Array, at: number, valueBins: Int32Array,
): void {
  for (let f = 0; f < p; f++) {
    const base = at + f * FEATURE_STRIDE;
    hist.fill(0, base, base + 2 * valueBins[f]);
    hist[base + 2 * MISSING_BIN] = 0;
    hist[base + 2 * MISSING_BIN + 1] = 0;
  }
  for (let k = start; k < end; k++) {
    const row = order[k] * p;
    const g = gh[2 * k];
    const h = gh[2 * k + 1];
    let o = at;
    for (let f = 0; f < p; f++, o += FEATURE_STRIDE) {
      const slot = o + 2 * bins[row + f];
      hist[slot] += g;
      hist[slot + 1] += h;
    }
  }
}

/**
 * parent -= child on the bins a split reads: each feature's value bins (`valueBins`, one entry a
 * feature) and its missing bin; the rest are never read (an indicator uses 3 of 256), so the
 * subtraction skips them. The parent's slot becomes the other child's histogram.
 */
export function subtractHistogram(parent: Float64Array, child: Float64Array, valueBins: Int32Array): void {
  combine(parent, child, -1, valueBins);
}

/** into += part on the bins a split reads: a node's row blocks summed into its histogram, block by block. */
export function addHistogram(into: Float64Array, part: Float64Array, valueBins: Int32Array): void {
  combine(into, part, 1, valueBins);
}

function combine(into: Float64Array, part: Float64Array, sign: 1 | -1, valueBins: Int32Array): void {
  for (let f = 0; f < valueBins.length; f++) {
    const at = f * FEATURE_STRIDE;
    const end = at + 2 * valueBins[f];
    // sign × part is exact, so += −x is -= x bit for bit.
    for (let i = at; i < end; i++) into[i] += sign * part[i];
    const missing = at + 2 * MISSING_BIN;
    into[missing] += sign * part[missing];
    into[missing + 1] += sign * part[missing + 1];
  }
}
