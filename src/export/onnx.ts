/**
 * A saved churnscope model as an ONNX graph, so a JVM batch or stream job (Spark, Flink, through
 * ONNX Runtime) scores customers with exactly the model churnscope trained.
 *
 * Every exported graph has one input, "features" (double, [N, p], columns in the model's feature
 * order), and one output, "churn_probability" (double, [N, 1]). Encoding raw columns into that
 * matrix stays the caller's job; the encoder (medians, one-hot levels) travels in the file's
 * metadata so the downstream job can reproduce it.
 */
import { ModelError } from '../errors.js';
import { MODEL_FORMAT, type SavedModel } from '../models/artifact.js';
import type { BoostingState, BoostTree } from '../models/boosting/boosting.js';
import type { ForestState } from '../models/forest/forest.js';
import type { Tree } from '../models/forest/tree.js';
import type { LogisticState } from '../models/logistic.js';
import { AttributeType, DataType, encodeModel, type Attribute, type Graph, type Model, type Node, type Tensor, type ValueInfo } from './onnx-schema.js';

/** IR 10 and opsets 21 / ai.onnx.ml 5 (ONNX 1.16): the first with TreeEnsemble and its double splits. */
export const ONNX_IR_VERSION = 10;
export const ONNX_OPSET = 21;
export const ONNX_ML_OPSET = 5;
export const ONNX_ML_DOMAIN = 'ai.onnx.ml';

/** ModelProto.model_version: the export's layout (names, shapes, metadata keys); bump when it changes. */
export const ONNX_EXPORT_VERSION = 1;

export const INPUT_NAME = 'features';
export const OUTPUT_NAME = 'churn_probability';

/** metadata_props keys. */
export const META = {
  features: 'churnscope.features',
  encoder: 'churnscope.encoder',
  kind: 'churnscope.model_kind',
  name: 'churnscope.model_name',
  formatVersion: 'churnscope.model_format_version',
  metrics: 'churnscope.metrics',
  output: 'churnscope.output',
} as const;

/** TreeEnsemble's nodes_modes value for `x <= split` (true branch). */
const BRANCH_LEQ = 0;
/** TreeEnsemble's aggregate_function value for SUM. */
const AGGREGATE_SUM = 1;

const encoder = new TextEncoder();

const attrInt = (name: string, i: number): Attribute => ({ name, type: AttributeType.INT, i });
const attrInts = (name: string, ints: number[]): Attribute => ({ name, type: AttributeType.INTS, ints });
const attrFloats = (name: string, floats: number[]): Attribute => ({ name, type: AttributeType.FLOATS, floats });
const attrString = (name: string, s: string): Attribute => ({ name, type: AttributeType.STRING, s: encoder.encode(s) });
const attrTensor = (name: string, t: Tensor): Attribute => ({ name, type: AttributeType.TENSOR, t });

const doubleTensor = (values: number[], dims = [values.length], name?: string): Tensor => ({ name, dims, data_type: DataType.DOUBLE, double_data: values });
const int64Tensor = (values: number[], name: string): Tensor => ({ name, dims: [values.length], data_type: DataType.INT64, int64_data: values });
// uint8 elements go in raw_data, one byte each (onnx.proto's rule for raw little-endian data).
const uint8Tensor = (values: number[]): Tensor => ({ dims: [values.length], data_type: DataType.UINT8, raw_data: Uint8Array.from(values) });

function valueInfo(name: string, elemType: number, dims: (number | string)[], doc: string): ValueInfo {
  return {
    name,
    type: { tensor_type: { elem_type: elemType, shape: { dim: dims.map((d) => (typeof d === 'number' ? { dim_value: d } : { dim_param: d })) } } },
    doc_string: doc,
  };
}

function node(op_type: string, domain: string, input: string[], output: string[], attribute: Attribute[] = []): Node {
  return { op_type, domain, input, output, name: `${op_type}_${output[0]}`, attribute };
}

function checkFinite(values: readonly number[], what: string, file: string | undefined): void {
  const bad = values.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0) throw new ModelError(`the model's ${what} has a non-finite value at position ${bad}; it cannot be exported`, { file });
}

/**
 * Logistic regression: ai.onnx.ml LinearClassifier, then column 1 of its scores, cast to double.
 * Two classes with coefficient rows −w and w and intercepts −b and b, so LOGISTIC applies to each
 * score and gives [1 − p, p] (with one row ONNX Runtime pads the second class its own way).
 * LinearClassifier's attributes are float32 and ONNX Runtime computes it in float32: the tests
 * measure the difference from churnscope's double result (Telco: 1.1e-7).
 */
