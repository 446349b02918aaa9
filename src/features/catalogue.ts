/**
 * The feature catalogue: every named feature churnscope derives or reads by role, with its
 * formula and its meaning in a sentence, and the operator panel's SQL features. Reports and
 * reasons read their words from here.
 */
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

const entries: CatalogueEntry[] = [
  // Derived from roles.
  { name: 'call_ratio', formula: 'out_calls / in_calls', meaning: 'outgoing calls per incoming call; a falling ratio means the customer has stopped initiating calls', roles: ['out_calls', 'in_calls'], derived: true },
  { name: 'minutes_ratio', formula: 'out_minutes / in_minutes', meaning: 'outgoing minutes per incoming minute', roles: ['out_minutes', 'in_minutes'], derived: true },
  { name: 'traffic_change', formula: 'minutes_change, or minutes / (minutes - minutes_change) - 1', meaning: 'relative change in total traffic against the previous period', roles: ['minutes_change'], derived: true },
  { name: 'tenure_band', formula: 'tenure in 0-6, 7-12, 13-24, 25-48, 49+ months', meaning: 'how long the customer has been with the operator, in bands', roles: ['tenure'], derived: true },
  { name: 'complaints_per_tenure_month', formula: 'complaints / max(tenure, 1)', meaning: 'complaints per month on the network', roles: ['complaints', 'tenure'], derived: true },
  { name: 'revenue_per_minute', formula: 'revenue / minutes', meaning: 'what each minute of use earns; high values mean the customer pays a lot for little use', roles: ['revenue', 'minutes'], derived: true },
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

/** A feature in words, for reports: the catalogue's meaning, or the column name itself. */
export function describeFeature(name: string, roles: Record<string, string> = {}): string {
  const eq = name.indexOf('=');
  const base = eq >= 0 ? name.slice(0, eq) : name;
  const role = Object.entries(roles).find(([, column]) => column === base)?.[0];
  const entry = catalogueEntry(base) ?? (role !== undefined ? catalogueEntry(role) : undefined);
  const words = entry?.meaning ?? base;
  return eq >= 0 ? `${words}: ${name.slice(eq + 1)}` : words;
}
