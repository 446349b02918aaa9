/**
 * A table of customers as the pipeline carries it between ingest and encoding: typed columns,
 * ids, and (when labelled) the churn target and survival duration.
 */
export type RawColumn =
  | { name: string; kind: 'numeric'; values: Float64Array } // NaN = missing
  | { name: string; kind: 'text'; values: (string | null)[] };

export interface CustomerTable {
  source: string; // the file (or files) it came from, for messages
  rows: number;
  ids: string[];
  /** Candidate features, derived ones included; id, target, duration and dropped columns excluded. */
  columns: RawColumn[];
  target?: Uint8Array; // 1 = churned; present when the table is labelled
  duration?: Float64Array; // time on network (months), for survival models
  /** Panels: the reference month of each row as YYYYMM, for out-of-time splits. */
  period?: Int32Array;
  warnings: string[];
}