function logisticNodes(state: LogisticState, file: string | undefined): { nodes: Node[]; initializers: Tensor[] } {
  // Finite in float32 too: a coefficient past 3.4e38 would become Infinity in the attribute.
  checkFinite(state.coef.map(Math.fround), 'coefficients', file);
  checkFinite([Math.fround(state.intercept)], 'intercept', file);
  const classifier = node('LinearClassifier', ONNX_ML_DOMAIN, [INPUT_NAME], ['label', 'scores'], [
    attrFloats('coefficients', [...state.coef.map((b) => -b), ...state.coef]),
    attrFloats('intercepts', [-state.intercept, state.intercept]),
    attrInts('classlabels_ints', [0, 1]),
    attrString('post_transform', 'LOGISTIC'),
    attrInt('multi_class', 0),
  ]);
  const slice = node('Slice', '', ['scores', 'slice_starts', 'slice_ends', 'slice_axes'], ['churn_probability_float']);
  const cast = node('Cast', '', ['churn_probability_float'], [OUTPUT_NAME], [attrInt('to', DataType.DOUBLE)]);
  return {
    nodes: [classifier, slice, cast],
    initializers: [int64Tensor([1], 'slice_starts'), int64Tensor([2], 'slice_ends'), int64Tensor([1], 'slice_axes')],
  };
}

/** The flat arrays TreeEnsemble wants: interior nodes and leaves in separate lists. */
interface EnsembleArrays {
  featureIds: number[];
  splits: number[];
  trueIds: number[];
  trueLeafs: number[];
  falseIds: number[];
  falseLeafs: number[];
  roots: number[];
  leafWeights: number[];
  missingTrue: number[]; // 1: NaN takes the true (left) branch
}

const emptyArrays = (): EnsembleArrays => ({ featureIds: [], splits: [], trueIds: [], trueLeafs: [], falseIds: [], falseLeafs: [], roots: [], leafWeights: [], missingTrue: [] });

/**
 * Appends one tree; churnscope goes left when !(x > threshold), i.e. x <= threshold is the true
 * branch. NaN goes left unless the tree learnt otherwise (boosting's `default_left`).
 */
function addTree(out: EnsembleArrays, tree: Tree | BoostTree, weight: number, treeIndex: number, p: number, file: string | undefined): void {
  const n = tree.feature.length;
  const defaultLeft = 'default_left' in tree ? tree.default_left : null;
  if (defaultLeft !== null && defaultLeft.length !== n) throw new ModelError(`tree ${treeIndex} is malformed: ${defaultLeft.length} missing-value directions for ${n} nodes`, { file });
  for (const f of tree.feature) {
    if (f >= p) throw new ModelError(`tree ${treeIndex} splits on feature ${f}, but the model has ${p} features`, { file });
  }
  // Global positions: interior nodes index nodes_*, leaves index leaf_*, each in the tree's own order.
  const position = new Int32Array(n);
  let nextInterior = out.splits.length;
  let nextLeaf = out.leafWeights.length;
  for (let k = 0; k < n; k++) position[k] = tree.feature[k] >= 0 ? nextInterior++ : nextLeaf++;
  const firstNode = out.splits.length;
  for (let k = 0; k < n; k++) {
    if (tree.feature[k] < 0) {
      if (!Number.isFinite(tree.value[k])) throw new ModelError(`tree ${treeIndex} has a non-finite leaf value at node ${k}`, { file });
      out.leafWeights.push(tree.value[k] * weight);
      continue;
    }
    if (!Number.isFinite(tree.threshold[k])) throw new ModelError(`tree ${treeIndex} has a non-finite threshold at node ${k}`, { file });
    const l = tree.left[k];
    const r = tree.right[k];
    if (!(l > 0 && l < n && r > 0 && r < n)) throw new ModelError(`tree ${treeIndex} is malformed: node ${k} has children ${l} and ${r} of ${n} nodes`, { file });
    out.featureIds.push(tree.feature[k]);
    out.splits.push(tree.threshold[k]);
    out.trueLeafs.push(tree.feature[l] < 0 ? 1 : 0);
    out.trueIds.push(position[l]);
    out.falseLeafs.push(tree.feature[r] < 0 ? 1 : 0);
    out.falseIds.push(position[r]);
    out.missingTrue.push(defaultLeft === null || defaultLeft[k] === 1 ? 1 : 0);
  }
  if (tree.feature[0] >= 0) {
    out.roots.push(firstNode);
    return;
  }
  // A tree that is one leaf: the spec's encoding is one node whose both branches reach that leaf.
  out.roots.push(out.splits.length);
  out.featureIds.push(0);
  out.splits.push(0);
  out.trueLeafs.push(1);
  out.trueIds.push(position[0]);
  out.falseLeafs.push(1);
  out.falseIds.push(position[0]);
  out.missingTrue.push(1);
}

