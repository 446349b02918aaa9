import type { TimeUnit } from '../config/schema.js';
import { InputError } from '../errors.js';
import { derivableFeatures } from '../features/derived.js';
import type { CustomerTable } from '../ingest/table.js';
import { findColumn } from '../ingest/table.js';
import type { FeatureMatrix } from './matrix.js';

/**
 * Raw table columns -> numeric feature matrix. Numbers pass through (blanks/NaN imputed with the
 * training median); strings are one-hot encoded with a cap on levels. The learnt state is saved
 * inside the model file so scoring encodes exactly as training did.
 */
export interface NumericEncoding {
  kind: 'numeric';
  column: string; // raw column name (or derived feature name)
  median: number; // training median used for blanks and NaN
}

export interface CategoricalEncoding {
  kind: 'categorical';
  column: string;
  levels: string[]; // one feature per level, named `${column}=${level}`; other levels encode as all zeros
}

export interface EncoderState {
  columns: (NumericEncoding | CategoricalEncoding)[];
  features: string[]; // matrix column order
  derived: string[]; // derived features (from roles) computed before encoding, by catalogue name
  roles: Record<string, string>; // role -> raw column, as configured (a summed role: its added column)
  /** Columns added as the sum of others (a role over several columns); absent before they existed. */
  role_sums?: Record<string, string[]>;
  /** The unit the tenure role counts in; absent means months. */
  tenure_unit?: TimeUnit;
}


function median(values: Float64Array): number {
  const finite = values.filter((v) => Number.isFinite(v)).sort();
  if (finite.length === 0) return 0;
  const mid = finite.length >> 1;
  return finite.length % 2 === 1 ? finite[mid] : (finite[mid - 1] + finite[mid]) / 2;
}

/** Learns medians and levels from the training rows. */
export interface EncoderOptions {
  maxLevels: number;
  roles: Record<string, string>;
  role_sums?: Record<string, string[]>;
  tenure_unit?: TimeUnit;
  /** Receives a warning per text column whose levels max_levels cut. */
  warnings?: string[];
}

export function fitEncoder(table: CustomerTable, opts: EncoderOptions): EncoderState {
  const columns: (NumericEncoding | CategoricalEncoding)[] = [];
  const features: string[] = [];
  for (const col of table.columns) {
    if (col.kind === 'numeric') {
      columns.push({ kind: 'numeric', column: col.name, median: median(col.values) });
      features.push(col.name);
    } else {
      const counts = new Map<string, number>();
      for (const v of col.values) if (v !== null) counts.set(v, (counts.get(v) ?? 0) + 1);
      // Most frequent first, ties by name; with more levels than the cap, the rest become "other" (all zeros).
      const ranked = [...counts.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
      const levels = ranked.slice(0, opts.maxLevels).map(([level]) => level).sort();
      if (ranked.length > opts.maxLevels) {
        const cut = ranked.slice(opts.maxLevels);
        const rows = cut.reduce((a, [, n]) => a + n, 0);
        opts.warnings?.push(`column "${col.name}" has ${ranked.length} levels in the training rows: max_levels (${opts.maxLevels}) keeps the ${opts.maxLevels} most frequent; the other ${cut.length} (${(100 * rows / table.rows).toFixed(1)}% of those rows) are encoded as "other"`);
      }
      columns.push({ kind: 'categorical', column: col.name, levels });
      for (const level of levels) features.push(`${col.name}=${level}`);
    }
  }
  const present = new Set(table.columns.map((c) => c.name));
  const state: EncoderState = { columns, features, derived: derivableFeatures(opts.roles).filter((d) => present.has(d)), roles: { ...opts.roles } };
  if (opts.role_sums !== undefined && Object.keys(opts.role_sums).length > 0) state.role_sums = opts.role_sums;
  if (opts.tenure_unit !== undefined && opts.tenure_unit !== 'months') state.tenure_unit = opts.tenure_unit;
  return state;
}

/**
 * Encodes a table as training did: medians for missing numbers, one-hot for known levels.
 * `coded` gives text columns already as level codes (1-based index into the encoder's levels,
 * 0 for any other value), as the batch job reads them from DuckDB.
 */
export function encode(state: EncoderState, table: CustomerTable, coded?: ReadonlyMap<string, Int32Array>): FeatureMatrix {
  const out: Float64Array[] = [];
  for (const enc of state.columns) {
    const codes = coded?.get(enc.column);
    if (codes !== undefined && enc.kind === 'categorical') {
      const onehot = enc.levels.map(() => new Float64Array(table.rows));
      for (let i = 0; i < table.rows; i++) if (codes[i] > 0) onehot[codes[i] - 1][i] = 1;
      out.push(...onehot);
      continue;
    }
    const col = findColumn(table, enc.column);
    if (col === undefined) throw new InputError(`the model needs column "${enc.column}", which the input lacks`, { file: table.source, column: enc.column });
    if (enc.kind === 'numeric') {
      const values = new Float64Array(table.rows);
      if (col.kind === 'numeric') {
        for (let i = 0; i < table.rows; i++) {
          const v = col.values[i];
          values[i] = Number.isFinite(v) ? v : enc.median;
        }
      } else {
        for (let i = 0; i < table.rows; i++) {
          const s = col.values[i];
          const v = s === null || s.trim() === '' ? Number.NaN : Number(s);
          values[i] = Number.isFinite(v) ? v : enc.median;
        }
      }
      out.push(values);
    } else {
      const index = new Map(enc.levels.map((l, k) => [l, k]));
      const onehot = enc.levels.map(() => new Float64Array(table.rows));
      for (let i = 0; i < table.rows; i++) {
        const raw = col.values[i];
        const k = index.get(raw === null ? '' : String(raw));
        if (k !== undefined) onehot[k][i] = 1;
      }
      out.push(...onehot);
    }
  }
  return { rows: table.rows, features: state.features, columns: out };
}

/** The raw (or derived) columns an encoder reads. */
export function encoderRawColumns(state: EncoderState): string[] {
  return state.columns.map((c) => c.column);
}
