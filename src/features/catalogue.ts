/**
 * The feature catalogue: every named feature churnscope derives or reads by role, with its
 * formula and its meaning in a sentence, and the operator panel's SQL features. Reports and
 * reasons read their words from here.
 */
import type { TimeUnit } from '../config/schema.js';
import { PANEL_CATALOGUE } from './panel/families.js';
import { sequenceCatalogue } from './panel/sequence.js';

export interface CatalogueEntry {
  name: string;
  formula: string;
  meaning: string;
  /** Roles the feature is computed from (derived features), or the role it stands for. */
  roles: string[];
  derived: boolean;
}

/** What a derived feature reads: the role columns of a table (NaN where absent), tenure in months. */
export interface RoleColumns {
  numbers(role: string): Float64Array;
  tenureMonths(): Float64Array;
}

type DerivedValues = { kind: 'numeric'; values: Float64Array } | { kind: 'text'; values: (string | null)[] };

/** A feature derived from role columns: its one computation, run by training (tables and panels) and by every scoring batch. */
export interface DerivedEntry extends CatalogueEntry {
  derived: true;
  compute(columns: RoleColumns): DerivedValues;
}

/** a / b, NaN when b is 0 or either is missing (the encoder then imputes the median). */
function ratio(a: Float64Array, b: Float64Array): DerivedValues {
  const values = new Float64Array(a.length);
  for (let i = 0; i < a.length; i++) values[i] = b[i] !== 0 ? a[i] / b[i] : Number.NaN;
  return { kind: 'numeric', values };
}

/** Tenure bands in months: the derived feature, and the groups of the report's Kaplan–Meier curves. */
export function tenureBandOf(months: number): string | null {
  if (Number.isNaN(months)) return null;
  if (months <= 6) return '0-6';
  if (months <= 12) return '7-12';
  if (months <= 24) return '13-24';
  if (months <= 48) return '25-48';
  return '49+';
}

const derived = (name: string, formula: string, meaning: string, roles: string[], compute: DerivedEntry['compute']): DerivedEntry => ({ name, formula, meaning, roles, derived: true, compute });

/** The derived features, in the order they are appended to a table. */
export const DERIVED: readonly DerivedEntry[] = [
  derived('call_ratio', 'out_calls / in_calls', 'outgoing calls per incoming call; a falling ratio means the customer has stopped initiating calls', ['out_calls', 'in_calls'],
    (c) => ratio(c.numbers('out_calls'), c.numbers('in_calls'))),
  derived('minutes_ratio', 'out_minutes / in_minutes', 'outgoing minutes per incoming minute', ['out_minutes', 'in_minutes'],
    (c) => ratio(c.numbers('out_minutes'), c.numbers('in_minutes'))),
  derived('traffic_change', 'minutes_change', 'relative change in total traffic against the previous period', ['minutes_change'],
    (c) => ({ kind: 'numeric', values: Float64Array.from(c.numbers('minutes_change')) })),
  derived('tenure_band', 'tenure in 0-6, 7-12, 13-24, 25-48, 49+ months', 'how long the customer has been with the operator, in bands', ['tenure'],
    (c) => ({ kind: 'text', values: Array.from(c.tenureMonths(), tenureBandOf) })),
  derived('complaints_per_tenure_month', 'complaints / max(tenure in months, 1)', 'complaints per month on the network', ['complaints', 'tenure'], (c) => {
    const t = c.tenureMonths();
    return { kind: 'numeric', values: Float64Array.from(c.numbers('complaints'), (v, i) => v / Math.max(t[i], 1)) };
  }),
  derived('revenue_per_minute', 'revenue / minutes', 'what each minute of use earns; high values mean the customer pays a lot for little use', ['revenue', 'minutes'],
    (c) => ratio(c.numbers('revenue'), c.numbers('minutes'))),
];

const entries: CatalogueEntry[] = [
  ...DERIVED,
  // Read by role.
  { name: 'tenure', formula: 'as given', meaning: 'months on the network', roles: ['tenure'], derived: false },
  { name: 'revenue', formula: 'as given', meaning: 'revenue per month (ARPU)', roles: ['revenue'], derived: false },
  { name: 'revenue_change', formula: 'as given', meaning: 'change in monthly revenue', roles: ['revenue_change'], derived: false },
  { name: 'complaints', formula: 'as given', meaning: 'complaints the customer made', roles: ['complaints'], derived: false },
  { name: 'dropped_calls', formula: 'as given', meaning: 'calls that failed or dropped, a sign of poor coverage', roles: ['dropped_calls'], derived: false },
  { name: 'distinct_called', formula: 'as given', meaning: 'distinct numbers the customer called; a shrinking circle precedes churn', roles: ['distinct_called'], derived: false },
  { name: 'minutes', formula: 'as given', meaning: 'minutes of use', roles: ['minutes'], derived: false },
  { name: 'minutes_change', formula: 'as given', meaning: 'change in minutes of use', roles: ['minutes_change'], derived: false },
  { name: 'out_calls', formula: 'as given', meaning: 'outgoing calls', roles: ['out_calls'], derived: false },
  { name: 'in_calls', formula: 'as given', meaning: 'incoming calls', roles: ['in_calls'], derived: false },
  { name: 'out_minutes', formula: 'as given', meaning: 'outgoing minutes', roles: ['out_minutes'], derived: false },
  { name: 'in_minutes', formula: 'as given', meaning: 'incoming minutes', roles: ['in_minutes'], derived: false },
  { name: 'contract', formula: 'as given', meaning: 'the contract type', roles: ['contract'], derived: false },
];

const byName = new Map(entries.map((e) => [e.name, e]));
// The panel's features (and its month-by-month sequence columns, up to the longest window), looked
// up after the customer-table ones (both name `revenue`). Static, not registered by the panel
// module when loaded: scoring threads never load it, and their reasons must read as the calling
// thread's do.
const panel = new Map([...PANEL_CATALOGUE, ...sequenceCatalogue(24)].map((e) => [e.name, e]));

export const CATALOGUE: readonly CatalogueEntry[] = entries;

/** The entry for a feature name; a one-hot name `column=level` resolves to its column. */
export function catalogueEntry(name: string): CatalogueEntry | undefined {
  const base = name.includes('=') ? name.slice(0, name.indexOf('=')) : name;
  return byName.get(base) ?? panel.get(base);
}

/** A feature in words, for reports: the catalogue's meaning, or the column name itself; the tenure in its unit. */
export function describeFeature(name: string, roles: Record<string, string> = {}, tenureUnit: TimeUnit = 'months'): string {
  const eq = name.indexOf('=');
  const base = eq >= 0 ? name.slice(0, eq) : name;
  const role = Object.entries(roles).find(([, column]) => column === base)?.[0];
  const entry = catalogueEntry(base) ?? (role !== undefined ? catalogueEntry(role) : undefined);
  const words = entry?.name === 'tenure' ? `${tenureUnit} on the network` : entry?.meaning ?? base;
  return eq >= 0 ? `${words}: ${name.slice(eq + 1)}` : words;
}