/** One ai.onnx.ml TreeEnsemble (opset 5) summing every leaf reached into one double target. */
function ensembleNode(arrays: EnsembleArrays, output: string): Node {
  return node('TreeEnsemble', ONNX_ML_DOMAIN, [INPUT_NAME], [output], [
    attrInts('nodes_featureids', arrays.featureIds),
    attrTensor('nodes_splits', doubleTensor(arrays.splits)),
    attrTensor('nodes_modes', uint8Tensor(new Array<number>(arrays.splits.length).fill(BRANCH_LEQ))),
    attrInts('nodes_truenodeids', arrays.trueIds),
    attrInts('nodes_trueleafs', arrays.trueLeafs),
    attrInts('nodes_falsenodeids', arrays.falseIds),
    attrInts('nodes_falseleafs', arrays.falseLeafs),
    attrInts('nodes_missing_value_tracks_true', arrays.missingTrue),
    attrInts('tree_roots', arrays.roots),
    attrInts('leaf_targetids', new Array<number>(arrays.leafWeights.length).fill(0)),
    attrTensor('leaf_weights', doubleTensor(arrays.leafWeights)),
    attrInt('n_targets', 1),
    attrInt('aggregate_function', AGGREGATE_SUM),
    attrInt('post_transform', 0),
  ]);
}

/**
 * Random forest: one ai.onnx.ml TreeEnsemble (opset 5), double splits and leaf weights (no float32
 * rounding to flip a branch), one target summing leaf P(churn) / trees, i.e. the mean over trees.
 * NaN goes to the true (left) branch, as churnscope's `x > t ? right : left` sends it.
 */
function forestNodes(state: ForestState, p: number, file: string | undefined): { nodes: Node[]; initializers: Tensor[] } {
  const trees = state.trees;
  if (trees.length === 0) throw new ModelError('the forest has no trees', { file });
  const arrays = emptyArrays();
  trees.forEach((tree, t) => addTree(arrays, tree, 1 / trees.length, t, p, file));
  return { nodes: [ensembleNode(arrays, OUTPUT_NAME)], initializers: [] };
}

/**
 * Gradient boosting: the margin is base_score + Σ_j coef_j (x_j − mean_j) over present values (a
 * NaN adds nothing, as in churnscope) + the trees' summed leaf values, then the sigmoid. The
 * trees are one TreeEnsemble with each split's learnt missing-value side; the linear start is
 * Sub, Where(IsNaN, 0), MatMul; all in double, so only summation order differs from churnscope.
 */
function boostingNodes(state: BoostingState, p: number, file: string | undefined): { nodes: Node[]; initializers: Tensor[] } {
  checkFinite([state.base_score], 'base score', file);
  if (state.trees.length === 0) throw new ModelError('the boosting model has no trees', { file });
  const arrays = emptyArrays();
  state.trees.forEach((tree, t) => addTree(arrays, tree, 1, t, p, file));
  const nodes = [ensembleNode(arrays, 'tree_margin')];
  const initializers = [doubleTensor([state.base_score], [1], 'base_score')];
  let beforeBase = 'tree_margin';
  const linear = state.linear;
  if (linear !== null) {
    if (linear.coef.length !== p || linear.mean.length !== p) throw new ModelError(`the linear start has ${linear.coef.length} coefficients and ${linear.mean.length} means for ${p} features`, { file });
    checkFinite(linear.coef, 'linear coefficients', file);
    checkFinite(linear.mean, 'linear means', file);
    initializers.push(doubleTensor(linear.mean, [p], 'linear_mean'), doubleTensor(linear.coef, [p, 1], 'linear_coef'), doubleTensor([0], [], 'zero'));
    nodes.push(
      node('IsNaN', '', [INPUT_NAME], ['missing']),
      node('Sub', '', [INPUT_NAME, 'linear_mean'], ['centred']),
      node('Where', '', ['missing', 'zero', 'centred'], ['centred_present']),
      node('MatMul', '', ['centred_present', 'linear_coef'], ['linear_margin']),
      node('Add', '', ['tree_margin', 'linear_margin'], ['margin_without_base']),
    );
    beforeBase = 'margin_without_base';
  }
  nodes.push(node('Add', '', [beforeBase, 'base_score'], ['margin']), node('Sigmoid', '', ['margin'], [OUTPUT_NAME]));
  return { nodes, initializers };
}

