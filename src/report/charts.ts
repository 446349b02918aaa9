/**
 * Vega-Lite chart specs for the report. Data comes in as rows; the specs carry titles, axis labels
 * and legends so each chart reads on its own.
 */
import type { ChartSpec } from './render-svg.js';

const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';
const WIDTH = 420;
const HEIGHT = 300;
/** No label is cut short: feature names, legend entries (random_forest) and titles are drawn whole. */
const NO_LIMIT = 10_000;
/** What every chart shares: size, font, no label cut short. */
export const chartBase = {
  $schema: SCHEMA, width: WIDTH, height: HEIGHT, autosize: { type: 'pad' },
  config: { font: 'Helvetica, Arial, sans-serif', view: { stroke: '#ddd' }, axis: { labelLimit: NO_LIMIT, titleLimit: NO_LIMIT }, legend: { labelLimit: NO_LIMIT, titleLimit: NO_LIMIT }, title: { limit: NO_LIMIT } },
} as const;

export interface XY { x: number; y: number }

function curveRows(curves: Record<string, XY[]>): { model: string; x: number; y: number }[] {
  return Object.entries(curves).flatMap(([model, pts]) => pts.map((p) => ({ model, x: p.x, y: p.y })));
}

/** Several models' curves on one chart, with an optional reference line (diagonal or constant). */
export function overlayChart(title: string, xTitle: string, yTitle: string, curves: Record<string, XY[]>, reference?: XY[]): ChartSpec {
  const layers: object[] = [
    {
      data: { values: curveRows(curves) },
      mark: { type: 'line', strokeWidth: 2 },
      encoding: {
        x: { field: 'x', type: 'quantitative', title: xTitle },
        y: { field: 'y', type: 'quantitative', title: yTitle },
        color: { field: 'model', type: 'nominal', title: 'model' },
      },
    },
  ];
  if (reference !== undefined) {
    layers.push({ data: { values: reference }, mark: { type: 'line', strokeDash: [4, 4], color: '#999' }, encoding: { x: { field: 'x', type: 'quantitative' }, y: { field: 'y', type: 'quantitative' } } });
  }
  return { ...chartBase, title, layer: layers } as ChartSpec;
}

export function calibrationChart(rows: { model: string; mean_predicted: number; observed: number; count: number }[]): ChartSpec {
  return {
    ...chartBase,
    title: 'Calibration: predicted vs observed churn (10 bins)',
    layer: [
      { data: { values: [{ x: 0, y: 0 }, { x: 1, y: 1 }] }, mark: { type: 'line', strokeDash: [4, 4], color: '#999' }, encoding: { x: { field: 'x', type: 'quantitative' }, y: { field: 'y', type: 'quantitative' } } },
      {
        data: { values: rows.filter((r) => r.count > 0) },
        mark: { type: 'line', point: true },
        encoding: {
          x: { field: 'mean_predicted', type: 'quantitative', title: 'mean predicted probability', scale: { domain: [0, 1] } },
          y: { field: 'observed', type: 'quantitative', title: 'observed churn rate', scale: { domain: [0, 1] } },
          color: { field: 'model', type: 'nominal' },
        },
      },
    ],
  } as ChartSpec;
}

/** Kaplan–Meier steps per group with their 95% band where the run has it (runs before the bands: lines only). */
export function kaplanMeierChart(grouping: string, curves: Record<string, { times: number[]; survival: number[]; lower?: number[]; upper?: number[] }>): ChartSpec {
  const rows = Object.entries(curves).flatMap(([level, c]) => [
    { level, t: 0, s: 1, lo: 1, hi: 1 },
    ...c.times.map((t, k) => ({ level, t, s: c.survival[k], lo: c.lower?.[k] ?? c.survival[k], hi: c.upper?.[k] ?? c.survival[k] })),
  ]);
  const x = { field: 't', type: 'quantitative', title: 'months' };
  const color = { field: 'level', type: 'nominal', title: grouping.replaceAll('_', ' '), sort: Object.keys(curves) };
  return {
    ...chartBase,
    title: `Kaplan–Meier survival by ${grouping.replaceAll('_', ' ')}`,
    data: { values: rows },
    layer: [
      { mark: { type: 'area', interpolate: 'step-after', opacity: 0.18 }, encoding: { x, y: { field: 'lo', type: 'quantitative', title: 'share still a customer', scale: { zero: false } }, y2: { field: 'hi' }, color } },
      { mark: { type: 'line', interpolate: 'step-after', strokeWidth: 2 }, encoding: { x, y: { field: 's', type: 'quantitative' }, color } },
    ],
  } as ChartSpec;
}

