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
  /** Candidate features, derived ones included; id, target and dropped columns excluded. The duration
   * column stays a feature (tenure predicts churn); only the survival model leaves it out. */
  columns: RawColumn[];
  target?: Uint8Array; // 1 = churned; present when the table is labelled
  duration?: Float64Array; // time on network (months), for survival models
  /** Panels: the reference month of each row as YYYYMM, for out-of-time splits. */
  period?: Int32Array;
  /** Panels: rows of one customer (one per reference month) share a group. */
  groups?: Int32Array;
  warnings: string[];
}

/** The rows picked by index, in that order (for splits and shards). */
export function takeTableRows(table: CustomerTable, index: ArrayLike<number>): CustomerTable {
  const n = index.length;
  const pick = <T>(get: (i: number) => T): T[] => {
    const out = new Array<T>(n);
    for (let k = 0; k < n; k++) out[k] = get(index[k]);
    return out;
  };
  const pickTyped = <A extends Float64Array | Uint8Array | Int32Array>(a: A, make: (n: number) => A): A => {
    const out = make(n);
    for (let k = 0; k < n; k++) out[k] = a[index[k]];
    return out;
  };
  return {
    source: table.source,
    rows: n,
    ids: pick((i) => table.ids[i]),
    columns: table.columns.map((c): RawColumn =>
      c.kind === 'numeric'
        ? { name: c.name, kind: 'numeric', values: pickTyped(c.values, (m) => new Float64Array(m)) }
        : { name: c.name, kind: 'text', values: pick((i) => c.values[i]) },
    ),
    target: table.target && pickTyped(table.target, (m) => new Uint8Array(m)),
    duration: table.duration && pickTyped(table.duration, (m) => new Float64Array(m)),
    period: table.period && pickTyped(table.period, (m) => new Int32Array(m)),
    groups: table.groups && pickTyped(table.groups, (m) => new Int32Array(m)),
    warnings: table.warnings,
  };
}

export function findColumn(table: CustomerTable, name: string): RawColumn | undefined {
  return table.columns.find((c) => c.name === name);
}
