/**
 * Boosting's maths on inputs small enough to work by hand or to fit in XGBoost on the same rows:
 * the split gain on a hand-made histogram, the histograms themselves, and whole fits of a few
 * rounds against XGBoost 1.7 (`tree_method` exact or, leaf-wise, hist; same base score, λ, η,
 * minimum child weight). Fast: every fit here is 30 rows and one thread.
 */
import { describe, expect, it } from 'vitest';
import { makeMatrix } from '../../src/data/matrix.js';
import { binTraining } from '../../src/models/boosting/bin-rows.js';
import { fitBoosting } from '../../src/models/boosting/boosting.js';
import { buildHistogram, FEATURE_STRIDE, MISSING_BIN, subtractHistogram } from '../../src/models/boosting/histogram.js';
import { HistogramPool } from '../../src/models/boosting/histogram-pool.js';
import { blockOf, histogramBlockRows } from '../../src/models/boosting/pool-jobs.js';
import { partitionRows, splitToLeaves } from '../../src/models/boosting/partition.js';
import { DEFAULT_BOOSTING_PARAMS, type BoostingParams } from '../../src/models/boosting/params.js';
import { bestSplit, CANDIDATE_WORDS, childBounds, featureSplits, leafWeight, pickSplit, type SplitSettings } from '../../src/models/boosting/split.js';
import { Rng } from '../../src/rng.js';

/** One feature's histogram: (g, h) for value bins 0.., and for the missing bin. */
function histogram(bins: [number, number][], missing: [number, number], features = 1): Float64Array {
  const hist = new Float64Array(features * FEATURE_STRIDE);
  for (let f = 0; f < features; f++) {
    bins.forEach(([g, h], b) => { hist[f * FEATURE_STRIDE + 2 * b] = g; hist[f * FEATURE_STRIDE + 2 * b + 1] = h; });
    hist[f * FEATURE_STRIDE + 2 * MISSING_BIN] = missing[0];
    hist[f * FEATURE_STRIDE + 2 * MISSING_BIN + 1] = missing[1];
  }
  return hist;
}

const settings = (s: Partial<SplitSettings> = {}): SplitSettings => ({
  l2: 1, minChildHessian: 0, minSplitGain: 0, valueBins: Int32Array.of(3), monotone: Int8Array.of(0), ...s,
});