function docString(saved: SavedModel): string {
  return [
    `churnscope ${saved.kind} model "${saved.name}" (${MODEL_FORMAT} version ${saved.version}).`,
    `Input "${INPUT_NAME}": double [N, ${saved.features.length}], one row per customer, columns in this order:`,
    saved.features.map((f, j) => `  ${j}: ${f}`).join('\n'),
    `Output "${OUTPUT_NAME}": double [N, 1], P(churn).`,
    `Build the input as churnscope scores: with the encoder in metadata_props "${META.encoder}",`,
    'numeric columns as they are (blank or NaN: the training median), text columns one-hot as',
    '"column=level" (a level not seen in training: all zeros), derived features from their roles first.',
  ].join('\n');
}

const EXPORTABLE = ['logistic', 'random_forest', 'gradient_boosting'] as const;
type ExportableState = LogisticState | ForestState | BoostingState;

function modelNodes(state: ExportableState, p: number, file: string | undefined): { nodes: Node[]; initializers: Tensor[] } {
  switch (state.kind) {
    case 'logistic':
      return logisticNodes(state, file);
    case 'random_forest':
      return forestNodes(state, p, file);
    case 'gradient_boosting':
      return boostingNodes(state, p, file);
  }
}

/** The ONNX model (ModelProto as a plain object) for a saved logistic, random-forest or boosting model. */
export function onnxModel(saved: SavedModel, file?: string): Model {
  const kind = saved.model.kind;
  if (!(EXPORTABLE as readonly string[]).includes(kind)) {
    throw new ModelError(`only logistic, random_forest and gradient_boosting models export to ONNX; this is a ${kind} model`, {
      file,
      hint: 'A Cox model needs its baseline survival curve and each customer\'s tenure to give P(churn); export the logistic, random_forest or gradient_boosting model of the same run.',
    });
  }
  const state = saved.model as ExportableState;
  const features = saved.features;
  if (state.features.length !== features.length || state.features.some((f, j) => f !== features[j])) {
    throw new ModelError('the model state\'s feature list differs from the file\'s "features"; the file is inconsistent', { file, key: 'features' });
  }
  const p = features.length;
  const { nodes, initializers } = modelNodes(state, p, file);
  const graph: Graph = {
    name: `churnscope_${saved.name}`,
    node: nodes,
    initializer: initializers,
    input: [valueInfo(INPUT_NAME, DataType.DOUBLE, ['N', p], `columns in order: ${features.join(', ')}`)],
    output: [valueInfo(OUTPUT_NAME, DataType.DOUBLE, ['N', 1], 'P(churn)')],
    doc_string: `churnscope ${saved.kind} model "${saved.name}": ${INPUT_NAME} [N, ${p}] -> ${OUTPUT_NAME} [N, 1]`,
  };
  return {
    ir_version: ONNX_IR_VERSION,
    producer_name: 'churnscope',
    domain: 'churnscope',
    model_version: ONNX_EXPORT_VERSION,
    doc_string: docString(saved),
    graph,
    opset_import: [{ domain: '', version: ONNX_OPSET }, { domain: ONNX_ML_DOMAIN, version: ONNX_ML_OPSET }],
    metadata_props: [
      { key: META.features, value: JSON.stringify(features) },
      { key: META.encoder, value: JSON.stringify(saved.encoder) },
      { key: META.kind, value: kind },
      { key: META.name, value: saved.name },
      { key: META.formatVersion, value: String(saved.version) },
      { key: META.metrics, value: JSON.stringify(saved.metrics) },
      { key: META.output, value: `${OUTPUT_NAME}: P(churn), double [N, 1]` },
    ],
  };
}

/** The ONNX file's bytes for a saved logistic, random-forest or boosting model. */
export function exportOnnx(saved: SavedModel, file?: string): Uint8Array {
  return encodeModel(onnxModel(saved, file));
}
