import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { InferenceSession, Tensor } from 'onnxruntime-web';
import { beforeAll, describe, expect, it } from 'vitest';
import { makeMatrix, type FeatureMatrix } from '../../src/data/matrix.js';
import { exportOnnx, META, OUTPUT_NAME } from '../../src/export/onnx.js';
import { isChurnscopeOnnx, ModelProtoType } from '../../src/export/onnx-schema.js';
import { BoostingModel, fitBoosting, type BoostingState, type BoostTree } from '../../src/models/boosting/boosting.js';
import { DEFAULT_BOOSTING_PARAMS } from '../../src/models/boosting/params.js';
import { predictForestBatch, type ForestState } from '../../src/models/forest/forest.js';
import type { Tree } from '../../src/models/forest/tree.js';
import { loadSavedModel, type LoadedModel } from '../../src/models/load-model.js';
import { prepareFromConfigFile } from '../../src/pipeline/train-config.js';
import { Rng } from '../../src/rng.js';
import { runCli } from '../helpers/cli.js';
import { readModelMatrix } from '../helpers/model-input.js';
import { tempDir } from '../helpers/tmp.js';

const tmp = tempDir();
const DATA = resolve('data');
const TELCO = join(DATA, 'ibm-telco-churn.csv');
const RUN = join(tmp.dir, 'run');


/** P(churn) from ONNX Runtime for the rows of `x` (fed as double [N, p] in the model's feature order). */
async function scoreOnnx(file: string, x: FeatureMatrix): Promise<Float64Array> {
  const session = await InferenceSession.create(readFileSync(file));
  try {
    const p = x.columns.length;
    const rowMajor = new Float64Array(x.rows * p);
    for (let j = 0; j < p; j++) for (let i = 0; i < x.rows; i++) rowMajor[i * p + j] = x.columns[j][i];
    const out = await session.run({ features: new Tensor('float64', rowMajor, [x.rows, p]) });
    const y = out[OUTPUT_NAME];
    expect(y.type).toBe('float64');
    expect(y.dims).toEqual([x.rows, 1]);
    return y.data as Float64Array;
  } finally {
    await session.release();
  }
}

function maxAbsDiff(a: Float64Array, b: Float64Array): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

function decode(file: string): { metadata: Map<string, string>; ops: string[]; opsets: Record<string, number>; doc: string } {
  const model = ModelProtoType.toObject(ModelProtoType.decode(readFileSync(file)), { longs: Number, defaults: false }) as {
    doc_string: string;
    metadata_props: { key: string; value: string }[];
    opset_import: { domain?: string; version: number }[];
    graph: { node: { op_type: string; domain?: string }[] };
  };
  return {
    metadata: new Map(model.metadata_props.map((e) => [e.key, e.value])),
    ops: model.graph.node.map((n) => `${n.domain ?? ''}:${n.op_type}`),
    opsets: Object.fromEntries(model.opset_import.map((o) => [o.domain ?? '', o.version])),
    doc: model.doc_string,
  };
}

/**
 * Rows that sit exactly on split thresholds (x == t must go left, as churnscope's !(x > t)) and
 * rows with NaN features (the forest sends NaN left, boosting to each split's learnt side): where
 * a wrong branch mode or missing-value side would show.
 */
function edgeRows(trees: readonly (Tree | BoostTree)[], base: FeatureMatrix): FeatureMatrix {
  const p = base.columns.length;
  const rows: number[][] = [];
  const baseRow = (i: number): number[] => base.columns.map((c) => c[i]);
  trees.forEach((tree, t) => {
    // Walk one real row down the tree and pin each feature on its path to that node's threshold.
    const row = baseRow((t * 97) % base.rows);
    let node = 0;
    while (tree.feature[node] >= 0) {
      const f = tree.feature[node];
      const onEdge = [...row];
      onEdge[f] = tree.threshold[node];
      rows.push(onEdge);
      const missing = [...row];
      missing[f] = Number.NaN;
      rows.push(missing);
      node = row[f] > tree.threshold[node] ? tree.right[node] : tree.left[node];
    }
  });
  rows.push(new Array<number>(p).fill(Number.NaN));
  return makeMatrix(base.features, base.features.map((_, j) => Float64Array.from(rows, (r) => r[j])));
}