describe('a boosting split on a hand-made histogram', () => {
  // Bins 0, 1, 2: (g, h) = (−2, 1), (1, 1), (3, 1); missing (−1, 1). Node G = 1, H = 4, λ = 1.
  // Gain of a side = G²/(H + λ); the parent's 1/5. Candidates (left | right):
  //   bin 0, missing right: (−2, 1) | (3, 3): 4/2 + 9/4 − 1/5 = 4.05
  //   bin 0, missing left:  (−3, 2) | (4, 2): 9/3 + 16/3 − 1/5 = 8.1333…  (the best)
  //   bin 1, missing right: (−1, 2) | (2, 2): 1/3 + 4/3 − 1/5 = 1.4666…
  //   bin 1, missing left:  (−2, 3) | (3, 1): 4/4 + 9/2 − 1/5 = 5.3
  const hist = histogram([[-2, 1], [1, 1], [3, 1]], [-1, 1]);
  const node = { g: 1, h: 4, lo: -Infinity, hi: Infinity };

  it('takes the largest second-order gain, with missing values on the better side', () => {
    expect(leafWeight(1, 4, 1, -Infinity, Infinity)).toBeCloseTo(-0.2, 15);
    const best = bestSplit(hist, node, Uint8Array.of(1), settings());
    expect(best).not.toBeNull();
    expect(best?.gain).toBeCloseTo(9 / 3 + 16 / 3 - 1 / 5, 12);
    expect(best).toMatchObject({ feature: 0, bin: 0, defaultLeft: true, gl: -3, hl: 2, gr: 4, hr: 2 });
  });

  it('keeps children at the minimum hessian and refuses them below it; a gain must exceed the minimum', () => {
    expect(bestSplit(hist, node, Uint8Array.of(1), settings({ minChildHessian: 2 }))).toMatchObject({ bin: 0, defaultLeft: true });
    // Just above 2, no candidate keeps a hessian of 2 or more on both sides.
    expect(bestSplit(hist, node, Uint8Array.of(1), settings({ minChildHessian: 2.0001 }))).toBeNull();
    const gain = 9 / 3 + 16 / 3 - 1 / 5;
    expect(bestSplit(hist, node, Uint8Array.of(1), settings({ minSplitGain: gain + 1e-9 }))).toBeNull();
    expect(bestSplit(hist, node, Uint8Array.of(1), settings({ minSplitGain: 5.3 }))?.gain).toBeCloseTo(gain, 12);
    // No missing rows: one side only.
    const noMissing = histogram([[-2, 1], [1, 1], [3, 1]], [0, 0]);
    // G = 2, H = 3: parent 4/4 = 1. Bin 0: (−2, 1) | (4, 2): 4/2 + 16/3 − 1 = 6.333…; bin 1: (−1, 2) | (3, 1): 1/3 + 9/2 − 1 = 3.833…
    const s = bestSplit(noMissing, { g: 2, h: 3, lo: -Infinity, hi: Infinity }, Uint8Array.of(1), settings());
    expect(s?.gain).toBeCloseTo(4 / 2 + 16 / 3 - 1, 12);
    // Never seen missing: the default is the larger child (left hessian 1 < right 2: right).
    expect(s).toMatchObject({ bin: 0, defaultLeft: false, hl: 1, hr: 2 });
    const tied = bestSplit(histogram([[-2, 1], [3, 1]], [0, 0]), { g: 1, h: 2, lo: -Infinity, hi: Infinity }, Uint8Array.of(1), settings({ valueBins: Int32Array.of(2) }));
    expect(tied).toMatchObject({ bin: 0, defaultLeft: true, hl: 1, hr: 1 }); // equal hessians: left
  });

  it('skips features not allowed or with one bin, and reports the feature it split', () => {
    const two = new Float64Array(2 * FEATURE_STRIDE);
    two.set(histogram([[-2, 1], [1, 1], [3, 1]], [-1, 1]), FEATURE_STRIDE); // feature 1 holds the histogram; feature 0 is flat
    two[0] = 0.5; two[1] = 2; two[2] = 0.5; two[3] = 2;
    const s = settings({ valueBins: Int32Array.of(2, 3), monotone: Int8Array.of(0, 0) });
    expect(bestSplit(two, node, Uint8Array.of(1, 1), s)).toMatchObject({ feature: 1, bin: 0 });
    expect(bestSplit(two, node, Uint8Array.of(1, 0), s)).toBeNull(); // feature 0's halves have equal weights: gain 0
    expect(bestSplit(hist, node, Uint8Array.of(0), settings())).toBeNull();
    expect(bestSplit(hist, node, Uint8Array.of(1), settings({ valueBins: Int32Array.of(1) }))).toBeNull();
  });

  it('keeps a monotone feature\'s left value below its right one (or above, for -1), and bounds the children at the midpoint', () => {
    // Leaf values −G/(H + λ): every candidate above puts the larger value on the left, so +1 finds none…
    expect(bestSplit(hist, node, Uint8Array.of(1), settings({ monotone: Int8Array.of(1) }))).toBeNull();
    const down = bestSplit(hist, node, Uint8Array.of(1), settings({ monotone: Int8Array.of(-1) }));
    expect(down).toMatchObject({ bin: 0, defaultLeft: true });
    // …and −1 keeps the best: left 3/3 = 1, right −4/3; the midpoint −1/6 bounds both children.
    const bounds = childBounds(down!, node, settings({ monotone: Int8Array.of(-1) }));
    expect(bounds.left[0]).toBeCloseTo(-1 / 6, 15);
    expect(bounds.left[1]).toBe(Infinity);
    expect(bounds.right[0]).toBe(-Infinity);
    expect(bounds.right[1]).toBeCloseTo(-1 / 6, 15);
    // Rising, and the node's bounds [−0.5, 0.25] clamp every leaf value.
    const up = histogram([[3, 1], [1, 1], [-2, 1]], [0, 0]);
    const upNode = { g: 2, h: 3, lo: -0.5, hi: 0.25 };
    const upSettings = settings({ monotone: Int8Array.of(1) });
    const split = bestSplit(up, upNode, Uint8Array.of(1), upSettings);
    // Bin 0: (3, 1) | (−1, 2): left −3/2 → −0.5 (clamped), right 1/3 → 0.25 (clamped).
    // Gain with clamped values: −(2gw + (h+λ)w²): left −(2·3·−0.5 + 2·0.25) = 2.5, right −(2·−1·0.25 + 3·0.0625) = 0.3125;
    // parent w = −2/4 = −0.5: −(2·2·−0.5 + 4·0.25) = 1. Gain 2.5 + 0.3125 − 1 = 1.8125.
    // Bin 1: (4, 2) | (−2, 1): left −4/3 → −0.5, right 1 → 0.25: −(−4 + 0.75) = 3.25, −(−1 + 0.125) = 0.875: gain 3.125.
    expect(split).toMatchObject({ bin: 1, defaultLeft: true });
    expect(split?.gain).toBeCloseTo(3.125, 12);
    expect(leafWeight(4, 2, 1, -0.5, 0.25)).toBe(-0.5);
    expect(leafWeight(-2, 1, 1, -0.5, 0.25)).toBe(0.25);
    const b = childBounds(split!, upNode, upSettings);
    // Midpoint of −0.5 and 0.25: −0.125. Left [lo, mid], right [mid, hi].
    expect(b).toEqual({ left: [-0.5, -0.125], right: [-0.125, 0.25] });
    expect(childBounds(split!, upNode, settings())).toEqual({ left: [-0.5, 0.25], right: [-0.5, 0.25] });
    // Falling (−1) forbids every candidate here: each puts the smaller value on the left.
    expect(bestSplit(up, upNode, Uint8Array.of(1), settings({ monotone: Int8Array.of(-1) }))).toBeNull();
  });
});

