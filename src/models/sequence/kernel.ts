/**
 * The sequence network for scoring: its logits and integrated gradients computed by hand in
 * WebAssembly (kernel.wat) from the weights TensorFlow.js trained. TensorFlow.js spent most of a
 * customer's time on copies and bookkeeping around small ops; here a customer's path points go
 * through the GRU and back in the core's cache. Each thread compiles a model's weights into its
 * own WebAssembly memory once; a customer's numbers are the same bits in any batch and thread.
 * Checked against the TensorFlow.js network (logits and gradients) by the tests.
 */
import { ModelError } from '../../errors.js';
import { WASM_BASE64 } from './kernel-wasm.js';
import type { SequenceBatch } from './layout.js';
import type { Shape, WeightName } from './network.js';
import { instantiate, Layout, type Kernel } from '../trees/wasm.js';

/** Customers per call into the kernel: their inputs and parts stay in the core's cache. */
const BLOCK_ROWS = 256;
/** The most quadrature nodes one call takes. */
const MAX_NODES = 1024;

const up4 = (n: number): number => Math.ceil(n / 4) * 4;

/** A model's weights and scratch in one WebAssembly memory, with room for a block of customers. */
export class SequenceKernel {
  private readonly logitsFn: Kernel;
  private readonly explainFn: Kernel;
  private readonly cells: Float32Array;
  private readonly mask: Float32Array;
  private readonly statics: Float32Array;
  private readonly out: Float32Array;
  private readonly nodes: Float32Array;
  private readonly weights: Float32Array;
  private readonly at: Record<'cells' | 'mask' | 'statics' | 'out' | 'nodes' | 'weights', number>;
  /** Parts per customer: every (month, channel) cell, every month's mask, every static. */
  readonly parts: number;

  constructor(readonly shape: Shape, values: ReadonlyMap<WeightName, Float32Array>) {
    const W = shape.months;
    const C = shape.channels;
    const S = shape.statics;
    const R = shape.relative.length;
    const I = C + R;
    const H0 = shape.hidden;
    const D0 = shape.dense;
    // Hidden and dense units rounded up to whole f32x4 vectors; the extra units have zero weights.
    const H = up4(H0);
    const G = 3 * H;
    const D = up4(D0);
    const Rp = up4(R);
    const Sp = up4(S);
    const Cp = up4(C);
    this.parts = W * (C + 1) + S;

    const layout = new Layout();
    const place = (floats: number): number => layout.place(4 * floats);
    const sizes = {
      wi: I * G, bi: G, witc: G * Cp, witr: G * Rp, u: H * G, bu: G, ut: G * H,
      wdh: H * D, wds: S * D, bd: D, wdth: D * H, wdts: D * Sp, wo: D, bo: 1,
      widex: W * I, widem: W, wides: S, relch: R, relmean: Rp, relsd: Rp,
      pc: W * Rp, cw: W * G, sw: D, dxws: W * G, dcr: W * Rp, dms: W, dpres: D, tmpc: Cp, tmps: Sp,
      e: W * Rp, lev: W * Rp, rel: W * Rp, sumlev: Rp, drel: W * Rp, mt: W, xw: G, hu: G,
      hs: (W + 1) * H, z: W * H, r: W * H, n: W * H, hn: W * H, hid: D, dpre: D, dh: H, dhp: H, dxw: G, dhu: G, dmt: W,
    };
    const address = Object.fromEntries(Object.entries(sizes).map(([name, floats]) => [name, place(floats)])) as Record<keyof typeof sizes, number>;
    this.at = {
      cells: place(BLOCK_ROWS * W * C),
      mask: place(BLOCK_ROWS * W),
      statics: place(BLOCK_ROWS * S),
      out: place(BLOCK_ROWS * Math.max(1, this.parts)),
      nodes: place(MAX_NODES),
      weights: place(MAX_NODES),
    };
    const { buffer, exports } = instantiate(WASM_BASE64, layout.size, { W, C, R, Rp, H, G, D, S, Sp, Cp, I, ...address });
    this.logitsFn = exports.logits;
    this.explainFn = exports.explain;

    const f32 = (name: keyof typeof sizes): Float32Array => new Float32Array(buffer, address[name], sizes[name]);
    const get = (name: WeightName): Float32Array => values.get(name) as Float32Array;
    // Gate g's unit k sits at g·H0 + k in the trained weights, at g·H + k here.
    const gate = (j: number): number => Math.floor(j / H0) * H + (j % H0);
    const gi = get('gru_input');
    const gb = get('gru_input_bias');
    const gu = get('gru_recurrent');
    const gub = get('gru_recurrent_bias');
    const [wi, bi, witc, witr, u, bu, ut] = [f32('wi'), f32('bi'), f32('witc'), f32('witr'), f32('u'), f32('bu'), f32('ut')];
    for (let j = 0; j < 3 * H0; j++) {
      const g = gate(j);
      bi[g] = gb[j];
      bu[g] = gub[j];
      for (let i = 0; i < I; i++) {
        const v = gi[i * 3 * H0 + j];
        wi[i * G + g] = v;
        if (i < C) witc[g * Cp + i] = v;
        else witr[g * Rp + i - C] = v;
      }
      for (let k = 0; k < H0; k++) {
        const v = gu[k * 3 * H0 + j];
        u[k * G + g] = v;
        ut[g * H + k] = v;
      }
    }
    const dense = get('dense');
    const [wdh, wds, wdth, wdts] = [f32('wdh'), f32('wds'), f32('wdth'), f32('wdts')];
    for (let d = 0; d < D0; d++) {
      for (let k = 0; k < H0; k++) {
        wdh[k * D + d] = dense[k * D0 + d];
        wdth[d * H + k] = dense[k * D0 + d];
      }
      for (let s = 0; s < S; s++) {
        wds[s * D + d] = dense[(H0 + s) * D0 + d];
        wdts[d * Sp + s] = dense[(H0 + s) * D0 + d];
      }
    }
    f32('bd').set(get('dense_bias'));
    f32('wo').set(get('output'));
    f32('bo').set(get('output_bias'));
    const wide = get('wide');
    f32('widex').set(wide.subarray(0, W * I));
    f32('widem').set(wide.subarray(W * I, W * I + W));
    f32('wides').set(wide.subarray(W * I + W));
    new Int32Array(buffer, address.relch, R).set(shape.relative.map((r) => r.channel));
    f32('relmean').set(shape.relative.map((r) => r.mean));
    f32('relsd').set(shape.relative.map((r) => r.sd));

    this.cells = new Float32Array(buffer, this.at.cells, BLOCK_ROWS * W * C);
    this.mask = new Float32Array(buffer, this.at.mask, BLOCK_ROWS * W);
    this.statics = new Float32Array(buffer, this.at.statics, BLOCK_ROWS * S);
    this.out = new Float32Array(buffer, this.at.out, BLOCK_ROWS * Math.max(1, this.parts));
    this.nodes = new Float32Array(buffer, this.at.nodes, MAX_NODES);
    this.weights = new Float32Array(buffer, this.at.weights, MAX_NODES);
  }

