/**
 * Derived features from the role columns of a customer table (see the catalogue): ratios,
 * traffic change, tenure bands, complaint rate, revenue per minute. Appended only when the roles
 * they need are mapped. Tenure counted in days or weeks is turned into months first.
 */
import type { TimeUnit } from '../config/schema.js';
import { findColumn, type CustomerTable, type RawColumn } from '../ingest/table.js';
import { unitsPerMonth } from '../labels/survival.js';
import { DERIVED, type RoleColumns } from './catalogue.js';

/** Names of the derived features the mapped roles allow. */
export function derivableFeatures(roles: Record<string, string>): string[] {
  return DERIVED.filter((e) => e.roles.every((r) => roles[r] !== undefined)).map((e) => e.name);
}

/** Raw columns the derived features read. */
export function derivedInputs(roles: Record<string, string>, derived: readonly string[]): string[] {
  const out = new Set<string>();
  for (const e of DERIVED) if (derived.includes(e.name)) for (const r of e.roles) if (roles[r] !== undefined) out.add(roles[r]);
  return [...out];
}

/** Appends the derived features the roles allow and the table lacks, each computed by its catalogue entry. */
export function addDerivedFeatures(table: CustomerTable, roles: Record<string, string>, tenureUnit: TimeUnit = 'months'): CustomerTable {
  const names = new Set(derivableFeatures(roles));
  const numbers = (role: string): Float64Array => {
    const col = findColumn(table, roles[role]);
    return col?.kind === 'numeric' ? col.values : new Float64Array(table.rows).fill(Number.NaN);
  };
  const columns: RoleColumns = {
    numbers,
    tenureMonths: () => {
      const t = numbers('tenure');
      const perMonth = unitsPerMonth(tenureUnit);
      return perMonth === 1 ? t : t.map((v) => v / perMonth);
    },
  };
  const present = new Set(table.columns.map((c) => c.name));
  const added = DERIVED.filter((e) => names.has(e.name) && !present.has(e.name)).map((e): RawColumn => ({ name: e.name, ...e.compute(columns) }));
  return { ...table, columns: [...table.columns, ...added] };
}