/** An array's bytes, to compare sums bit for bit. */
function bytesOf(a: Float64Array): Buffer {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength);
}

/** `rows` × `p` row-major bins: a `missing` share in the missing bin, the rest in 0..values-1. */
function randomBins(rng: Rng, rows: number, p: number, missing: number, values: number): Uint8Array {
  return Uint8Array.from({ length: rows * p }, () => (rng.next() < missing ? MISSING_BIN : rng.int(values)));
}

/** A one-thread pool over row-major `bins`, its by-feature bins filled as binTraining fills them. */
async function poolOver(bins: Uint8Array, p: number, rows: number, threads = 1): Promise<HistogramPool> {
  const pool = HistogramPool.open(p, rows, threads);
  pool.bins.rowMajor.set(bins);
  pool.bins.byFeature.forEach((column, j) => column.set(Uint8Array.from({ length: rows }, (_, i) => bins[i * p + j])));
  return pool;
}

describe('gradient histograms', () => {
  it('sum each node\'s gradients and hessians per feature and bin, missing in the last bin; the sibling by subtraction', () => {
    // 4 rows × 2 features, row-major bins.
    const bins = Uint8Array.of(0, 1, 2, MISSING_BIN, 0, 1, 1, 1);
    const order = Int32Array.of(3, 0, 2, 1); // positions → rows
    const gh = Float64Array.of(0.5, 1, -1, 2, 0.25, 3, 4, 5);
    const hist = new Float64Array(3 * FEATURE_STRIDE).fill(9);
    const valueBins = Int32Array.of(3, 2); // feature 0 has bins 0..2, feature 1 bins 0..1
    buildHistogram(bins, 2, order, gh, 1, 4, hist, FEATURE_STRIDE, valueBins); // positions 1..3: rows 0, 2, 1
    const at = (f: number, b: number) => [hist[FEATURE_STRIDE + f * FEATURE_STRIDE + 2 * b], hist[FEATURE_STRIDE + f * FEATURE_STRIDE + 2 * b + 1]];
    expect(at(0, 0)).toEqual([-1 + 0.25, 2 + 3]); // rows 0 and 2
    expect(at(0, 2)).toEqual([4, 5]); // row 1
    expect(at(1, 1)).toEqual([-1 + 0.25, 2 + 3]); // rows 0 and 2
    expect(at(1, MISSING_BIN)).toEqual([4, 5]); // row 1
    expect(at(1, 0)).toEqual([0, 0]); // a value bin no row fell in: cleared
    expect(at(0, MISSING_BIN)).toEqual([0, 0]);
    // Past a feature's value bins no row can fall and no split reads: left as they were.
    expect(at(0, 3)).toEqual([9, 9]);
    expect(at(1, 2)).toEqual([9, 9]);
    expect(hist[0]).toBe(9); // before the histogram: untouched
    expect(hist[FEATURE_STRIDE - 1]).toBe(9);
    const all = new Float64Array(2 * FEATURE_STRIDE);
    buildHistogram(bins, 2, order, gh, 0, 4, all, 0, valueBins);
    const part = new Float64Array(2 * FEATURE_STRIDE);
    buildHistogram(bins, 2, order, gh, 0, 1, part, 0, valueBins); // position 0: row 3
    subtractHistogram(all, part, Int32Array.of(1, 2)); // feature 0 has one value bin, feature 1 two
    expect(all[FEATURE_STRIDE + 2]).toBe(-0.75); // feature 1, bin 1: rows 3, 0 and 2 minus row 3
    expect(all[FEATURE_STRIDE + 3]).toBe(5);
    expect(all[2]).toBe(0.5); // feature 0, bin 1: never read by a split, not subtracted (row 3)
    expect(all[0]).toBe(-0.75); // feature 0, bin 0: rows 0 and 2
  });

  it('partition a node\'s rows stably by its split in the pool\'s WebAssembly kernel, as the JavaScript reference does', async () => {
    const rng = new Rng(11);
    const rows = 400;
    const p = 3;
    const bins = randomBins(rng, rows, p, 0.2, 6);
    const pool = await poolOver(bins, p, rows);
    try {
      pool.order.set(Int32Array.from({ length: rows }, (_, i) => (i * 13) % rows));
      pool.gh.set(Float64Array.from({ length: 2 * rows }, () => rng.normal()));
      for (const [feature, cut, missingLeft, start, end] of [[1, 2, true, 0, rows], [2, 0, false, 31, 250], [0, 5, false, 7, 7]] as const) {
        const order = pool.order.slice();
        const gh = pool.gh.slice();
        const column = Uint8Array.from({ length: rows }, (_, i) => bins[i * p + feature]);
        // By hand: the node's left rows in their order, then its right rows in theirs.
        const goesLeft = (row: number): boolean => (column[row] === MISSING_BIN ? missingLeft : column[row] <= cut);
        const node = Array.from(order.subarray(start, end));
        const byHand = [...node.filter(goesLeft), ...node.filter((row) => !goesLeft(row))];
        const mid = partitionRows(column, order, gh, new Int32Array(rows), new Float64Array(2 * rows), start, end, cut, missingLeft);
        expect(Array.from(order.subarray(start, end))).toEqual(byHand);
        expect(mid - start).toBe(node.filter(goesLeft).length);
        expect(await pool.partition([{ start, end, feature, cut, missingLeft, toLeaves: null }])).toEqual([mid]);
        expect(pool.order).toEqual(order);
        expect(bytesOf(pool.gh).equals(bytesOf(gh))).toBe(true);
      }
    } finally {
      pool.close();
    }
    // A level's nodes in one job on two threads: each node by one thread, its scratch at its own positions.
    const two = await poolOver(bins, p, rows, 2);
    try {
      two.order.set(Int32Array.from({ length: rows }, (_, i) => (i * 13) % rows));
      two.gh.set(Float64Array.from({ length: 2 * rows }, () => rng.normal()));
      const order = two.order.slice();
      const gh = two.gh.slice();
      const nodes = [{ start: 0, end: 150, feature: 1, cut: 2, missingLeft: true, toLeaves: null }, { start: 150, end: 400, feature: 0, cut: 3, missingLeft: false, toLeaves: null }];
      const mids = nodes.map((n) => partitionRows(Uint8Array.from({ length: rows }, (_, i) => bins[i * p + n.feature]), order, gh, new Int32Array(rows), new Float64Array(2 * rows), n.start, n.end, n.cut, n.missingLeft));
      expect(await two.partition(nodes)).toEqual(mids);
      expect(two.order).toEqual(order);
      expect(bytesOf(two.gh).equals(bytesOf(gh))).toBe(true);
    } finally {
      two.close();
    }
  });

  it('split a node to its leaves without a partition: each row\'s leaf value into its margin, the left rows counted, in the kernel as in the reference', async () => {
    const rng = new Rng(13);
    const rows = 400;
    const p = 3;
    const bins = randomBins(rng, rows, p, 0.2, 6);
    for (const threads of [1, 2]) {
      const pool = await poolOver(bins, p, rows, threads);
      try {
        pool.order.set(Int32Array.from({ length: rows }, (_, i) => (i * 13) % rows));
        const margins = Float64Array.from({ length: rows }, () => rng.normal());
        pool.margin.set(margins);
        const order = pool.order.slice();
        const gh = pool.gh.slice();
        // Two nodes to leaves (one sends missing left) beside one partitioned, in one job.
        const nodes = [
          { start: 0, end: 150, feature: 1, cut: 2, missingLeft: true, toLeaves: [0.25, -0.5] as [number, number] },
          { start: 150, end: 300, feature: 0, cut: 3, missingLeft: false, toLeaves: null },
          { start: 300, end: 400, feature: 2, cut: 0, missingLeft: false, toLeaves: [-1e-3, 3] as [number, number] },
        ];
        const column = (f: number): Uint8Array => Uint8Array.from({ length: rows }, (_, i) => bins[i * p + f]);
        const byHand = Float64Array.from(margins);
        const mids = nodes.map((n) => {
          if (n.toLeaves === null) return partitionRows(column(n.feature), order, gh, new Int32Array(rows), new Float64Array(2 * rows), n.start, n.end, n.cut, n.missingLeft);
          let lefts = 0;
          for (let k = n.start; k < n.end; k++) {
            const b = column(n.feature)[order[k]];
            const left = b === MISSING_BIN ? n.missingLeft : b <= n.cut;
            byHand[order[k]] += left ? n.toLeaves[0] : n.toLeaves[1];
            lefts += left ? 1 : 0;
          }
          return n.start + lefts;
        });
        const reference = Float64Array.from(margins);
        for (const n of nodes) if (n.toLeaves !== null) expect(n.start + splitToLeaves(column(n.feature), order, reference, n.start, n.end, n.cut, n.missingLeft, ...n.toLeaves)).toBe(mids[nodes.indexOf(n)]);
        expect(bytesOf(reference).equals(bytesOf(byHand))).toBe(true);
        expect(await pool.partition(nodes)).toEqual(mids);
        expect(bytesOf(pool.margin).equals(bytesOf(byHand))).toBe(true);
        expect(pool.order).toEqual(order); // the nodes split to leaves kept their order; the other was partitioned
        expect(mids[0]).toBeGreaterThan(0);
        expect(mids[0]).toBeLessThan(150);
      } finally {
        pool.close();
      }
    }
  });

  it('are the JavaScript reference\'s bytes when the pool\'s WebAssembly kernel builds them', async () => {
    // Gradients of every magnitude, so any other order of additions would change the sums' bits.
    const rng = new Rng(7);
    for (const [p, threads] of [[3, 1], [13, 1], [13, 2]]) {
      const rows = 500;
      const bins = randomBins(rng, rows, p, 0.1, p === 3 ? 2 : 255);
      const pool = await poolOver(bins, p, rows, threads);
      try {
        const valueBins = new Int32Array(p).fill(p === 3 ? 2 : 255);
        pool.configure(settings({ valueBins, monotone: new Int8Array(p) }));
        pool.order.set(Int32Array.from({ length: rows }, (_, i) => (i * 7) % rows));
        pool.gh.set(Float64Array.from({ length: 2 * rows }, () => (rng.next() - 0.3) * 10 ** (16 * rng.next() - 8)));
        const slots = [pool.acquire(), pool.acquire()];
        pool.slot(slots[0]).fill(9); // stale sums from an earlier node: the kernel clears the bins a row can fall in
        await pool.build([slots[0], slots[1]].map((slot, k) => ({ slot, start: k === 0 ? 0 : 17, end: k === 0 ? rows : 311, sibling: -1, search: null, siblingSearch: null })));
        for (const [slot, start, end] of [[slots[0], 0, rows], [slots[1], 17, 311]]) {
          const expected = new Float64Array(p * FEATURE_STRIDE).fill(slot === slots[0] ? 9 : 0);
          buildHistogram(bins, p, pool.order, pool.gh, start, end, expected, 0, valueBins);
          expect(bytesOf(pool.slot(slot)).equals(bytesOf(expected))).toBe(true);
        }
      } finally {
        pool.close();
      }
    }
  });

  it('search each node of a job and its sibling with their own statistics and bounds', async () => {
    const rng = new Rng(21);
    const rows = 300;
    const p = 3;
    const bins = randomBins(rng, rows, p, 0.1, 6);
    const s = settings({ valueBins: new Int32Array(p).fill(6), monotone: Int8Array.of(1, 0, -1) });
    const all = new Uint8Array(p).fill(1);
    const pool = await poolOver(bins, p, rows, 2);
    try {
      pool.configure(s);
      pool.useFeatures(all);
      pool.order.set(Int32Array.from({ length: rows }, (_, i) => (i * 7) % rows));
      pool.gh.set(Float64Array.from({ length: 2 * rows }, (_, k) => (k % 2 === 1 ? 0.1 + rng.next() : rng.normal())));
      // Three nodes in one job, each with a sibling (its parent's sums: three times its own) and
      // statistics of its own: bounds that bind differently, so a node searched with another's
      // statistics would find other gains.
      const ranges = [[0, 90], [90, 200], [200, 300]];
      const stats = [
        [{ g: 1, h: 20, lo: -0.05, hi: 0.02 }, { g: -2, h: 45, lo: -Infinity, hi: 0.01 }],
        [{ g: -3, h: 30, lo: -0.2, hi: Infinity }, { g: 4, h: 60, lo: -0.03, hi: 0.03 }],
        [{ g: 0.5, h: 25, lo: -Infinity, hi: Infinity }, { g: -1, h: 50, lo: -0.01, hi: 0.5 }],
      ];
      const slots = ranges.map(() => [pool.acquire(), pool.acquire()]);
      const own = ranges.map(([start, end]) => {
        const hist = new Float64Array(p * FEATURE_STRIDE);
        buildHistogram(bins, p, pool.order, pool.gh, start, end, hist, 0, s.valueBins);
        return hist;
      });
      slots.forEach(([, sibling], i) => pool.slot(sibling).set(own[i].map((v) => 3 * v)));
      await pool.build(ranges.map(([start, end], i) => ({ slot: slots[i][0], start, end, sibling: slots[i][1], search: stats[i][0], siblingSearch: stats[i][1] })));
      ranges.forEach((_, i) => {
        const expected = new Float64Array(CANDIDATE_WORDS * p);
        featureSplits(own[i], stats[i][0], all, s, expected);
        expect(Array.from(pool.candidates(slots[i][0]))).toEqual(Array.from(expected));
        const sibling = own[i].map((v) => 3 * v - v); // as the pool derives it
        featureSplits(sibling, stats[i][1], all, s, expected);
        expect(Array.from(pool.candidates(slots[i][1]))).toEqual(Array.from(expected));
      });
    } finally {
      pool.close();
    }
  });

  it('sum a node of more than 8,192 rows in row blocks added in block order, the same bytes on any number of threads; its sibling and searches follow', async () => {
    const rng = new Rng(9);
    const rows = 20_000; // 3 row blocks (histogramBlockRows: 8,192 rows at most) of 6,666, 6,667 and 6,667
    const p = 4;
    expect(histogramBlockRows(rows)).toBe(8192);
    const bins = randomBins(rng, rows, p, 0.1, 255);
    const order = Int32Array.from({ length: rows }, (_, i) => (i * 7919) % rows);
    const gh = Float64Array.from({ length: 2 * rows }, (_, k) => (k % 2 === 1 ? 1 + rng.next() : (rng.next() - 0.3) * 10 ** (16 * rng.next() - 8)));
    const s = settings({ valueBins: new Int32Array(p).fill(255), monotone: new Int8Array(p) });
    // By hand: each block summed in position order (the reference), the blocks added in order.
    const blocks = [[0, 6666], [6666, 13333], [13333, 20000]].map(([from, to]) => {
      const part = new Float64Array(p * FEATURE_STRIDE);
      buildHistogram(bins, p, order, gh, from, to, part, 0, s.valueBins);
      return part;
    });
    const whole = blocks[0].map((v, k) => v + blocks[1][k] + blocks[2][k]);
    const sequential = new Float64Array(p * FEATURE_STRIDE);
    buildHistogram(bins, p, order, gh, 0, rows, sequential, 0, s.valueBins);
    expect(whole).not.toEqual(sequential); // so the test tells block sums from one pass
    let g = 0;
    let h = 0;
    for (let k = 0; k < rows; k++) {
      g += gh[2 * k];
      h += gh[2 * k + 1];
    }
    const node = { g, h, lo: -Infinity, hi: Infinity };
    const parent = whole.map((v) => 3 * v); // the sibling's histogram is parent - node: 2 × node's sums
    const sibling = { g: 2 * g, h: 2 * h, lo: -Infinity, hi: Infinity };
    for (const threads of [1, 2, 3]) {
      const pool = await poolOver(bins, p, rows, threads);
      try {
        pool.order.set(order);
        pool.gh.set(gh);
        pool.configure(s);
        pool.useFeatures(new Uint8Array(p).fill(1));
        const [slot, siblingSlot] = [pool.acquire(), pool.acquire()];
        pool.slot(siblingSlot).set(parent);
        await pool.build([{ slot, start: 0, end: rows, sibling: siblingSlot, search: node, siblingSearch: sibling }]);
        const derived = parent.map((v, k) => v - whole[k]);
        expect(bytesOf(pool.slot(slot)).equals(bytesOf(whole))).toBe(true);
        expect(bytesOf(pool.slot(siblingSlot)).equals(bytesOf(derived))).toBe(true);
        const all = new Uint8Array(p).fill(1);
        expect(pickSplit(pool.candidates(slot), node, all)).toEqual(bestSplit(whole, node, all, s));
        expect(pickSplit(pool.candidates(siblingSlot), sibling, all)).toEqual(bestSplit(derived, sibling, all, s));
      } finally {
        pool.close();
      }
    }
  });
});

