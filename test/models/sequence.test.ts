import { describe, expect, it } from 'vitest';
import { selectFeatures, takeRows } from '../../src/data/matrix.js';
import { auc } from '../../src/evaluate/metrics.js';
import { SequenceModel } from '../../src/models/sequence/model.js';
import { fitSequence } from '../../src/models/sequence/fit.js';
import { gaussLegendre } from '../../src/models/gauss-legendre.js';
import { COMPLETENESS_TOLERANCE } from '../../src/models/sequence/integrated-gradients.js';
import { DEFAULT_SEQUENCE_PARAMS, type SequenceParams } from '../../src/models/sequence/params.js';
import { loadRuntime } from '../../src/models/sequence/runtime.js';
import { decodeFloat32, encodeFloat32 } from '../../src/models/sequence/weights.js';
import { monthlyReasonParts, monthParts } from '../../src/models/sequence/reasons.js';
import { loadModel } from '../../src/models/registry.js';
import { blendStateSchema, sequenceStateSchema } from '../../src/models/state-schemas.js';
import { fitBoosting } from '../../src/models/boosting/boosting.js';
import { DEFAULT_BOOSTING_PARAMS } from '../../src/models/boosting/params.js';
import { BlendModel } from '../../src/models/blend.js';
import { DEFAULT_FOREST_PARAMS, fitForest } from '../../src/models/forest/forest.js';
import { Rng } from '../../src/rng.js';
import { generatedPanelConfig, panelTraining } from '../helpers/panel-training.js';
import { tempDir } from '../helpers/tmp.js';

const tmp = tempDir();
// A small panel and a short fit: seconds, enough to check the mechanics (quality floors are in test/panel).
const config = await generatedPanelConfig(tmp.dir, 800, 10, 11);
const data = await panelTraining(config);
const PARAMS: SequenceParams = { ...DEFAULT_SEQUENCE_PARAMS, max_epochs: 4, hidden: 8, dense: 8 };
const fit = (seed: number, params = PARAMS): Promise<SequenceModel> => fitSequence(data.train, params, new Rng(seed));
const model = await fit(1);
const testX = selectFeatures(data.test.x, model.features);

describe('the sequence model', () => {
  it('runs on the WebAssembly backend here: the tfjs-node package present is an alias of plain tfjs, not the native backend', async () => {
    expect((await loadRuntime()).backend).toBe('wasm');
    expect(model.backend).toBe('wasm');
  });

  it('reads the months oldest first, their masks, then tenure, contract and segment', () => {
    const { layout } = model.state;
    expect(layout.months).toBe(6);
    expect(layout.channels).toEqual(['out_calls', 'in_calls', 'out_minutes', 'in_minutes', 'data_mb', 'revenue', 'distinct_called', 'dropped_calls', 'complaints', 'unresolved']);
    expect(layout.statics).toEqual(expect.arrayContaining(['tenure_months', 'months_to_contract_end', 'has_contract', 'segment=consumer', 'plan=basic']));
    expect(model.features.slice(0, 2)).toEqual(['seq_out_calls_lag5', 'seq_in_calls_lag5']);
    expect(model.features[60]).toBe('seq_active_lag5');
    expect(model.features[65]).toBe('seq_active_lag0');
  });

  it('is reproducible: the same data and seed give the same model file bytes, another seed another file', async () => {
    const again = await fit(1);
    expect(JSON.stringify(again.toJSON())).toBe(JSON.stringify(model.toJSON()));
    const other = await fit(2);
    expect(JSON.stringify(other.toJSON())).not.toBe(JSON.stringify(model.toJSON()));
  });

  it('keeps the best epoch and recalibrates it on the validation customers', () => {
    const t = model.state.training;
    expect(t.best_epoch).toBeGreaterThanOrEqual(1);
    expect(t.best_epoch).toBeLessThanOrEqual(t.epochs);
    // The validation part is whole customers: about 15% of them, so about 15% of the rows.
    expect(t.validation_rows / data.train.y.length).toBeGreaterThan(0.1);
    expect(t.validation_rows / data.train.y.length).toBeLessThan(0.2);
    // Probabilities, not weighted odds: the mean prediction on the test month is near its churn rate.
    const p = model.predictProba(testX);
    const meanP = p.reduce((a, b) => a + b, 0) / p.length;
    const rate = data.test.y.reduce((a, b) => a + b, 0) / data.test.y.length;
    expect(Math.abs(meanP - rate)).toBeLessThan(0.02);
  });

  it('ranks the test month better than chance after four epochs', () => {
    expect(auc(data.test.y, model.predictProba(testX))).toBeGreaterThan(0.7);
  });

  it('saves its weights as little-endian float32 in base64 and predicts the same bits after a round trip', async () => {
    expect(encodeFloat32(Float32Array.of(1, -2.5))).toBe('AACAPwAAIMA=');
    expect(Array.from(decodeFloat32({ name: 'w', shape: [2], data: 'AACAPwAAIMA=' }))).toEqual([1, -2.5]);
    expect(() => decodeFloat32({ name: 'w', shape: [3], data: 'AACAPwAAIMA=' })).toThrow('the sequence model\'s weight "w" holds 8 bytes for shape [3] (expected 12): the file is damaged');
    expect(sequenceStateSchema.safeParse(JSON.parse(JSON.stringify(model.toJSON()))).error).toBeUndefined(); // the model file's schema reads it
    const loaded = await loadModel(JSON.parse(JSON.stringify(model.toJSON())));
    expect(Array.from(loaded.predictProba(testX))).toEqual(Array.from(model.predictProba(testX)));
  });

  it('gives a customer the same probability whatever batch it is scored in', () => {
    const all = model.predictProba(testX);
    for (const row of [0, 7, testX.rows - 1]) expect(model.predictProba(takeRows(testX, [row]))[0]).toBe(all[row]);
    const reversed = model.predictProba(takeRows(testX, Array.from({ length: testX.rows }, (_, i) => testX.rows - 1 - i)));
    expect(Array.from(reversed).reverse()).toEqual(Array.from(all));
  });
});