describe('churnscope export --format onnx', () => {
  beforeAll(async () => {
    const base = JSON.parse(readFileSync(join(DATA, 'ibm-telco-churn.config.json'), 'utf8')) as Record<string, unknown>;
    const config = tmp.write('telco.json', JSON.stringify({
      ...base,
      source: TELCO,
      models: ['logistic', 'random_forest', 'gradient_boosting', 'cox'],
      model_params: { random_forest: { trees: 30 }, gradient_boosting: { rounds: 60, early_stopping_rounds: 0 } },
    }));
    const { code, stderr } = await runCli('train', '--config', config, '--out', RUN);
    expect(code, stderr).toBe(0);
  });

  const measured: Record<string, number> = {};

  /** Exports the run's `kind` model through the CLI and checks ONNX Runtime against predictProba on every Telco row. */
  async function exportTelco(kind: string): Promise<{ model: string; out: string; loaded: LoadedModel; x: FeatureMatrix }> {
    const model = join(RUN, 'models', `${kind}.json`);
    const out = join(tmp.dir, `${kind}.onnx`);
    const { code, stdout, stderr } = await runCli('export', '--model', model, '--format', 'onnx', '--out', out);
    expect(code, stderr).toBe(0);
    expect(stdout).toContain(`exported ${kind}`);
    const loaded = await loadSavedModel(model);
    const x = await readModelMatrix(loaded, TELCO);
    expect(x.rows).toBe(7043);
    const diff = maxAbsDiff(await scoreOnnx(out, x), loaded.model.predictProba(x));
    measured[kind] = diff;
    expect(diff).toBeLessThan(1e-6);
    return { model, out, loaded, x };
  }

  it('exports the logistic model; ONNX Runtime matches churnscope to 1e-6 on every Telco row', async () => {
    const { out, loaded } = await exportTelco('logistic');

    const { metadata, ops, opsets, doc } = decode(out);
    expect(ops).toEqual(['ai.onnx.ml:LinearClassifier', ':Slice', ':Cast']);
    expect(opsets).toEqual({ '': 21, 'ai.onnx.ml': 5 });
    expect(JSON.parse(metadata.get(META.features) ?? 'null')).toEqual(loaded.saved.features);
    expect(JSON.parse(metadata.get(META.encoder) ?? 'null')).toEqual(loaded.saved.encoder);
    expect(metadata.get(META.kind)).toBe('logistic');
    expect(doc).toContain(`0: ${loaded.saved.features[0]}`);
  });

  it('exports the random forest as one TreeEnsemble; ONNX Runtime matches on every row, on split thresholds and with NaN', async () => {
    const { model, out, loaded, x } = await exportTelco('random_forest');
    expect((loaded.saved.model as ForestState).trees).toHaveLength(30);

    const edges = edgeRows((loaded.saved.model as ForestState).trees, x);
    expect(edges.rows).toBeGreaterThan(200);
    const edgeDiff = maxAbsDiff(await scoreOnnx(out, edges), loaded.model.predictProba(edges));
    measured.random_forest_edges = edgeDiff;
    expect(edgeDiff).toBeLessThan(1e-6);

    const { metadata, ops, opsets } = decode(out);
    expect(ops).toEqual(['ai.onnx.ml:TreeEnsemble']);
    expect(opsets['ai.onnx.ml']).toBe(5);
    expect(JSON.parse(metadata.get(META.features) ?? 'null')).toEqual(loaded.saved.features);
    expect(JSON.parse(metadata.get(META.encoder) ?? 'null')).toEqual(loaded.saved.encoder);

    // Same model, same bytes: the export is deterministic.
    const again = join(tmp.dir, 'forest-again.onnx');
    expect((await runCli('export', '--model', model, '--format', 'onnx', '--out', again)).code).toBe(0);
    expect(readFileSync(again).equals(readFileSync(out))).toBe(true);
  });

  it('exports gradient boosting (trees, linear start, sigmoid); ONNX Runtime matches on every row, on split thresholds and with NaN', async () => {
    const { model, out, loaded, x } = await exportTelco('gradient_boosting');
    const state = loaded.saved.model as BoostingState;
    expect(state.trees).toHaveLength(60);
    expect(state.linear?.coef.some((b) => b !== 0)).toBe(true);
    const edges = edgeRows(state.trees, x);
    expect(edges.rows).toBeGreaterThan(200);
    const edgeDiff = maxAbsDiff(await scoreOnnx(out, edges), loaded.model.predictProba(edges));
    measured.gradient_boosting_edges = edgeDiff;
    expect(edgeDiff).toBeLessThan(1e-6);

    const { metadata, ops } = decode(out);
    expect(ops).toEqual(['ai.onnx.ml:TreeEnsemble', ':IsNaN', ':Sub', ':Where', ':MatMul', ':Add', ':Add', ':Sigmoid']);
    expect(metadata.get(META.kind)).toBe('gradient_boosting');
    // The producer the output guard trusts: a second export replaces the first.
    expect(isChurnscopeOnnx(readFileSync(out))).toBe(true);
    expect((await runCli('export', '--model', model, '--format', 'onnx', '--out', out)).code).toBe(0);
  });

  it('exports the missing-value side each boosting split learnt: Telco with about 15% of numeric cells blank, scored with blanks', async () => {
    const { train, test } = await prepareFromConfigFile(join(DATA, 'ibm-telco-churn.config.json'));
    const rng = new Rng(5);
    // Blanks that mean something (churners' more often), so splits learn to send them either way.
    const blank = (m: FeatureMatrix, y: Uint8Array): FeatureMatrix => makeMatrix(m.features, m.columns.map((c) => (
      c.every((v) => v === 0 || v === 1) ? c : c.map((v, i) => (rng.next() < (y[i] === 1 ? 0.3 : 0.1) ? Number.NaN : v))
    )));
    const fitted = await fitBoosting({ x: blank(train.x, train.y), y: train.y }, { ...DEFAULT_BOOSTING_PARAMS, rounds: 40, max_depth: 4, early_stopping_rounds: 0 }, new Rng(6));
    const state = fitted.toJSON();
    const sides = new Set(state.trees.flatMap((t) => t.default_left.filter((_, k) => t.feature[k] >= 0)));
    expect([...sides].sort()).toEqual([0, 1]);
    const template = await loadSavedModel(join(RUN, 'models', 'gradient_boosting.json'));
    const file = join(tmp.dir, 'boosting-missing.onnx');
    writeFileSync(file, exportOnnx({ ...template.saved, features: [...state.features], model: state }));

    const rows = blank(test.x, test.y);
    expect(rows.columns.some((c) => c.some(Number.isNaN))).toBe(true);
    const diff = maxAbsDiff(await scoreOnnx(file, rows), fitted.predictProba(rows));
    const edgeDiff = maxAbsDiff(await scoreOnnx(file, edgeRows(state.trees, test.x)), fitted.predictProba(edgeRows(state.trees, test.x)));
    measured.gradient_boosting_missing = Math.max(diff, edgeDiff);
    expect(diff).toBeLessThan(1e-6);
    expect(edgeDiff).toBeLessThan(1e-6);

    // Started from the churn rate alone (init "prior"): no linear nodes, the base score still added.
    const prior = new BoostingModel({ ...state, linear: null });
    const priorFile = join(tmp.dir, 'boosting-prior.onnx');
    writeFileSync(priorFile, exportOnnx({ ...template.saved, features: [...state.features], model: prior.toJSON() }));
    expect(decode(priorFile).ops).toEqual(['ai.onnx.ml:TreeEnsemble', ':Add', ':Sigmoid']);
    expect(maxAbsDiff(await scoreOnnx(priorFile, rows), prior.predictProba(rows))).toBeLessThan(1e-6);
    process.stderr.write(`onnx export, max |p_onnx - p_churnscope|: ${JSON.stringify(measured)}\n`);
  });

  it('encodes a one-leaf tree as the spec asks, with NaN and threshold ties going left (hand-made forest)', async () => {
    const loaded = await loadSavedModel(join(RUN, 'models', 'random_forest.json'));
    const tree = (t: Omit<Tree, 'n'>): Tree => ({ ...t, n: t.value.map(() => 1) });
    const trees = [
      tree({ feature: [-1], threshold: [0], left: [-1], right: [-1], value: [0.3] }),
      // root on feature 0 at 10: left leaf 0.1; right node on feature 1 at 0.5: leaves 0.6 / 0.9
      tree({ feature: [0, -1, 1, -1, -1], threshold: [10, 0, 0.5, 0, 0], left: [1, -1, 3, -1, -1], right: [2, -1, 4, -1, -1], value: [0.5, 0.1, 0.7, 0.6, 0.9] }),
    ];
    const saved = { ...loaded.saved, model: { ...(loaded.saved.model as ForestState), trees } };
    const file = join(tmp.dir, 'hand.onnx');
    writeFileSync(file, exportOnnx(saved));

    const pairs = [9, 10, 11, Number.NaN].flatMap((a) => [0.4, 0.5, 0.6, Number.NaN].map((b) => [a, b]));
    const features = loaded.saved.features;
    const x = makeMatrix(features, features.map((_, j) => Float64Array.from(pairs, (r) => (j < 2 ? r[j] : 0))));
    const expected = predictForestBatch(trees, x.columns, x.rows);
    // (9, 0.4) -> (0.3 + 0.1) / 2; (11, 0.6) -> (0.3 + 0.9) / 2; (10, NaN) and (NaN, 0.4) go left.
    expect(expected[0]).toBeCloseTo(0.2, 15);
    expect(expected[10]).toBeCloseTo(0.6, 15);
    expect(expected[7]).toBeCloseTo(0.2, 15);
    expect(expected[12]).toBeCloseTo(0.2, 15);
    expect(maxAbsDiff(await scoreOnnx(file, x), expected)).toBeLessThan(1e-15);
  });

  it('refuses a Cox model with a model error (exit 1) and writes nothing', async () => {
    const out = join(tmp.dir, 'cox.onnx');
    const { code, stderr } = await runCli('export', '--model', join(RUN, 'models', 'cox.json'), '--format', 'onnx', '--out', out);
    expect(code).toBe(1);
    expect(stderr).toContain('model error');
    expect(stderr).toContain('only logistic, random_forest and gradient_boosting models export to ONNX; this is a cox model');
    expect(stderr).toContain('cox.json');
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(tmp.dir).filter((f) => f.startsWith('.tmp-'))).toEqual([]);
  });

  it('exits 2 on an unknown format and 1 on a missing model file', async () => {
    const model = join(RUN, 'models', 'logistic.json');
    expect((await runCli('export', '--model', model, '--format', 'pmml', '--out', join(tmp.dir, 'x.pmml'))).code).toBe(2);
    expect((await runCli('export', '--model', model, '--out', join(tmp.dir, 'x.onnx'))).code).toBe(2);
    const missing = await runCli('export', '--model', join(tmp.dir, 'nope.json'), '--format', 'onnx', '--out', join(tmp.dir, 'y.onnx'));
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('nope.json');
  });
});