describe('the Newton step', () => {
  it('gives each row its gradient and hessian at its margin, and the root\'s sums added row block by row block in order, the same bytes on any number of threads', async () => {
    const rng = new Rng(12);
    const rows = 20_000; // 3 row blocks: [0, 6666), [6666, 13333), [13333, 20000)
    const margins = Float64Array.from({ length: rows }, () => 6 * rng.normal());
    const labels = Uint8Array.from({ length: rows }, () => (rng.next() < 0.3 ? 1 : 0));
    const order = Int32Array.from({ length: rows }, (_, i) => (i * 7919) % rows);
    // By hand: q = sigmoid(margin), g = q − y, h = max(q(1 − q), 1e-16).
    const gh = new Float64Array(2 * rows);
    for (let k = 0; k < rows; k++) {
      const q = 1 / (1 + Math.exp(-margins[order[k]]));
      gh[2 * k] = q - labels[order[k]];
      gh[2 * k + 1] = Math.max(q * (1 - q), 1e-16);
    }
    /** The pool's gradients and hessians summed in each block's position order, the blocks added in order. */
    const blockSums = (of: Float64Array): { g: number; h: number } => {
      const total = { g: 0, h: 0 };
      for (const [from, to] of [[0, 6666], [6666, 13333], [13333, 20000]]) {
        let g = 0;
        let h = 0;
        for (let k = from; k < to; k++) {
          g += of[2 * k];
          h += of[2 * k + 1];
        }
        total.g += g;
        total.h += h;
      }
      return total;
    };
    let sequential = 0;
    for (let k = 0; k < rows; k++) sequential += gh[2 * k];
    expect(blockSums(gh).g).not.toBe(sequential); // so the test tells block sums from one pass
    for (const threads of [1, 2, 3]) {
      const pool = HistogramPool.open(2, rows, threads);
      try {
        pool.margin.set(margins);
        pool.labels.set(labels);
        pool.order.set(order);
        const sums = await pool.newtonStep(rows);
        expect(sums).toEqual(blockSums(pool.gh));
        expect(pool.gh.reduce((worst, v, k) => Math.max(worst, Math.abs(v - gh[k])), 0)).toBeLessThan(1e-15);
        // A part of the rows (a subsample's): one block, summed in position order.
        const few = await pool.newtonStep(5000);
        let g = 0;
        for (let k = 0; k < 5000; k++) g += pool.gh[2 * k];
        expect(few.g).toBe(g);
      } finally {
        pool.close();
      }
    }
  });
});

