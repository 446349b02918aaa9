/**
 * A snapshot at reference month T: the feature families joined per active customer, and (for
 * training) the label and survival duration from the outcome window. Returned as the pipeline's
 * CustomerTable, so the customer-table path trains and scores it unchanged.
 */
import { InputError } from '../../errors.js';
import { sqlIdent } from '../../io/duckdb.js';
import { readDoubles } from '../../io/duckdb-vectors.js';
import { dayIn, monthIndex, monthStart, yyyymm } from '../../months.js';
import type { Panel } from '../../ingest/panel/open-panel.js';
import type { CustomerTable, RawColumn } from '../../ingest/table.js';
import { labelQuery, type LabelSpec } from '../../labels/windows.js';
import { accountFamily, activeAt, COMPLAINT_MONTHS, complaintFamily, usageFamily, ZERO_WHEN_ABSENT, type Window } from './families.js';
import { sequenceFamily } from './sequence.js';

export interface SnapshotOptions {
  window: number; // observation months
  labels?: LabelSpec; // absent for scoring
  /** Also the months themselves, one column per channel and month (for the sequence model). */
  sequence?: boolean;
}

export interface SnapshotCounts {
  month: string;
  active: number;
  labelled: number;
  churned: number;
  excluded_involuntary: number;
  excluded_left_in_gap: number;
  excluded_other: number;
}

export interface Snapshot {
  table: CustomerTable;
  counts: SnapshotCounts;
}

const TEXT_FEATURES = new Set(['segment', 'plan']);

function windowAt(t: number, observation: number): Window {
  return { tStart: monthStart(t), tEnd: monthStart(t + 1), windowStart: monthStart(t - observation + 1) };
}

export async function buildSnapshot(panel: Panel, month: string, options: SnapshotOptions): Promise<Snapshot> {
  let t: number;
  try {
    t = monthIndex(month);
  } catch {
    throw new InputError(`the reference month "${month}" is not a month (YYYY-MM)`, { key: 'month' });
  }
  const first = monthIndex(panel.firstMonth);
  const last = monthIndex(panel.lastMonth);
  if (t < first || t > last) {
    throw new InputError(`the reference month ${month} is outside the data, which runs from ${panel.firstMonth} to ${panel.lastMonth}`, { file: panel.files.usage ?? panel.files.customers, key: 'month' });
  }
  const labels = options.labels;
  const windowStart = t + 1 + (labels?.gap ?? 0);
  const windowEnd = t + (labels?.gap ?? 0) + (labels?.horizon ?? 0); // last month of the outcome window
  if (labels !== undefined && windowEnd > last) {
    throw new InputError(
      `the outcome window of ${month} (${dayIn(windowStart, 1).slice(0, 7)} to ${dayIn(windowEnd, 1).slice(0, 7)}) ends after the data's last month ${panel.lastMonth}: pick an earlier reference month`,
      { key: 'month' },
    );
  }
  const w = windowAt(t, options.window);
  const { con } = panel;
  await con.run(`CREATE OR REPLACE TEMP TABLE base AS ${activeAt(w)}`);
  const labelSql = labels === undefined ? null : labelQuery(w.tStart, w.tEnd, { start: monthStart(windowStart), end: monthStart(windowEnd + 1) }, labels);
  const sequence = options.sequence === true;
  const sql = `SELECT customer_id, a.* EXCLUDE (customer_id), u.* EXCLUDE (customer_id), c.* EXCLUDE (customer_id)${sequence ? ', s.* EXCLUDE (customer_id)' : ''}${labelSql === null ? '' : ', l.label, l.excluded, l.duration AS __duration'}
    FROM base
    LEFT JOIN (${accountFamily(w)}) a USING (customer_id)
    LEFT JOIN (${usageFamily(w)}) u USING (customer_id)
    LEFT JOIN (${complaintFamily(w)}) c USING (customer_id)
    ${sequence ? `LEFT JOIN (${sequenceFamily(t, options.window, panel.firstMonth)}) s USING (customer_id)` : ''}
    ${labelSql === null ? '' : `LEFT JOIN (${labelSql}) l USING (customer_id)`}
    ORDER BY customer_id`;
  // Streamed chunk by chunk into typed columns: a million customers' features as JS values took GBs.
  const names = (await con.runAndReadAll(`DESCRIBE ${sql}`)).getRowsJS().map((r) => String(r[0]));
  const isText = (name: string): boolean => name === 'customer_id' || name === 'excluded' || TEXT_FEATURES.has(name);
  const active = Number((await con.runAndReadAll('SELECT count(*)::INTEGER FROM base')).getRowsJS()[0][0]);
  const numbers = new Map<string, Float64Array>();
  const texts = new Map<string, (string | null)[]>();
  for (const name of names) {
    if (isText(name)) texts.set(name, []);
    else numbers.set(name, new Float64Array(active));
  }
  // What an absent value means: no usage or complaint is 0, no complaint ever is "long ago", else missing.
  const fill = (name: string): number => (ZERO_WHEN_ABSENT.includes(name) ? 0 : name === 'months_since_complaint' ? COMPLAINT_MONTHS : Number.NaN);
  const typed = names.map((n) => `CAST(${sqlIdent(n)} AS ${isText(n) ? 'VARCHAR' : 'DOUBLE'}) AS ${sqlIdent(n)}`);
  const result = await con.stream(`SELECT ${typed.join(', ')} FROM (${sql}) ORDER BY customer_id`);
  let at = 0;
  for (let chunk = await result.fetchChunk(); chunk !== null && chunk.rowCount > 0; chunk = await result.fetchChunk()) {
    if (at + chunk.rowCount > active) throw new InputError(`the snapshot at ${month} has more rows than active customers (${active})`, { key: 'month' });
    for (let j = 0; j < names.length; j++) {
      const out = numbers.get(names[j]);
      if (out !== undefined) readDoubles(chunk, j, out, at, fill(names[j]));
      else for (const v of chunk.getColumnValues(j)) texts.get(names[j])?.push(v === null ? null : String(v));
    }
    at += chunk.rowCount;
  }
  const num = (name: string): Float64Array => numbers.get(name) ?? new Float64Array(active);
  const text = (name: string): (string | null)[] => texts.get(name) ?? [];

  let keep: number[] = Array.from({ length: active }, (_, i) => i);
  const counts: SnapshotCounts = { month, active, labelled: active, churned: 0, excluded_involuntary: 0, excluded_left_in_gap: 0, excluded_other: 0 };
  if (labels !== undefined) {
    const label = num('label');
    const excluded = text('excluded');
    keep = keep.filter((i) => !Number.isNaN(label[i]));
    for (let i = 0; i < active; i++) {
      if (!Number.isNaN(label[i])) continue;
      if (excluded[i] === 'involuntary') counts.excluded_involuntary++;
      else if (excluded[i] === 'left_in_gap') counts.excluded_left_in_gap++;
      else counts.excluded_other++;
    }
    counts.labelled = keep.length;
    if (keep.length === 0) throw new InputError(`no customer can be labelled at ${month}: the outcome window is empty`, { key: 'month' });
  }
  const all = keep.length === active;
  const columns: RawColumn[] = [];
  for (const name of names) {
    if (name === 'customer_id' || name === 'label' || name === 'excluded' || name === '__duration') continue;
    if (TEXT_FEATURES.has(name)) {
      const values = text(name);
      columns.push({ name, kind: 'text', values: all ? values : keep.map((i) => values[i]) });
      continue;
    }
    const values = num(name);
    columns.push({ name, kind: 'numeric', values: all ? values : Float64Array.from(keep, (i) => values[i]) });
  }
  const id = text('customer_id');
  const ids = keep.map((i) => String(id[i]));
  const table: CustomerTable = {
    source: panel.files.usage ?? panel.files.customers,
    rows: keep.length,
    ids,
    columns,
    period: new Int32Array(keep.length).fill(yyyymm(t)),
    warnings: [],
  };
  if (labels !== undefined) {
    const label = num('label');
    const duration = num('__duration');
    table.target = Uint8Array.from(keep, (i) => label[i]);
    table.duration = Float64Array.from(keep, (i) => duration[i]);
    counts.churned = table.target.reduce((a, b) => a + b, 0);
  }
  return { table, counts };
}

