/**
 * How the sequence model reads a feature matrix: the `seq_<channel>_lag<k>` columns as a
 * [rows, months, channels] block (oldest month first), the `seq_active_lag<k>` mask, and a few
 * static features. Scaling uses statistics learnt from the training rows and saved in the model:
 * counts and amounts as log(1 + x), dropped calls as a share of calls, then standardised; a masked
 * month reads 0 (the training mean), so it carries no signal and no attribution.
 */
import type { FeatureMatrix } from '../../data/matrix.js';
import { MASK_CHANNEL, parseSequenceColumn, SEQUENCE_CHANNELS, sequenceColumn } from '../../features/panel/sequence.js';
import { ModelError } from '../../errors.js';

/** The static part, by feature name or one-hot prefix (`segment=`): tenure, months to contract end, contract, segment, plan. */
export const DEFAULT_STATIC = ['tenure_months', 'months_to_contract_end', 'has_contract', 'segment=', 'plan='];

/** Log-scaled usage channels, also read relative to the customer's own level (see network). */
export const RELATIVE_CHANNELS = ['out_calls', 'in_calls', 'out_minutes', 'in_minutes', 'data_mb', 'revenue', 'distinct_called'];

export interface SequenceLayout {
  months: number;
  channels: string[];
  statics: string[];
}

export interface Scaling {
  channel_mean: number[];
  channel_sd: number[];
  static_mean: number[];
  static_sd: number[];
  /** Which statics are log-scaled (tenure: skewed). */
  static_log: boolean[];
}

/** The model's feature list in matrix order: every (month, channel) cell oldest first, the masks, the statics. */
export function layoutFeatures(layout: SequenceLayout): string[] {
  const out: string[] = [];
  for (let m = 0; m < layout.months; m++) for (const c of layout.channels) out.push(sequenceColumn(c, layout.months - 1 - m));
  for (let m = 0; m < layout.months; m++) out.push(sequenceColumn(MASK_CHANNEL, layout.months - 1 - m));
  return [...out, ...layout.statics];
}

/** The layout a training matrix offers: its window and channels, and the statics it has. */
export function layoutOf(features: readonly string[], statics: readonly string[]): SequenceLayout {
  let months = 0;
  const present = new Set<string>();
  for (const f of features) {
    const p = parseSequenceColumn(f);
    if (p === null) continue;
    months = Math.max(months, p.lag + 1);
    if (p.channel !== MASK_CHANNEL) present.add(p.channel);
  }
  if (months === 0) {
    throw new ModelError('the sequence model needs the monthly sequence columns (seq_<channel>_lag<k>): train it on an operator panel', { key: 'models' });
  }
  const channels = SEQUENCE_CHANNELS.map((c) => c.name).filter((c) => present.has(c));
  const chosen = features.filter((f) => parseSequenceColumn(f) === null && statics.some((s) => (s.endsWith('=') ? f.startsWith(s) : f === s)));
  return { months, channels, statics: chosen };
}

/** The typed inputs of a batch, row-major: cells [rows, months, channels], mask [rows, months], statics [rows, statics]. */
export interface SequenceBatch {
  rows: number;
  cells: Float32Array;
  mask: Float32Array;
  statics: Float32Array;
}

const logScaled = (v: number): number => Math.log1p(Math.max(0, v));

/**
 * Each channel's value in month m of row r before standardising: log(1 + x) for counts and
 * amounts; dropped calls as a share of the month's calls, the rate operators watch (as a count it
 * mostly repeats how much the customer calls).
 */
function channelReaders(x: FeatureMatrix, layout: SequenceLayout): ((m: number, r: number) => number)[] {
  const C = layout.channels.length;
  const col = (m: number, c: number): Float64Array => x.columns[m * C + c];
  const out = layout.channels.indexOf('out_calls');
  const inc = layout.channels.indexOf('in_calls');
  return layout.channels.map((name, c) => {
    if (name === 'dropped_calls' && out >= 0 && inc >= 0) {
      return (m, r) => col(m, c)[r] / Math.max(1, col(m, out)[r] + col(m, inc)[r]);
    }
    return (m, r) => logScaled(col(m, c)[r]);
  });
}