describe('integrated gradients', () => {
  it('Gauss–Legendre nodes integrate polynomials up to degree 2n − 1 exactly', () => {
    const { nodes, weights } = gaussLegendre(4);
    const integral = (f: (x: number) => number): number => nodes.reduce((s, x, i) => s + weights[i] * f(x), 0);
    expect(integral(() => 1)).toBeCloseTo(1, 14);
    expect(integral((x) => x ** 7)).toBeCloseTo(1 / 8, 14);
    expect(integral((x) => 3 * x ** 5 - x ** 2)).toBeCloseTo(0.5 - 1 / 3, 14);
  });

  it('are complete: each row\'s parts sum to its logit minus the baseline\'s within 1e-4 (the issue asks 1e-3)', () => {
    const rows = takeRows(testX, Array.from({ length: 300 }, (_, i) => i));
    const e = model.explainBatch(rows);
    const z = model.logOdds(rows);
    const P = model.features.length;
    let worst = 0;
    for (let i = 0; i < rows.rows; i++) {
      let s = 0;
      for (let j = 0; j < P; j++) s += e.contributions[i * P + j];
      worst = Math.max(worst, Math.abs(s - (z[i] - e.base)));
    }
    expect(COMPLETENESS_TOLERANCE).toBe(1e-4);
    expect(worst).toBeLessThanOrEqual(COMPLETENESS_TOLERANCE);
    // Months before activation carry no part of their own channels.
    const masked = model.features.map((f, j) => [f, j] as const).filter(([f]) => /^seq_out_calls_lag/.test(f));
    for (let i = 0; i < rows.rows; i++) {
      for (const [f, j] of masked) {
        const lag = f.slice(f.lastIndexOf('lag'));
        const m = rows.columns[model.features.indexOf(`seq_active_${lag}`)][i];
        if (m === 0) expect(Math.abs(e.contributions[i * P + j])).toBe(0);
      }
    }
  });
});

