/**
 * The sequence model's reasons: its integrated-gradients parts (one per channel and month) summed
 * per channel, per static feature (one-hot levels together) and, for the months, per month; each
 * channel said in words from what the customer's months did where the part sits ("outgoing calls
 * fell 40% over the last 2 months").
 */
import type { FeatureMatrix } from '../../data/matrix.js';
import { MASK_CHANNEL, SEQUENCE_CHANNELS } from '../../features/panel/sequence.js';
import type { BatchExplanation } from '../model.js';
import type { SequenceLayout } from './layout.js';

/** Parts per reason: channels, the activity mask ("history"), then statics by base name. */
export interface GroupedParts {
  names: string[]; // channel names, "active", then static base names (segment, plan, ...)
  parts: Float64Array; // rows × names, row-major
  months: Float64Array; // rows × months, oldest first: every channel's part in that month
}

const baseName = (f: string): string => (f.includes('=') ? f.slice(0, f.indexOf('=')) : f);

export function groupParts(layout: SequenceLayout, e: BatchExplanation, rows: number): GroupedParts {
  const W = layout.months;
  const C = layout.channels.length;
  const statics = [...new Set(layout.statics.map(baseName))];
  const names = [...layout.channels, MASK_CHANNEL, ...statics];
  const staticGroup = layout.statics.map((f) => C + 1 + statics.indexOf(baseName(f)));
  const P = W * C + W + layout.statics.length;
  const G = names.length;
  const parts = new Float64Array(rows * G);
  const months = new Float64Array(rows * W);
  for (let i = 0; i < rows; i++) {
    const row = i * P;
    for (let m = 0; m < W; m++) {
      for (let c = 0; c < C; c++) {
        const v = e.contributions[row + m * C + c];
        parts[i * G + c] += v;
        months[i * W + m] += v;
      }
      parts[i * G + C] += e.contributions[row + W * C + m];
    }
    for (let j = 0; j < layout.statics.length; j++) parts[i * G + staticGroup[j]] += e.contributions[row + W * C + W + j];
  }
  return { names, parts, months };
}

const meaning = new Map(SEQUENCE_CHANNELS.map((c) => [c.name, c.meaning]));
const NUMBER_WORDS = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten', 'eleven', 'twelve'];
const monthsWord = (k: number): string => (k === 1 ? 'the last month' : `the last ${NUMBER_WORDS[k] ?? k} months`);
const plural = (n: number, one: string): string => `${n} ${one}${n === 1 ? '' : 's'}`;

/**
 * The channel of one row in words. The span is the fewest latest months holding most (60%) of the
 * channel's part; the change compares their mean with the mean of the earlier active months.
 */
export function channelSentence(layout: SequenceLayout, x: FeatureMatrix, e: BatchExplanation, row: number, channel: number): string {
  const W = layout.months;
  const C = layout.channels.length;
  const name = layout.channels[channel];
  const P = x.features.length;
  const value = (m: number): number => x.columns[m * C + channel][row];
  const active = (m: number): boolean => x.columns[W * C + m][row] === 1;
  const part = (m: number): number => e.contributions[row * P + m * C + channel];
  let total = 0;
  for (let m = 0; m < W; m++) total += part(m);
  let span = 1;
  for (let acc = 0, k = 1; k <= W; k++) {
    acc += part(W - k);
    span = k;
    if (Math.abs(acc) >= 0.6 * Math.abs(total)) break;
  }
  if (name === 'complaints') {
    let n = 0;
    for (let m = W - span; m < W; m++) if (active(m)) n += value(m);
    return `${plural(n, 'complaint')} opened in ${monthsWord(span)}`;
  }
  if (name === 'unresolved') return `${plural(value(W - 1), 'complaint')} still unresolved`;
  const mean = (from: number, to: number): number | null => {
    let s = 0;
    let n = 0;
    for (let m = from; m < to; m++) if (active(m)) { s += value(m); n++; }
    return n === 0 ? null : s / n;
  };
  const words = meaning.get(name) ?? name;
  const recent = mean(W - span, W);
  const before = span < W ? mean(0, W - span) : null;
  if (recent === null) return `no ${words} recorded`;
  if (before === null || before === 0) return `${words}: ${round(recent)} a month over ${monthsWord(span)}`;
  const change = recent / before - 1;
  if (Math.abs(change) < 0.005) return `${words} steady over ${monthsWord(span)}`;
  return `${words} ${change < 0 ? 'fell' : 'rose'} ${Math.round(Math.abs(change) * 100)}% over ${monthsWord(span)}`;
}

/** The activity mask in words: how much of the window the customer was there for. */
export function historySentence(layout: SequenceLayout, x: FeatureMatrix, row: number): string {
  const W = layout.months;
  const C = layout.channels.length;
  let n = 0;
  for (let m = 0; m < W; m++) if (x.columns[W * C + m][row] === 1) n++;
  return n === W ? `active all of the last ${NUMBER_WORDS[W] ?? W} months` : `active only ${NUMBER_WORDS[n] ?? n} of the last ${NUMBER_WORDS[W] ?? W} months`;
}

const round = (v: number): string => (Number.isInteger(v) ? String(v) : v.toFixed(1));