/** Training statistics: per channel over the months the customers were active, per static over rows. */
export function fitScaling(x: FeatureMatrix, layout: SequenceLayout): Scaling {
  const { months, channels, statics } = layout;
  const C = channels.length;
  const sum = new Float64Array(C);
  const sq = new Float64Array(C);
  let n = 0;
  const read = channelReaders(x, layout);
  for (let m = 0; m < months; m++) {
    const mask = x.columns[months * C + m];
    for (let c = 0; c < C; c++) {
      for (let i = 0; i < x.rows; i++) {
        if (mask[i] !== 1) continue;
        const v = read[c](m, i);
        sum[c] += v;
        sq[c] += v * v;
      }
    }
    for (let i = 0; i < x.rows; i++) if (mask[i] === 1) n++;
  }
  const meanSd = (s: number, q: number, count: number): [number, number] => {
    const mean = count > 0 ? s / count : 0;
    const sd = count > 1 ? Math.sqrt(Math.max(0, q / count - mean * mean)) : 0;
    return [mean, sd > 1e-12 ? sd : 1];
  };
  const channel = Array.from({ length: C }, (_, c) => meanSd(sum[c], sq[c], n));
  const staticLog = statics.map((s) => s === 'tenure_months');
  const stat = statics.map((_, j) => {
    const col = x.columns[months * (C + 1) + j];
    let s = 0;
    let q = 0;
    for (let i = 0; i < x.rows; i++) {
      const v = staticLog[j] ? logScaled(col[i]) : col[i];
      s += v;
      q += v * v;
    }
    return meanSd(s, q, x.rows);
  });
  return {
    channel_mean: channel.map((p) => p[0]),
    channel_sd: channel.map((p) => p[1]),
    static_mean: stat.map((p) => p[0]),
    static_sd: stat.map((p) => p[1]),
    static_log: staticLog,
  };
}

/**
 * Rows of a matrix in the model's feature order, scaled, as float32 (what the network reads).
 * `rows` picks rows (training batches); by default all, in order.
 */
export function toBatch(x: FeatureMatrix, layout: SequenceLayout, scaling: Scaling, rows?: ArrayLike<number>): SequenceBatch {
  const { months, channels, statics } = layout;
  const C = channels.length;
  const S = statics.length;
  const n = rows === undefined ? x.rows : rows.length;
  const cells = new Float32Array(n * months * C);
  const mask = new Float32Array(n * months);
  const stat = new Float32Array(n * S);
  const row = (i: number): number => (rows === undefined ? i : rows[i]);
  const read = channelReaders(x, layout);
  for (let m = 0; m < months; m++) {
    const maskCol = x.columns[months * C + m];
    for (let i = 0; i < n; i++) mask[i * months + m] = maskCol[row(i)] === 1 ? 1 : 0;
    for (let c = 0; c < C; c++) {
      const mean = scaling.channel_mean[c];
      const sd = scaling.channel_sd[c];
      for (let i = 0; i < n; i++) {
        const r = row(i);
        cells[(i * months + m) * C + c] = maskCol[r] === 1 ? (read[c](m, r) - mean) / sd : 0;
      }
    }
  }
  for (let j = 0; j < S; j++) {
    const col = x.columns[months * (C + 1) + j];
    const mean = scaling.static_mean[j];
    const sd = scaling.static_sd[j];
    const log = scaling.static_log[j];
    for (let i = 0; i < n; i++) {
      const v = col[row(i)];
      stat[i * S + j] = ((log ? logScaled(v) : v) - mean) / sd;
    }
  }
  return { rows: n, cells, mask, statics: stat };
}
