/**
 * The best split of a node from its histogram: second-order gain with an L2 penalty on leaf
 * values, each candidate tried with missing values on either side (the better becomes the learnt
 * default direction), children kept above the minimum hessian, leaf values within the node's
 * monotone bounds and ordered as the feature's constraint asks.
 */
import { FEATURE_STRIDE, MISSING_BIN } from './histogram.js';

export interface SplitSettings {
  l2: number;
  minChildHessian: number;
  minSplitGain: number;
  /** Per feature: value bins (cuts + 1). */
  valueBins: Int32Array;
  /** Per feature: -1, 0 or 1. */
  monotone: Int8Array;
}

export interface NodeStats {
  g: number;
  h: number;
  /** Bounds on the node's (unshrunk) leaf value, from monotone splits above it. */
  lo: number;
  hi: number;
}

export interface Split {
  gain: number;
  feature: number;
  bin: number; // left: bin <= this
  defaultLeft: boolean;
  gl: number;
  hl: number;
  gr: number;
  hr: number;
}

/** The leaf value minimising the penalised second-order loss, within [lo, hi]. */
export function leafWeight(g: number, h: number, l2: number, lo: number, hi: number): number {
  const w = -g / (h + l2);
  return w < lo ? lo : w > hi ? hi : w;
}

/** Loss reduction of a leaf with value w over none: -(2gw + (h + λ)w²), which is g²/(h + λ) at the optimum. */
function gainOf(g: number, h: number, w: number, l2: number): number {
  return -(2 * g * w + (h + l2) * w * w);
}

/** Doubles a node's candidate split takes per feature: gain (NaN: none), bin, default left (1 or 0), left gradient and hessian. */
export const CANDIDATE_WORDS = 5;

/**
 * Each allowed feature's best split, into `out` at f × CANDIDATE_WORDS (NaN gain: none). A
 * feature's splits are tried in bin order, missing right then left, and the first of the highest
 * gain above the minimum is kept, so pickSplit over every feature's candidate gives the split one
 * scan over all features would.
 */
export function featureSplits(hist: Float64Array, node: NodeStats, allowed: Uint8Array, s: SplitSettings, out: Float64Array): void {
  const { l2, minChildHessian } = s;
  const parentGain = gainOf(node.g, node.h, leafWeight(node.g, node.h, l2, node.lo, node.hi), l2);
  for (let f = 0; f < allowed.length; f++) {
    const o = CANDIDATE_WORDS * f;
    out[o] = Number.NaN;
    const nb = s.valueBins[f];
    if (allowed[f] === 0 || nb < 2) continue;
    let bestGain = s.minSplitGain;
    const h0 = f * FEATURE_STRIDE;
    const gm = hist[h0 + 2 * MISSING_BIN];
    const hm = hist[h0 + 2 * MISSING_BIN + 1];
    const hasMissing = hm > 0;
    const mono = s.monotone[f];
    let gl = 0;
    let hl = 0;
    for (let b = 0; b < nb - 1; b++) {
      gl += hist[h0 + 2 * b];
      hl += hist[h0 + 2 * b + 1];
      // Missing right, then (when the node has any) missing left.
      for (let side = 0; side < (hasMissing ? 2 : 1); side++) {
        const lg = side === 0 ? gl : gl + gm;
        const lh = side === 0 ? hl : hl + hm;
        const rg = node.g - lg;
        const rh = node.h - lh;
        if (lh < minChildHessian || rh < minChildHessian) continue;
        const wl = leafWeight(lg, lh, l2, node.lo, node.hi);
        const wr = leafWeight(rg, rh, l2, node.lo, node.hi);
        if ((mono > 0 && wl > wr) || (mono < 0 && wl < wr)) continue;
        const gain = gainOf(lg, lh, wl, l2) + gainOf(rg, rh, wr, l2) - parentGain;
        if (gain > bestGain) {
          bestGain = gain;
          out[o] = gain;
          out[o + 1] = b;
          // Never seen missing: it follows the larger child, where most rows went.
          out[o + 2] = side === 1 || (!hasMissing && lh >= rh) ? 1 : 0;
          out[o + 3] = lg;
          out[o + 4] = lh;
        }
      }
    }
  }
}

/** The split among the allowed features' candidates (featureSplits' `out`): the first of the highest gain, in feature order. */
export function pickSplit(candidates: Float64Array, node: NodeStats, allowed: Uint8Array): Split | null {
  let best: Split | null = null;
  for (let f = 0; f < allowed.length; f++) {
    const o = CANDIDATE_WORDS * f;
    const gain = candidates[o];
    if (allowed[f] === 0 || !(gain > (best?.gain ?? -Infinity))) continue;
    const gl = candidates[o + 3];
    const hl = candidates[o + 4];
    best = { gain, feature: f, bin: candidates[o + 1], defaultLeft: candidates[o + 2] === 1, gl, hl, gr: node.g - gl, hr: node.h - hl };
  }
  return best;
}

/** The best split of a node from its histogram over the allowed features (featureSplits, then pickSplit). */
export function bestSplit(hist: Float64Array, node: NodeStats, allowed: Uint8Array, s: SplitSettings): Split | null {
  const candidates = new Float64Array(CANDIDATE_WORDS * allowed.length);
  featureSplits(hist, node, allowed, s, candidates);
  return pickSplit(candidates, node, allowed);
}

/** Children's bounds: a monotone split puts the midpoint of its two values between them. */
export function childBounds(split: Split, node: NodeStats, s: SplitSettings): { left: [number, number]; right: [number, number] } {
  const mono = s.monotone[split.feature];
  if (mono === 0) return { left: [node.lo, node.hi], right: [node.lo, node.hi] };
  const wl = leafWeight(split.gl, split.hl, s.l2, node.lo, node.hi);
  const wr = leafWeight(split.gr, split.hr, s.l2, node.lo, node.hi);
  const mid = (wl + wr) / 2;
  return mono > 0
    ? { left: [node.lo, Math.min(node.hi, mid)], right: [Math.max(node.lo, mid), node.hi] }
    : { left: [Math.max(node.lo, mid), node.hi], right: [node.lo, Math.min(node.hi, mid)] };
}