  /** Copies rows [from, from + n) of a batch into the kernel's input block. */
  private load(batch: SequenceBatch, from: number, n: number): void {
    const { months: W, channels: C, statics: S } = this.shape;
    this.cells.set(batch.cells.subarray(from * W * C, (from + n) * W * C));
    this.mask.set(batch.mask.subarray(from * W, (from + n) * W));
    this.statics.set(batch.statics.subarray(from * S, (from + n) * S));
  }

  /** The logit of every customer of a batch. */
  logits(batch: SequenceBatch): Float32Array {
    const out = new Float32Array(batch.rows);
    for (let from = 0; from < batch.rows; from += BLOCK_ROWS) {
      const n = Math.min(BLOCK_ROWS, batch.rows - from);
      this.load(batch, from, n);
      this.logitsFn(n, this.at.cells, this.at.mask, this.at.statics, this.at.out);
      out.set(this.out.subarray(0, n), from);
    }
    return out;
  }

  /**
   * Integrated gradients from the baseline customer (cells 0, every month observed, statics 0)
   * with a quadrature rule on [0, 1] (nodes and weights summing to 1): per customer, each input's
   * (x − x') · Σ_k w_k ∇logit(x' + α_k (x − x')), row-major in the model's feature order. Rows
   * listed in `rows` only (default all), written at their own positions of `into`.
   */
  explain(batch: SequenceBatch, nodes: ArrayLike<number>, weights: ArrayLike<number>, into: Float64Array, rows?: Int32Array): void {
    if (nodes.length > MAX_NODES) throw new ModelError(`integrated gradients take at most ${MAX_NODES} quadrature nodes, not ${nodes.length}`, { key: 'model_params.sequence.ig_steps' });
    this.nodes.set(nodes);
    this.weights.set(weights);
    const P = this.parts;
    const { months: W, channels: C, statics: S } = this.shape;
    const count = rows === undefined ? batch.rows : rows.length;
    for (let from = 0; from < count; from += BLOCK_ROWS) {
      const n = Math.min(BLOCK_ROWS, count - from);
      if (rows === undefined) this.load(batch, from, n);
      else {
        for (let k = 0; k < n; k++) {
          const r = rows[from + k];
          this.cells.set(batch.cells.subarray(r * W * C, (r + 1) * W * C), k * W * C);
          this.mask.set(batch.mask.subarray(r * W, (r + 1) * W), k * W);
          this.statics.set(batch.statics.subarray(r * S, (r + 1) * S), k * S);
        }
      }
      this.explainFn(n, this.at.cells, this.at.mask, this.at.statics, this.at.nodes, this.at.weights, nodes.length, this.at.out);
      for (let k = 0; k < n; k++) {
        const r = rows === undefined ? from + k : rows[from + k];
        for (let j = 0; j < P; j++) into[r * P + j] = this.out[k * P + j];
      }
    }
  }
}
