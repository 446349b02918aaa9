import { describe, expect, it } from 'vitest';
import { makeMatrix } from '../../src/data/matrix.js';
import { shapSummary } from '../../src/evaluate/shap-summary.js';
import { fitBoosting } from '../../src/models/boosting/boosting.js';
import { DEFAULT_BOOSTING_PARAMS } from '../../src/models/boosting/params.js';
import { DEFAULT_FOREST_PARAMS, fitForest } from '../../src/models/forest/forest.js';
import { renderSvg } from '../../src/report/render-svg.js';
import { shapDependenceChart, shapSummaryChart, valueRanks } from '../../src/report/shap-charts.js';
import { Rng } from '../../src/rng.js';

/** x0 drives churn strongly, x1 weakly, x2 not at all; x1 missing for every fifth row. */
function data(rows: number): { x: ReturnType<typeof makeMatrix>; y: Uint8Array } {
  const rng = new Rng(5);
  const cols = [0, 1, 2].map(() => Float64Array.from({ length: rows }, () => rng.normal()));
  const y = Uint8Array.from({ length: rows }, (_, i) => (2 * cols[0][i] + 0.5 * cols[1][i] + rng.normal() > 0 ? 1 : 0));
  for (let i = 0; i < rows; i += 5) cols[1][i] = Number.NaN;
  return { x: makeMatrix(['x0', 'x1', 'x2'], cols), y };
}

describe('the report\'s SHAP charts', () => {
  it('ranks feature values from 0 to 1, ties at their middle rank, missing as null', () => {
    expect(valueRanks([0, 1, 0, null, 1])).toEqual([1 / 6, 5 / 6, 1 / 6, null, 5 / 6]);
    expect(valueRanks([3, 1, 2])).toEqual([1, 0, 0.5]);
    expect(valueRanks([7, null])).toEqual([0.5, null]);
  });

  it('summarises the tree models\' TreeSHAP values: drivers by mean |SHAP|, each customer\'s value and part', async () => {
    const { x, y } = data(600);
    const model = await fitBoosting({ x, y }, { ...DEFAULT_BOOSTING_PARAMS, init: 'prior', rounds: 30, early_stopping_rounds: 0, workers: 1 }, new Rng(1));
    const summary = shapSummary(model, x);
    if (summary === null) throw new Error('no summary');
    const e = model.explainBatch(x);
    const meanAbs = [0, 1, 2].map((j) => Array.from({ length: 600 }, (_, i) => Math.abs(e.contributions[i * 3 + j])).reduce((a, b) => a + b) / 600);
    expect(summary.drivers.map((d) => d.feature).slice(0, 2)).toEqual(['x0', 'x1']);
    for (const d of summary.drivers) {
      const j = x.features.indexOf(d.feature);
      expect(d.mean_abs).toBeCloseTo(meanAbs[j], 6);
      expect(d.shap[7]).toBeCloseTo(e.contributions[7 * 3 + j], 6);
    }
    expect(summary.drivers[1].value[0]).toBeNull(); // x1 missing in row 0
    expect(summary).toMatchObject({ scale: 'log_odds', rows: 600 });
    expect(summary.base).toBeCloseTo(e.base, 6);
    const forest = await fitForest({ x, y }, { ...DEFAULT_FOREST_PARAMS, trees: 5, workers: 1 }, new Rng(2));
    const forestSummary = shapSummary(forest, x);
    expect(forestSummary).toMatchObject({ scale: 'probability', rows: 600 });
    expect(forestSummary?.base).toBeCloseTo(forest.explainBatch(x).base, 6);
    expect(forestSummary?.drivers[0].feature).toBe('x0');
  });

  it('draws a dot per customer per driver in the summary, and the dependence plot of one driver', async () => {
    const drivers = [
      { feature: 'complaints_3m', mean_abs: 0.5, shap: [0.9, -0.2, 0.4], value: [3, 0, null] },
      { feature: 'tenure', mean_abs: 0.2, shap: [-0.3, 0.1, 0.2], value: [40, 2, 12] },
    ];
    const summary = await renderSvg(shapSummaryChart('SHAP summary: gradient_boosting', drivers, 'log_odds'));
    expect(summary).toContain('SHAP summary: gradient_boosting');
    expect(summary).toContain('SHAP value (log-odds contribution)');
    const dots = (svg: string): number => (svg.match(/<path transform="translate\([^)]*\)" d="M\d+\.\d+,0A/g) ?? []).length;
    expect(dots(summary)).toBe(6);
    const dependence = await renderSvg(shapDependenceChart('gradient_boosting', drivers[0], 'log_odds'));
    expect(dots(dependence)).toBe(2); // the missing value has no place on the x axis
  });
});
