/**
 * Scores a batch that arrives as typed columns (numbers, and text as level codes) and returns
 * typed columns: probabilities, survival horizons, value, warning flags and signals, and the top
 * reasons as the codes of their sentences. This is what a scoring worker (or the calling thread)
 * runs; no per-customer objects and no strings but the distinct sentences and signals.
 */
import { addDerivedFeatures } from '../../features/derived.js';
import type { RawColumn } from '../../ingest/table.js';
import type { TypedColumn } from '../../io/duckdb-vectors.js';
import type { LoadedModel } from '../../models/load-model.js';
import { reasonSentence } from './reasons.js';
import { REASONS_PER_CUSTOMER, scoreTyped } from './score-typed.js';
import { StringCodes } from './string-codes.js';

/** The model's raw inputs as the job reads them: numbers, and text columns with their known levels. */
export interface InputLayout {
  numeric: string[];
  text: { name: string; levels: string[] }[];
}

export interface CodedInput {
  rows: number;
  rowid: Int32Array; // the row in the job's input table, to join ids and segments back
  numeric: Float64Array[]; // NaN = missing
  text: Int32Array[]; // 1-based index into the column's levels; 0 = any other value
}

export interface ScoredColumn {
  name: string;
  type: 'double' | 'int';
}

export interface CodedOutput {
  rows: number;
  columns: TypedColumn[]; // in scoredSchema order
  fresh: string[]; // strings coded for the first time in this batch, in code order
  beyondFollowUp: number; // rows whose 12-month window passes the survival model's longest tenure watched
}

/** The columns of a scored batch, in order; negative ints and NaN doubles are NULL. `hasValue`: value at risk is listed. */
export function scoredSchema(hasWithin: boolean, hasValue: boolean): ScoredColumn[] {
  const d = (name: string): ScoredColumn => ({ name, type: 'double' });
  const n = (name: string): ScoredColumn => ({ name, type: 'int' });
  return [
    n('row'), d('churn_probability'),
    ...(hasWithin ? [d('p_churn_3m'), d('p_churn_6m'), d('p_churn_12m')] : []),
    ...(hasValue ? [d('value')] : []),
    n('early_warning'), n('warning_signals'),
    ...Array.from({ length: REASONS_PER_CUSTOMER }, (_, r) => [n(`reason_${r + 1}`), n(`reason_${r + 1}_feature`), d(`reason_${r + 1}_contribution`)]).flat(),
  ];
}

/** Distinct values remembered per feature before sentences are made afresh (bounds memory). */
const CACHE_LIMIT = 50_000;

export class CodedScorer {
  private readonly codes = new StringCodes();
  private readonly sentenceCache: Map<number, number>[];

  constructor(
    private readonly loaded: LoadedModel,
    private readonly layout: InputLayout,
  ) {
    this.names = loaded.model.reasonNames ?? loaded.saved.features;
    this.sentenceCache = this.names.map(() => new Map());
    this.column = this.names.map((n) => loaded.saved.features.indexOf(n));
  }

  /** The model's reason names (its features, unless it groups them), and each one's matrix column (-1: a group). */
  private readonly names: readonly string[];
  private readonly column: number[];

  private sentenceCode(reason: number, value: number): number {
    const cache = this.sentenceCache[reason];
    const hit = cache.get(value);
    if (hit !== undefined) return hit;
    const code = this.codes.code(reasonSentence(this.names[reason], value, this.loaded.saved.encoder.roles, this.loaded.saved.encoder.tenure_unit));
    if (cache.size < CACHE_LIMIT) cache.set(value, code);
    return code;
  }

  score(input: CodedInput): CodedOutput {
    const { rows } = input;
    const columns = this.layout.numeric.map((name, j): RawColumn => ({ name, kind: 'numeric', values: input.numeric[j] }));
    const coded = new Map(this.layout.text.map(({ name }, j) => [name, input.text[j]]));
    const table = addDerivedFeatures({ source: 'scoring batch', rows, ids: [], columns, warnings: [] }, this.loaded.saved.encoder.roles, this.loaded.saved.encoder.tenure_unit);
    const s = scoreTyped(this.loaded, table, coded);
    const signals = Int32Array.from(s.warnings.signals, (w) => this.codes.code(w));
    // Tier, value at risk and the ranking key follow from these in SQL (see listQueries): not moved.
    const out: TypedColumn[] = [input.rowid, s.p];
    if (s.within !== undefined) out.push(s.within[3], s.within[6], s.within[12]);
    if (s.value !== null) out.push(s.value);
    out.push(Int32Array.from(s.warnings.flag), signals);
    const { k, feature, contribution, sentences } = s.reasons;
    for (let r = 0; r < k; r++) {
      const text = new Int32Array(rows);
      const feat = new Int32Array(rows);
      const contrib = new Float64Array(rows);
      for (let i = 0; i < rows; i++) {
        const j = feature[i * k + r];
        feat[i] = j;
        contrib[i] = contribution[i * k + r];
        const said = sentences?.[i * k + r] ?? null;
        text[i] = j < 0 ? -1 : said !== null ? this.codes.code(said) : this.sentenceCode(j, s.x.columns[this.column[j]][i]);
      }
      out.push(text, feat, contrib);
    }
    return { rows, columns: out, fresh: this.codes.takeNew(), beyondFollowUp: s.beyondFollowUp };
  }
}
