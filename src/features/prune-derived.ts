/**
 * Derived features that carry nothing of their own are dropped before training, with a warning:
 * one that is constant (a revenue per minute that is one tariff for every customer) or that moves
 * in lockstep with another column (|correlation| ≥ 0.9999), which only splits a coefficient in two.
 */
import type { CustomerTable, RawColumn } from '../ingest/table.js';

const COLLINEAR = 0.9999;

/** Pearson correlation over the rows where both are finite; NaN when either is constant there. */
export function correlation(a: Float64Array, b: Float64Array): number {
  let n = 0;
  let sa = 0;
  let sb = 0;
  for (let i = 0; i < a.length; i++) {
    if (Number.isFinite(a[i]) && Number.isFinite(b[i])) {
      n++;
      sa += a[i];
      sb += b[i];
    }
  }
  if (n < 3) return Number.NaN;
  const ma = sa / n;
  const mb = sb / n;
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < a.length; i++) {
    if (Number.isFinite(a[i]) && Number.isFinite(b[i])) {
      const da = a[i] - ma;
      const db = b[i] - mb;
      sab += da * db;
      saa += da * da;
      sbb += db * db;
    }
  }
  return saa > 0 && sbb > 0 ? sab / Math.sqrt(saa * sbb) : Number.NaN;
}

/** The single value of a column (missing values aside), or undefined when it has several. */
function constantValue(column: RawColumn): string | undefined {
  let first: string | undefined;
  for (let i = 0; i < column.values.length; i++) {
    const v = column.values[i];
    if (v === null || (typeof v === 'number' && !Number.isFinite(v))) continue;
    const s = typeof v === 'number' ? String(Math.round(v * 1e9) / 1e9) : v;
    if (first === undefined) first = s;
    else if (s !== first) return undefined;
  }
  return first ?? '(missing)';
}

/** The table without the derived features `derived` that are constant or collinear with another column, and a warning for each. */
export function pruneDerived(table: CustomerTable, derived: readonly string[]): CustomerTable {
  const drop = new Set<string>();
  const warnings: string[] = [];
  for (const name of derived) {
    const col = table.columns.find((c) => c.name === name);
    if (col === undefined) continue;
    const constant = constantValue(col);
    if (constant !== undefined) {
      drop.add(name);
      warnings.push(`derived feature "${name}" is ${constant} for every customer and was dropped: it cannot tell customers apart`);
      continue;
    }
    if (col.kind !== 'numeric') continue;
    for (const other of table.columns) {
      if (other === col || other.kind !== 'numeric' || drop.has(other.name)) continue;
      const r = correlation(col.values, other.values);
      if (Math.abs(r) >= COLLINEAR) {
        drop.add(name);
        warnings.push(`derived feature "${name}" moves with "${other.name}" (correlation ${r.toFixed(4)}) and was dropped: it adds nothing the model does not have`);
        break;
      }
    }
  }
  if (drop.size === 0) return table;
  return { ...table, columns: table.columns.filter((c) => !drop.has(c.name)), warnings: [...table.warnings, ...warnings] };
}