/** Several reference months stacked into one table (rows keep their month in `period`). */
export function stackSnapshots(snapshots: readonly Snapshot[]): CustomerTable {
  const first = snapshots[0].table;
  const columns: RawColumn[] = first.columns.map((c, j) =>
    c.kind === 'numeric'
      ? { name: c.name, kind: 'numeric', values: concatFloat(snapshots.map((s) => s.table.columns[j].values as Float64Array)) }
      : { name: c.name, kind: 'text', values: snapshots.flatMap((s) => s.table.columns[j].values as (string | null)[]) },
  );
  const period = new Int32Array(snapshots.reduce((a, s) => a + s.table.rows, 0));
  const groups = new Int32Array(period.length);
  const customer = new Map<string, number>();
  let off = 0;
  for (const s of snapshots) {
    period.set(s.table.period ?? [], off);
    for (let i = 0; i < s.table.rows; i++) {
      const id = s.table.ids[i];
      let g = customer.get(id);
      if (g === undefined) customer.set(id, (g = customer.size));
      groups[off + i] = g;
    }
    off += s.table.rows;
  }
  return {
    source: first.source,
    rows: period.length,
    // The same customer appears once per month: ids carry the month to stay unique.
    ids: snapshots.flatMap((s) => s.table.ids.map((id) => `${id}@${s.counts.month}`)),
    columns,
    target: first.target === undefined ? undefined : Uint8Array.from(snapshots.flatMap((s) => Array.from(s.table.target ?? []))),
    duration: first.duration === undefined ? undefined : concatFloat(snapshots.map((s) => s.table.duration ?? new Float64Array())),
    period,
    groups,
    warnings: snapshots.flatMap((s) => s.table.warnings),
  };
}

function concatFloat(parts: readonly Float64Array[]): Float64Array {
  const out = new Float64Array(parts.reduce((a, p) => a + p.length, 0));
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}