export function importanceChart(title: string, rows: { feature: string; value: number; sd?: number }[], xTitle: string): ChartSpec {
  const values = rows.map((r) => ({ ...r, lo: r.value - (r.sd ?? 0), hi: r.value + (r.sd ?? 0) }));
  const y = { field: 'feature', type: 'nominal', sort: rows.map((r) => r.feature), title: null };
  const layers: object[] = [{ mark: { type: 'bar', color: '#4c78a8' }, encoding: { y, x: { field: 'value', type: 'quantitative', title: xTitle } } }];
  if (rows.some((r) => r.sd !== undefined)) layers.push({ mark: { type: 'rule', color: '#333' }, encoding: { y, x: { field: 'lo', type: 'quantitative' }, x2: { field: 'hi' } } });
  return { ...chartBase, height: Math.max(120, rows.length * 18), title, data: { values }, layer: layers } as ChartSpec;
}

/** Ratios with 95% intervals on a log scale (odds or hazard ratios). */
export function ratioChart(title: string, rows: { feature: string; ratio: number; lo: number; hi: number }[], xTitle: string): ChartSpec {
  const y = { field: 'feature', type: 'nominal', sort: rows.map((r) => r.feature), title: null };
  const x = { type: 'quantitative', scale: { type: 'log' }, title: xTitle };
  return {
    ...chartBase,
    height: Math.max(120, rows.length * 18),
    title,
    data: { values: rows },
    layer: [
      { mark: { type: 'rule', color: '#888' }, encoding: { y, x: { ...x, field: 'lo' }, x2: { field: 'hi' } } },
      { mark: { type: 'point', filled: true, color: '#e45756' }, encoding: { y, x: { ...x, field: 'ratio' } } },
      { data: { values: [{ one: 1 }] }, mark: { type: 'rule', strokeDash: [4, 4], color: '#999' }, encoding: { x: { field: 'one', type: 'quantitative' } } },
    ],
  } as ChartSpec;
}

export function barChart(title: string, rows: { label: string; value: number }[], xTitle: string, yTitle: string): ChartSpec {
  return {
    ...chartBase,
    height: Math.max(100, rows.length * 28),
    title,
    data: { values: rows },
    mark: { type: 'bar', color: '#54a24b' },
    encoding: {
      y: { field: 'label', type: 'nominal', sort: rows.map((r) => r.label), title: yTitle },
      x: { field: 'value', type: 'quantitative', title: xTitle },
    },
  } as ChartSpec;
}

/** Rates by month (YYYY-MM, in order), one line per series, the axis in percent. */
export function monthlyChart(title: string, yTitle: string, rows: { month: string; series: string; value: number }[], seriesTitle: string): ChartSpec {
  return {
    ...chartBase,
    title,
    data: { values: rows },
    mark: { type: 'line', point: true, strokeWidth: 2 },
    encoding: {
      x: { field: 'month', type: 'ordinal', title: 'month', axis: { labelAngle: -45 } },
      y: { field: 'value', type: 'quantitative', title: yTitle, axis: { format: '.1%' } },
      color: { field: 'series', type: 'nominal', title: seriesTitle, sort: [...new Set(rows.map((r) => r.series))] },
    },
  } as ChartSpec;
}