describe('reasons', () => {
  it('sum the parts per channel and per month without losing any', () => {
    const rows = takeRows(testX, Array.from({ length: 50 }, (_, i) => i));
    const e = model.explainBatch(rows);
    const g = model.reasonParts(rows, e);
    expect(g.names).toEqual(model.reasonNames);
    expect(g.names.slice(0, 11)).toEqual([...model.state.layout.channels, 'active']);
    expect(g.names.slice(11)).toEqual(model.state.layout.statics);
    const byMonth = monthParts(rows, e);
    expect(byMonth.months).toBe(6);
    const P = model.features.length;
    const G = g.names.length;
    for (let i = 0; i < rows.rows; i++) {
      let cells = 0;
      let groups = 0;
      let months = 0;
      let seqCells = 0;
      for (let j = 0; j < P; j++) cells += e.contributions[i * P + j];
      for (let j = 0; j < 60; j++) seqCells += e.contributions[i * P + j];
      for (let j = 0; j < G; j++) groups += g.parts[i * G + j];
      for (let m = 0; m < 6; m++) months += byMonth.parts[i * 6 + m];
      expect(groups).toBeCloseTo(cells, 10);
      expect(months).toBeCloseTo(seqCells, 10);
      expect(g.sentence(i, 0)).toMatch(/^outgoing calls[ :]/);
      expect(g.sentence(i, 10)).toMatch(/^active (all|only) /);
      expect(g.sentence(i, 11)).toBeNull(); // tenure: said from its value, as for every model
    }
  });

  it('say what the months did where the part sits', () => {
    // One customer: outgoing calls 100 a month, then 60 for two months; incoming steady; complaints in the last three months, two open; not active six months ago.
    const series: Record<string, number[]> = { out_calls: [60, 60, 100, 100, 100, 100], in_calls: [50, 50, 50, 50, 50, 50], complaints: [1, 1, 1, 0, 0, 0], unresolved: [2, 1, 1, 0, 0, 0] };
    const active = [1, 1, 1, 1, 1, 0];
    const features: string[] = [];
    const columns: Float64Array[] = [];
    for (const [c, v] of Object.entries(series)) v.forEach((value, lag) => { features.push(`seq_${c}_lag${lag}`); columns.push(Float64Array.of(value)); });
    active.forEach((a, lag) => { features.push(`seq_active_lag${lag}`); columns.push(Float64Array.of(a)); });
    features.push('tenure_months');
    columns.push(Float64Array.of(30));
    const parts = new Float64Array(features.length);
    const at = (f: string, v: number): void => { parts[features.indexOf(f)] = v; };
    at('seq_out_calls_lag0', 0.4); // with the month before, most of the channel's part
    at('seq_out_calls_lag1', 0.3);
    at('seq_out_calls_lag4', 0.1);
    at('seq_complaints_lag2', 0.3); // complaints: most of the part three months back
    at('seq_complaints_lag1', 0.1);
    at('seq_complaints_lag0', 0.1);
    const r = monthlyReasonParts({ rows: 1, features, columns }, { scale: 'log_odds', base: 0, contributions: parts });
    expect(r.names).toEqual(['out_calls', 'in_calls', 'complaints', 'unresolved', 'active', 'tenure_months']);
    expect(Array.from(r.parts)).toEqual([0.8, 0, 0.5, 0, 0, 0].map((v, j) => (j === 0 ? 0.4 + 0.3 + 0.1 : j === 2 ? 0.3 + 0.1 + 0.1 : v)));
    expect(r.sentence(0, 0)).toBe('outgoing calls fell 40% over the last two months');
    expect(r.sentence(0, 1)).toBe('incoming calls steady over the last month');
    expect(r.sentence(0, 2)).toBe('3 complaints opened in the last three months');
    expect(r.sentence(0, 3)).toBe('2 complaints still unresolved');
    expect(r.sentence(0, 4)).toBe('active only five of the last six months');
    expect(r.sentence(0, 5)).toBeNull();
  });
});

describe('the blend', () => {
  it('predicts the mean of its members and explains on the probability scale, its parts summing to the probability minus its base', async () => {
    const summaries = data.train.x.features.filter((f) => !f.startsWith('seq_'));
    const forest = await fitForest({ ...data.train, x: selectFeatures(data.train.x, summaries) }, { ...DEFAULT_FOREST_PARAMS, trees: 20 }, new Rng(3));
    const blend = BlendModel.of([{ name: 'sequence', model }, { name: 'random_forest', model: forest }]);
    expect(blend.features.length).toBe(new Set([...model.features, ...forest.features]).size);
    const rows = takeRows(selectFeatures(data.test.x, blend.features), Array.from({ length: 200 }, (_, i) => i));
    const p = blend.predictProba(rows);
    const ps = model.predictProba(selectFeatures(rows, model.features));
    const pf = forest.predictProba(selectFeatures(rows, forest.features));
    for (let i = 0; i < rows.rows; i++) expect(p[i]).toBeCloseTo((ps[i] + pf[i]) / 2, 15);
    const e = blend.explainBatch(rows);
    expect(e.scale).toBe('probability');
    const P = blend.features.length;
    let worst = 0;
    for (let i = 0; i < rows.rows; i++) {
      let s = 0;
      for (let j = 0; j < P; j++) s += e.contributions[i * P + j];
      worst = Math.max(worst, Math.abs(s - (p[i] - e.base)));
    }
    expect(worst).toBeLessThan(1e-3);
    // Saved with both members, it loads back and predicts the same bits.
    const loaded = await loadModel(JSON.parse(JSON.stringify(blend.toJSON())));
    expect(Array.from(loaded.predictProba(rows))).toEqual(Array.from(p));
  });

  it('with gradient boosting as its tree member, the saved blend passes the model-file schema and loads back', async () => {
    // The blend takes the best tree model; when that was boosting, its file was refused on load.
    const summaries = data.train.x.features.filter((f) => !f.startsWith('seq_'));
    const boosting = await fitBoosting({ ...data.train, x: selectFeatures(data.train.x, summaries) }, { ...DEFAULT_BOOSTING_PARAMS, rounds: 10, early_stopping_rounds: 0, workers: 1 }, new Rng(5));
    const blend = BlendModel.of([{ name: 'sequence', model }, { name: 'gradient_boosting', model: boosting }]);
    const state = JSON.parse(JSON.stringify(blend.toJSON()));
    expect(blendStateSchema.safeParse(state).success).toBe(true);
    const rows = takeRows(selectFeatures(data.test.x, blend.features), Array.from({ length: 50 }, (_, i) => i));
    expect(Array.from((await loadModel(state)).predictProba(rows))).toEqual(Array.from(blend.predictProba(rows)));
  });
});