describe('blocks of a pool job', () => {
  it('cuts n items into contiguous blocks of nearly equal size that cover them once', () => {
    expect([0, 1, 2].map((b) => blockOf(10, 3, b))).toEqual([[0, 3], [3, 6], [6, 10]]);
    expect([0, 1].map((b) => blockOf(5, 2, b))).toEqual([[0, 2], [2, 5]]);
    for (const [n, blocks] of [[50, 2], [7, 7], [3, 4]]) {
      const cuts = Array.from({ length: blocks }, (_, b) => blockOf(n, blocks, b));
      expect(cuts[0][0]).toBe(0);
      expect(cuts[blocks - 1][1]).toBe(n);
      for (let b = 1; b < blocks; b++) expect(cuts[b][0]).toBe(cuts[b - 1][1]);
    }
  });
});

describe('training bins', () => {
  it('are the same bins by feature and row-major, NaN in the missing bin, across transpose blocks', () => {
    const rows = 2500; // past two 1,024-row transpose blocks
    const x = makeMatrix(['a', 'b', 'c'], [
      Float64Array.from({ length: rows }, (_, i) => i % 7),
      Float64Array.from({ length: rows }, (_, i) => (i % 5 === 0 ? Number.NaN : i)),
      new Float64Array(rows).fill(3),
    ]);
    const cuts = [Float64Array.from([0.5, 3.5]), Float64Array.from([1000, 2000]), new Float64Array(0)];
    const { byFeature, rowMajor } = binTraining(x, cuts);
    expect(Array.from(byFeature[0].subarray(0, 7))).toEqual([0, 1, 1, 1, 2, 2, 2]);
    expect([byFeature[1][0], byFeature[1][1], byFeature[1][1000], byFeature[1][1001], byFeature[1][2001]]).toEqual([MISSING_BIN, 0, MISSING_BIN, 1, 2]);
    expect(byFeature[2].every((b) => b === 0)).toBe(true);
    for (let i = 0; i < rows; i++) for (let j = 0; j < 3; j++) if (rowMajor[i * 3 + j] !== byFeature[j][i]) throw new Error(`row ${i}, feature ${j}`);
  });
});

