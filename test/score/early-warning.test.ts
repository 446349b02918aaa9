/** Early-warning signals of one batch, at their limits, from whichever columns the model has. */
import { describe, expect, it } from 'vitest';
import type { FeatureMatrix } from '../../src/data/matrix.js';
import { earlyWarnings } from '../../src/score/batch/early-warning.js';

const matrix = (columns: Record<string, number[]>): FeatureMatrix => ({
  rows: Object.values(columns)[0].length, features: Object.keys(columns), columns: Object.values(columns).map((v) => Float64Array.from(v)),
});
const limits = { probability_rise: 0.1, traffic_drop: 0.3, call_ratio_drop: 0.2, complaints: 2 };

describe('early warnings', () => {
  it('flag a drop at exactly its limit and complaints at exactly their count, one signal per row, joined', () => {
    const w = earlyWarnings(matrix({
      traffic_change_3m: [-0.3, -0.29, 0, -0.5], call_ratio_change: [0, -0.2, -0.19, -0.25], complaints_1m: [1, 2, 0, 3],
    }), limits);
    expect(Array.from(w.flag)).toEqual([1, 1, 0, 1]);
    expect(w.signals).toEqual(['traffic fell 30%', 'call ratio fell 20%; 2 new complaints', '', 'traffic fell 50%; call ratio fell 25%; 3 new complaints']);
  });

  it('read the 3-month traffic change before the one-period change, wherever the columns sit; no such column, no signal', () => {
    const w = earlyWarnings(matrix({ traffic_change: [-0.9, 0], tenure: [1, 2], traffic_change_3m: [0, -0.4] }), limits);
    expect(w.signals).toEqual(['', 'traffic fell 40%']);
    expect(earlyWarnings(matrix({ traffic_change: [-0.35], complaints_1m: [1] }), limits).signals).toEqual(['traffic fell 35%']);
    expect(earlyWarnings(matrix({ complaints_1m: [1], tenure: [3] }), { ...limits, complaints: 1 }).signals).toEqual(['1 new complaint']);
    expect(Array.from(earlyWarnings(matrix({ tenure: [1, 2] }), limits).flag)).toEqual([0, 0]);
  });
});
