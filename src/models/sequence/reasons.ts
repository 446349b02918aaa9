/**
 * The sequence model's reasons: its integrated-gradients parts (one per channel and month) summed
 * per channel (and over the channels, per month, for a view by month); each channel said in words from what the customer's months did where the part sits ("outgoing calls
 * fell 40% over the last 2 months").
 */
import type { FeatureMatrix } from '../../data/matrix.js';
import { MASK_CHANNEL, parseSequenceColumn, SEQUENCE_CHANNELS } from '../../features/panel/sequence.js';
import type { BatchExplanation, ReasonParts } from '../model.js';

/**
 * Reason names for a model's features: each channel's months become the channel, the activity
 * masks "active"; every other feature stays itself. `group[j]` is feature j's reason.
 */
export function monthlyReasonNames(features: readonly string[]): { names: string[]; group: Int32Array } {
  const names: string[] = [];
  const index = new Map<string, number>();
  const group = new Int32Array(features.length);
  const channelOrder = [...SEQUENCE_CHANNELS.map((c) => c.name), MASK_CHANNEL];
  // Channels first, in their usual order, then the other features in theirs.
  const present = new Set(features.map((f) => parseSequenceColumn(f)?.channel).filter((c): c is string => c !== undefined));
  for (const c of channelOrder) if (present.has(c)) index.set(c, names.push(c) - 1);
  features.forEach((f, j) => {
    const name = parseSequenceColumn(f)?.channel ?? f;
    let g = index.get(name);
    if (g === undefined) index.set(name, (g = names.push(name) - 1));
    group[j] = g;
  });
  return { names, group };
}

/**
 * Parts summed per reason (rows × names), and the sentence of a channel reason for a row. Works
 * on any matrix holding the months (the sequence model's, or a blend's, whose parts are on the
 * probability scale: the sentence reads only where the part sits, so the scale does not matter).
 */
export function monthlyReasonParts(x: FeatureMatrix, e: BatchExplanation): ReasonParts {
  const { names, group } = monthlyReasonNames(x.features);
  const G = names.length;
  const P = x.features.length;
  const parts = new Float64Array(x.rows * G);
  for (let i = 0; i < x.rows; i++) for (let j = 0; j < P; j++) parts[i * G + group[j]] += e.contributions[i * P + j];
  // Per channel: its cells and mask columns by lag (0 = month T).
  const cell = new Map<string, number[]>();
  const mask: number[] = [];
  x.features.forEach((f, j) => {
    const s = parseSequenceColumn(f);
    if (s === null) return;
    if (s.channel === MASK_CHANNEL) mask[s.lag] = j;
    else (cell.get(s.channel) ?? cell.set(s.channel, []).get(s.channel) as number[])[s.lag] = j;
  });
  const view = (channel: string): ChannelView | null => {
    const cols = cell.get(channel);
    return cols === undefined ? null : { months: mask.length, value: (row, lag) => x.columns[cols[lag]][row], active: (row, lag) => x.columns[mask[lag]][row] === 1, part: (row, lag) => e.contributions[row * P + cols[lag]] };
  };
  return {
    names,
    parts,
    sentence: (row, g) => {
      const name = names[g];
      if (name === MASK_CHANNEL) return historySentence(mask.length, (lag) => x.columns[mask[lag]][row] === 1);
      const v = view(name);
      return v === null ? null : channelSentence(name, v, row);
    },
  };
}

/** One channel of a matrix, by lag (0 = month T). */
interface ChannelView {
  months: number;
  value(row: number, lag: number): number;
  active(row: number, lag: number): boolean;
  part(row: number, lag: number): number;
}

const meaning = new Map(SEQUENCE_CHANNELS.map((c) => [c.name, c.meaning]));
const NUMBER_WORDS = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten', 'eleven', 'twelve'];
const monthsWord = (k: number): string => (k === 1 ? 'the last month' : `the last ${NUMBER_WORDS[k] ?? k} months`);
const plural = (n: number, one: string): string => `${n} ${one}${n === 1 ? '' : 's'}`;

/**
 * The channel of one row in words. The span is the fewest latest months holding most (60%) of the
 * channel's part; the change compares their mean with the mean of the earlier active months.
 */
function channelSentence(name: string, v: ChannelView, row: number): string {
  const W = v.months;
  let total = 0;
  for (let lag = 0; lag < W; lag++) total += v.part(row, lag);
  let span = 1;
  for (let acc = 0, k = 1; k <= W; k++) {
    acc += v.part(row, k - 1);
    span = k;
    if (Math.abs(acc) >= 0.6 * Math.abs(total)) break;
  }
  if (name === 'complaints') {
    let n = 0;
    for (let lag = 0; lag < span; lag++) if (v.active(row, lag)) n += v.value(row, lag);
    return `${plural(n, 'complaint')} opened in ${monthsWord(span)}`;
  }
  if (name === 'unresolved') return `${plural(v.value(row, 0), 'complaint')} still unresolved`;
  const mean = (from: number, to: number): number | null => {
    let s = 0;
    let n = 0;
    for (let lag = from; lag < to; lag++) if (v.active(row, lag)) { s += v.value(row, lag); n++; }
    return n === 0 ? null : s / n;
  };
  const words = meaning.get(name) ?? name;
  const recent = mean(0, span);
  const before = span < W ? mean(span, W) : null;
  if (recent === null) return `no ${words} recorded`;
  if (before === null || before === 0) return `${words}: ${round(recent)} a month over ${monthsWord(span)}`;
  const change = recent / before - 1;
  if (Math.abs(change) < 0.005) return `${words} steady over ${monthsWord(span)}`;
  return `${words} ${change < 0 ? 'fell' : 'rose'} ${Math.round(Math.abs(change) * 100)}% over ${monthsWord(span)}`;
}

/** The activity mask in words: how much of the window the customer was there for. */
function historySentence(months: number, active: (lag: number) => boolean): string {
  let n = 0;
  for (let lag = 0; lag < months; lag++) if (active(lag)) n++;
  const w = (k: number): string => NUMBER_WORDS[k] ?? String(k);
  return n === months ? `active all of the last ${w(months)} months` : `active only ${w(n)} of the last ${w(months)} months`;
}

const round = (v: number): string => (Number.isInteger(v) ? String(v) : v.toFixed(1));

/** Every channel's part in each month, rows × months (lag 0 = month T first). */
export function monthParts(x: FeatureMatrix, e: BatchExplanation): { months: number; parts: Float64Array } {
  const lags = x.features.map((f) => {
    const s = parseSequenceColumn(f);
    return s === null || s.channel === MASK_CHANNEL ? -1 : s.lag;
  });
  const months = Math.max(0, ...lags) + 1;
  const P = x.features.length;
  const parts = new Float64Array(x.rows * months);
  for (let i = 0; i < x.rows; i++) for (let j = 0; j < P; j++) if (lags[j] >= 0) parts[i * months + lags[j]] += e.contributions[i * P + j];
  return { months, parts };
}
