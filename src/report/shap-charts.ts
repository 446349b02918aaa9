/**
 * The report's SHAP charts (Vega-Lite): the summary, each driver's SHAP values over the sampled
 * test customers as a jittered strip coloured by where the customer's value of the feature ranks
 * (low blue, high red, missing grey), and a driver's dependence plot (SHAP value against value).
 */
import type { ShapDriver } from '../evaluate/shap-summary.js';
import { chartBase } from './charts.js';
import type { ChartSpec } from './render-svg.js';

/** Index of the first sorted value that is not below `v` (`strict`: not at or below it). */
function firstFrom(sorted: readonly number[], v: number, strict: boolean): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid] < v || (strict && sorted[mid] === v)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Each value's rank among the driver's known values, 0 (lowest) to 1 (highest), ties at their
 * middle rank (a 0/1 column reads as two colours, not a gradient); null when missing.
 */
export function valueRanks(values: readonly (number | null)[]): (number | null)[] {
  const known = values.filter((v): v is number => v !== null).sort((a, b) => a - b);
  if (known.length < 2) return values.map((v) => (v === null ? null : 0.5));
  return values.map((v) => (v === null ? null : (firstFrom(known, v, false) + firstFrom(known, v, true) - 1) / 2 / (known.length - 1)));
}

/** A fixed spread in [-0.35, 0.35] (the golden-ratio sequence): the same picture on every run. */
const jitter = (i: number): number => ((i * 0.6180339887498949) % 1 - 0.5) * 0.7;

export function shapSummaryChart(title: string, drivers: readonly ShapDriver[], scale: string): ChartSpec {
  const rows = drivers.flatMap((d) => {
    const ranks = valueRanks(d.value);
    return d.shap.map((s, i) => ({ feature: d.feature, shap: s, rank: ranks[i], jitter: jitter(i) }));
  });
  const y = { field: 'feature', type: 'nominal', sort: drivers.map((d) => d.feature), title: null };
  const x = { field: 'shap', type: 'quantitative', title: `SHAP value (${scale.replaceAll('_', '-')} contribution)` };
  const yOffset = { field: 'jitter', type: 'quantitative', scale: { domain: [-0.5, 0.5] } };
  return {
    ...chartBase,
    height: Math.max(160, drivers.length * 34),
    title,
    layer: [
      { data: { values: [{ zero: 0 }] }, mark: { type: 'rule', color: '#999' }, encoding: { x: { field: 'zero', type: 'quantitative' } } },
      {
        data: { values: rows.filter((r) => r.rank === null) },
        mark: { type: 'circle', size: 10, opacity: 0.6, color: '#bbb', aria: false },
        encoding: { y, x, yOffset },
      },
      {
        data: { values: rows.filter((r) => r.rank !== null) },
        mark: { type: 'circle', size: 10, opacity: 0.7, aria: false },
        encoding: {
          y, x, yOffset,
          color: { field: 'rank', type: 'quantitative', title: 'feature value (rank)', scale: { domain: [0, 1], range: ['#3b75af', '#d62728'] }, legend: { values: [0, 1], labelExpr: "datum.value === 0 ? 'low' : 'high'" } },
        },
      },
    ],
  } as ChartSpec;
}

export function shapDependenceChart(model: string, driver: ShapDriver, scale: string): ChartSpec {
  const rows = driver.shap.flatMap((s, i) => (driver.value[i] === null ? [] : [{ value: driver.value[i], shap: s }]));
  return {
    ...chartBase,
    title: `SHAP dependence: ${driver.feature} (${model})`,
    data: { values: rows },
    mark: { type: 'circle', size: 14, opacity: 0.5, color: '#4c78a8', aria: false },
    encoding: {
      x: { field: 'value', type: 'quantitative', title: driver.feature, scale: { zero: false } },
      y: { field: 'shap', type: 'quantitative', title: `SHAP value of ${driver.feature} (${scale.replaceAll('_', '-')})` },
    },
  } as ChartSpec;
}
