/**
 * Derived features from the role columns of a customer table (see the catalogue): ratios,
 * traffic change, tenure bands, complaint rate, revenue per minute. Appended only when the roles
 * they need are mapped. Tenure counted in days, weeks or years is turned into months first.
 */
import type { TimeUnit } from '../config/schema.js';
import { findColumn, type CustomerTable, type RawColumn } from '../ingest/table.js';
import { unitsPerMonth } from '../labels/survival.js';
import { CATALOGUE } from './catalogue.js';

/** a / b, NaN when b is 0 or either is missing (the encoder then imputes the median). */
function ratio(a: Float64Array, b: Float64Array): Float64Array {
  const out = new Float64Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = b[i] !== 0 ? a[i] / b[i] : Number.NaN;
  return out;
}

export function tenureBandOf(months: number): string | null {
  if (Number.isNaN(months)) return null;
  if (months <= 6) return '0-6';
  if (months <= 12) return '7-12';
  if (months <= 24) return '13-24';
  if (months <= 48) return '25-48';
  return '49+';
}

type Numeric = Extract<RawColumn, { kind: 'numeric' }>;

function compute(name: string, get: (role: string) => Float64Array, tenureMonths: () => Float64Array): RawColumn {
  switch (name) {
    case 'call_ratio':
      return { name, kind: 'numeric', values: ratio(get('out_calls'), get('in_calls')) };
    case 'minutes_ratio':
      return { name, kind: 'numeric', values: ratio(get('out_minutes'), get('in_minutes')) };
    case 'traffic_change':
      return { name, kind: 'numeric', values: Float64Array.from(get('minutes_change')) };
    case 'tenure_band':
      return { name, kind: 'text', values: Array.from(tenureMonths(), tenureBandOf) };
    case 'complaints_per_tenure_month': {
      const c = get('complaints');
      const t = tenureMonths();
      return { name, kind: 'numeric', values: Float64Array.from(c, (v, i) => v / Math.max(t[i], 1)) };
    }
    case 'revenue_per_minute':
      return { name, kind: 'numeric', values: ratio(get('revenue'), get('minutes')) };
    default:
      throw new Error(`no derivation for "${name}"`);
  }
}

/** Names of the derived features the mapped roles allow. */
export function derivableFeatures(roles: Record<string, string>): string[] {
  return CATALOGUE.filter((e) => e.derived && e.roles.every((r) => roles[r] !== undefined)).map((e) => e.name);
}

/** Raw columns the derived features read. */
export function derivedInputs(roles: Record<string, string>, derived: readonly string[]): string[] {
  const out = new Set<string>();
  for (const e of CATALOGUE) if (derived.includes(e.name)) for (const r of e.roles) if (roles[r] !== undefined) out.add(roles[r]);
  return [...out];
}

export function addDerivedFeatures(table: CustomerTable, roles: Record<string, string>, tenureUnit: TimeUnit = 'months'): CustomerTable {
  const names = derivableFeatures(roles);
  const numericRole = (role: string): Float64Array => {
    const col = findColumn(table, roles[role]);
    if (col === undefined || col.kind !== 'numeric') return new Float64Array(table.rows).fill(Number.NaN);
    return (col as Numeric).values;
  };
  const tenureMonths = (): Float64Array => {
    const t = numericRole('tenure');
    const perMonth = unitsPerMonth(tenureUnit);
    return perMonth === 1 ? t : t.map((v) => v / perMonth);
  };
  const present = new Set(table.columns.map((c) => c.name));
  const added = names.filter((n) => !present.has(n)).map((n) => compute(n, numericRole, tenureMonths));
  return { ...table, columns: [...table.columns, ...added] };
}
