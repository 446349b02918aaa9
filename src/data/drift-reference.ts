/**
 * The training reference distribution saved in the model file, against which scoring measures
 * drift (population stability index). One entry per raw input column the encoder reads; derived
 * features are skipped, since scoring computes them from raw columns that are checked themselves.
 * Shares are rounded to 6 decimals and edges are training values, so model files stay
 * byte-identical across runs.
 */
import type { CustomerTable } from '../ingest/table.js';
import { findColumn } from '../ingest/table.js';
import { binOf } from './bins.js';
import type { EncoderState } from './encoder.js';

/** Bins: value ≤ edges[0], (edges[0], edges[1]], …, > edges[last], then missing (blank, NaN, ±Infinity). */
export interface NumericReference {
  kind: 'numeric';
  column: string;
  edges: number[]; // unique training deciles, ascending
  shares: number[]; // edges.length + 2 shares of training rows: the bins, then missing
}

/** Bins: one per level, then everything else (unknown levels and missing). */
export interface CategoricalReference {
  kind: 'categorical';
  column: string;
  levels: string[]; // the encoder's known levels
  shares: number[]; // levels.length + 1 shares of training rows
}

export type ColumnReference = NumericReference | CategoricalReference;

export interface DriftReference {
  rows: number; // training rows the shares are taken from
  columns: ColumnReference[];
}

const share = (count: number, total: number): number => (total === 0 ? 0 : Math.round((count / total) * 1e6) / 1e6);

/** Deciles by nearest rank (training values, not interpolations), duplicates dropped. */
export function decileEdges(sorted: Float64Array): number[] {
  const edges: number[] = [];
  if (sorted.length === 0) return edges;
  for (let k = 1; k <= 9; k++) {
    const e = sorted[Math.max(0, Math.ceil((k * sorted.length) / 10) - 1)];
    if (edges.length === 0 || e > edges[edges.length - 1]) edges.push(e);
  }
  return edges;
}

function numericReference(column: string, values: Float64Array, rows: ArrayLike<number>): NumericReference {
  const finite: number[] = [];
  for (let k = 0; k < rows.length; k++) {
    const v = values[rows[k]];
    if (Number.isFinite(v)) finite.push(v);
  }
  const sorted = Float64Array.from(finite).sort();
  const edges = decileEdges(sorted);
  const counts = new Array<number>(edges.length + 2).fill(0);
  for (const v of finite) counts[binOf(edges, v)]++;
  counts[edges.length + 1] = rows.length - finite.length;
  return { kind: 'numeric', column, edges, shares: counts.map((c) => share(c, rows.length)) };
}

function categoricalReference(column: string, levels: readonly string[], values: readonly (string | null)[], rows: ArrayLike<number>): CategoricalReference {
  const index = new Map(levels.map((l, k) => [l, k]));
  const counts = new Array<number>(levels.length + 1).fill(0);
  for (let k = 0; k < rows.length; k++) {
    const raw = values[rows[k]];
    // As the encoder matches: missing is the empty string.
    counts[index.get(raw === null ? '' : raw) ?? levels.length]++;
  }
  return { kind: 'categorical', column, levels: [...levels], shares: counts.map((c) => share(c, rows.length)) };
}

/** The reference over the training rows (indices into `table`) for every raw column the encoder reads. */
export function fitDriftReference(encoder: EncoderState, table: CustomerTable, rows: ArrayLike<number>): DriftReference {
  const derived = new Set(encoder.derived);
  const columns: ColumnReference[] = [];
  for (const enc of encoder.columns) {
    if (derived.has(enc.column)) continue;
    const col = findColumn(table, enc.column);
    if (col === undefined) continue; // the encoder was fitted on this table: cannot happen
    if (enc.kind === 'numeric' && col.kind === 'numeric') columns.push(numericReference(enc.column, col.values, rows));
    else if (enc.kind === 'categorical' && col.kind === 'text') columns.push(categoricalReference(enc.column, enc.levels, col.values, rows));
  }
  return { rows: rows.length, columns };
}