describe('gradient boosting against XGBoost on 30 rows', () => {
  // numpy default_rng(5): x0, x1 ~ N(0, 1) rounded to 0.1, y = 1.5 x0 − x1 + noise > 0; x0 missing in 3 rows, x1 in 1.
  const N = Number.NaN;
  const x0 = [-0.8, -1.3, -0.2, N, 1.1, 0.1, -0.6, -0.8, 0.7, 1.6, 0.3, N, -1.0, 1.6, 0.2, -1.7, -0.1, -1.2, -0.6, -0.5, N, 0.6, -0.1, -0.6, 0.4, 0.8, -1.6, -0.3, -1.0, -0.2];
  const x1 = [-1.3, 0.0, -0.0, -0.3, -1.0, -0.4, -1.1, N, 0.2, -1.1, 1.2, 0.7, -2.0, 0.3, -1.1, 0.0, 0.0, -2.0, -0.2, -0.3, 1.0, -1.2, 0.7, -1.1, -0.3, -0.8, 1.4, 0.6, 2.4, 0.6];
  const y = Uint8Array.from([1, 0, 0, 1, 1, 1, 1, 1, 1, 1, 0, 0, 1, 1, 1, 0, 0, 0, 1, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 0]);
  const data = { x: makeMatrix(['x0', 'x1'], [Float64Array.from(x0), Float64Array.from(x1)]), y };
  const params = (p: Partial<BoostingParams>): BoostingParams => ({
    ...DEFAULT_BOOSTING_PARAMS, init: 'prior', early_stopping_rounds: 0, workers: 1, min_split_gain: 0, ...p,
  });

  it('one stump: the churn rate\'s log-odds, then leaf values −G/(H + λ) (XGBoost exact, η = 1, λ = 1)', async () => {
    const model = await fitBoosting(data, params({ rounds: 1, max_depth: 1, learning_rate: 1, l2: 1, min_child_hessian: 0 }), new Rng(1));
    expect(model.state.base_score).toBeCloseTo(Math.log(14 / 16), 12); // 14 churners of 30;
    const [tree] = model.state.trees;
    expect(tree.feature).toEqual([1, -1, -1]);
    expect(tree.threshold[0]).toBeCloseTo(-0.1, 12); // between −0.2 and 0: XGBoost's f1 < −0.1
    expect(tree.default_left).toEqual([1, 0, 0]);
    expect(tree.n).toEqual([30, 16, 14]);
    expect(tree.value[1]).toBeCloseTo(0.909901798, 6);
    expect(tree.value[2]).toBeCloseTo(-1.01090193, 6);
    expect(model.state.gain_importance).toEqual([0, 1]);
    expect(model.state.best_round).toBe(1);
    expect(model.state.validation_log_loss).toBeNull();
    const p = model.predictProba(data.x);
    expect(p[0]).toBeCloseTo(0.684897, 6);
    expect(p[1]).toBeCloseTo(0.241507, 6);
    expect(p[7]).toBeCloseTo(0.684897, 6); // x1 missing: the learnt default, left
  });

  it('three depth-2 trees match XGBoost exact\'s probabilities row by row (η = 0.5, minimum child hessian 0.5)', async () => {
    const model = await fitBoosting(data, params({ rounds: 3, max_depth: 2, learning_rate: 0.5, l2: 1, min_child_hessian: 0.5 }), new Rng(1));
    const xgb = [0.653731, 0.143231, 0.143231, 0.62088, 0.793106, 0.653731, 0.653731, 0.653731, 0.650148, 0.793106, 0.427668, 0.143231, 0.653731, 0.650148, 0.653731, 0.143231, 0.143231, 0.653731, 0.529229, 0.529229, 0.143231, 0.793106, 0.143231, 0.653731, 0.529229, 0.793106, 0.143231, 0.143231, 0.143231, 0.143231];
    const p = model.predictProba(data.x);
    xgb.forEach((v, i) => expect(p[i]).toBeCloseTo(v, 5));
    // XGBoost's gains: 8.7076 + 3.7302 (x1), 0.7402 … : the importance is their share, split by feature.
    const x1Gain = 8.70764351 + 0.740207195 + 3.73016357 + 2.20109868;
    const x0Gain = 2.67329168 + 0.49302721 + 1.47117376 + 2.50279093;
    expect(model.state.gain_importance[1]).toBeCloseTo(x1Gain / (x1Gain + x0Gain), 5);
    // The third tree's right leaf: x0 > 0.5 (and missing x0 to the left, as XGBoost learnt).
    expect(model.state.trees[2].feature[0]).toBe(0);
    expect(model.state.trees[2].value[2]).toBeCloseTo(0.446777761, 5);
    const e = model.explainBatch(data.x);
    expect(Array.from(e.probability!)).toEqual(Array.from(p));
    for (let i = 0; i < 30; i++) {
      const margin = Math.log(p[i] / (1 - p[i]));
      expect(e.base + e.contributions[2 * i] + e.contributions[2 * i + 1]).toBeCloseTo(margin, 10);
    }
  });

  it('grows leaf-wise within max_leaves: the best leaf first (XGBoost hist, lossguide, 3 leaves)', async () => {
    const model = await fitBoosting(data, params({ rounds: 2, max_depth: 0, max_leaves: 3, growth: 'leafwise', learning_rate: 0.5, l2: 1, min_child_hessian: 0.5 }), new Rng(1));
    const xgb = [0.670247, 0.208465, 0.208465, 0.623297, 0.670247, 0.670247, 0.670247, 0.670247, 0.554871, 0.670247, 0.383253, 0.345684, 0.670247, 0.554871, 0.670247, 0.208465, 0.208465, 0.670247, 0.452006, 0.452006, 0.345684, 0.670247, 0.208465, 0.670247, 0.452006, 0.670247, 0.208465, 0.208465, 0.208465, 0.208465];
    const p = model.predictProba(data.x);
    xgb.forEach((v, i) => expect(p[i]).toBeCloseTo(v, 5));
    expect(model.state.trees.map((t) => t.feature.filter((f) => f < 0).length)).toEqual([3, 3]);
    // Depth-wise, 3 leaves at most: of the root's two children only the one with the larger gain splits.
    const depthwise = await fitBoosting(data, params({ rounds: 1, max_depth: 2, max_leaves: 3, learning_rate: 0.5, l2: 1, min_child_hessian: 0.5 }), new Rng(1));
    expect(depthwise.state.trees[0].feature).toEqual([1, -1, 0, -1, -1]); // the right child (gain 2.67 > 0.74) splits on x0
    expect(depthwise.state.trees[0].value[1]).toBeCloseTo(0.454950899, 6);
  });
});
