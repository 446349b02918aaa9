/**
 * What `churnscope init` guesses from a table's profile: the id (unique text), the target (a
 * two-valued column named like churn) and its churned value, the roles from column names, and
 * everything it could not decide, said so that a person can decide it.
 */
import type { RoleName, TimeUnit } from '../schema.js';
import type { ColumnProfile, TableProfile } from './profile.js';

export interface RoleGuess { columns: string[]; note: string }

export interface Guesses {
  id: { column: string; note: string } | null;
  target: { column: string; churned: string; stayed: string; note: string } | null;
  /** Two-valued columns, for the comment under the target. */
  twoValued: ColumnProfile[];
  /** The tenure column, as the survival model's duration when every row has one. */
  duration: string | null;
  /** The tenure's unit: duration_unit when it is the duration, else tenure_unit. */
  tenureUnit: { unit: TimeUnit; note: string } | null;
  roles: Partial<Record<RoleName, RoleGuess>>;
  excludeFromSurvival: string[];
  missingValues: string[];
  /** Things a person has to decide, one sentence each. */
  undecided: string[];
}

/** Lower case, words separated by single spaces, camelCase split: "MonthlyCharges" -> "monthly charges". */
export function words(name: string): string {
  return name.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase().replace(/[^a-z0-9]+/g, ' ').trim();
}

const TARGET_NAME = /\b(churn|churned|attrition|exited|left|cancel(led)?|leaver|target|label)\b/;
/** Values that mean "churned" in the exports met in practice (English, French, German, Spanish). */
const CHURNED_VALUE = /^(yes|y|true|t|1|churn|churned|left|exited|cancel(l)?ed|leaver|vrai|oui|ja|si|sí)$/i;
const STAYED_VALUE = /^(no|n|false|f|0|stayed|active|retained|faux|non|nein)$/i;
const ID_NAME = /\b(id|identifier|customer|customerid|account id|msisdn|phone|phone number|subscriber|imsi|number)$/;

/** Role patterns over the column's words; the first role whose pattern matches claims the column. */
const ROLE_PATTERNS: { role: RoleName; pattern: RegExp; numeric: boolean }[] = [
  { role: 'dropped_calls', pattern: /\b(dropped|drop|call failures?|failed calls|failures?)\b/, numeric: true },
  { role: 'complaints', pattern: /\b(complain|complains|complaints?|customer service calls?|custserv|service calls|care calls|tickets?)\b/, numeric: true },
  { role: 'distinct_called', pattern: /\b(distinct|unique) (called|numbers|contacts)\b/, numeric: true },
  { role: 'minutes_change', pattern: /\b(minutes|mins|mou|usage|traffic)\b.*\b(change|delta|diff)\b|\b(change|delta) in (minutes|usage|traffic)\b/, numeric: true },
  { role: 'revenue_change', pattern: /\b(revenue|arpu|charges?|bill)\b.*\b(change|delta|diff)\b/, numeric: true },
  { role: 'tenure', pattern: /\b(tenure|account (length|age)|subscription (length|age)|length of service|service length|(days|weeks|months|years|time|age) (on|with) (the )?(network|operator)|lifetime|customer since|(days|months) (active|since (activation|joining|signup)))\b/, numeric: true },
  { role: 'out_minutes', pattern: /\b(out|outgoing)\b.*\b(minutes|mins|seconds)\b/, numeric: true },
  { role: 'in_minutes', pattern: /\b(in|incoming)\b.*\b(minutes|mins|seconds)\b/, numeric: true },
  { role: 'minutes', pattern: /\b(minutes|mins|mou|seconds of use|usage seconds)\b/, numeric: true },
  { role: 'out_calls', pattern: /\b(out|outgoing)\b.*\bcalls?\b|\bcalls? (made|out)\b|\bfrequency of use\b/, numeric: true },
  { role: 'in_calls', pattern: /\b(in|incoming)\b.*\bcalls?\b|\bcalls? received\b/, numeric: true },
  { role: 'contract', pattern: /\b(contract|commitment)\b/, numeric: false },
];
/** Revenue: monthly amounts first; per-period charges (summed) only when no monthly amount is named. */
const REVENUE_STRONG = /\b(revenue|arpu|customer value|monthly (charges?|fee|amount|bill|spend))\b/;
const REVENUE_WEAK = /\b(charges?|bill|spend|amount)\b/;
/** Lifetime totals grow with tenure: they leak the duration into a survival model. */
const LIFETIME_TOTAL = /\b(total (charges?|revenue|spend|amount|bill)|lifetime (value|revenue)|cumulative)\b/;
/** Plain call counts ("Total day calls"): taken as outgoing when nothing says which way. */
const CALLS = /\bcalls?\b/;

function unitFromName(name: string): TimeUnit | null {
  const w = words(name);
  if (/\bdays?\b/.test(w)) return 'days';
  if (/\bweeks?\b/.test(w)) return 'weeks';
  if (/\bmonths?\b/.test(w)) return 'months';
  return null;
}

const range = (c: ColumnProfile): string => `${fmt(c.min)} to ${fmt(c.max)}`;
const fmt = (v: number | null): string => (v === null ? '?' : Number.isInteger(v) ? v.toLocaleString('en') : v.toFixed(2));
const quoteList = (xs: readonly string[]): string => xs.map((x) => `"${x}"`).join(', ');

function guessTarget(p: TableProfile, undecided: string[]): Guesses['target'] {
  const two = p.columns.filter((c) => c.distinct === 2 && c.levels !== null);
  const named = two.filter((c) => TARGET_NAME.test(words(c.name)));
  if (named.length === 0) {
    undecided.push(two.length === 0
      ? 'target: no column has exactly two values; churnscope needs a churned / stayed column'
      : `target: no two-valued column is named like churn; candidates: ${quoteList(two.map((c) => c.name))}`);
    return null;
  }
  if (named.length > 1) undecided.push(`target: several two-valued columns are named like churn (${quoteList(named.map((c) => c.name))}); the first was taken`);
  const col = named[0];
  const [a, b] = col.levels as { value: string; count: number }[];
  // "True." and "False." (as some exports write them) read as true and false.
  const bare = (v: string): string => v.replace(/[.\s]+$/, '');
  const churnedA = CHURNED_VALUE.test(bare(a.value)) || STAYED_VALUE.test(bare(b.value));
  const churnedB = CHURNED_VALUE.test(bare(b.value)) || STAYED_VALUE.test(bare(a.value));
  const counts = `"${a.value}" ${a.count.toLocaleString('en')}, "${b.value}" ${b.count.toLocaleString('en')} rows`;
  if (churnedA === churnedB) {
    // Neither value says churned: the rarer one usually is.
    const [rare, common] = a.count <= b.count ? [a, b] : [b, a];
    undecided.push(`target.churned: neither "${a.value}" nor "${b.value}" reads as churned; the rarer, "${rare.value}", was taken`);
    return { column: col.name, churned: rare.value, stayed: common.value, note: `${counts}; CHECK the churned value` };
  }
  const [churned, stayed] = churnedA ? [a, b] : [b, a];
  return { column: col.name, churned: churned.value, stayed: stayed.value, note: counts };
}

function guessId(p: TableProfile, undecided: string[], exclude: ReadonlySet<string>): Guesses['id'] {
  const unique = p.columns.filter((c) => !exclude.has(c.name) && c.missing === 0 && c.distinct === p.rows && p.rows > 1);
  const text = unique.filter((c) => !c.numeric || ID_NAME.test(words(c.name)));
  if (text.length === 0) {
    undecided.push(unique.length === 0
      ? 'id: no column is unique in every row; rows are numbered instead (lists then name customers by row number)'
      : `id: only numeric columns are unique (${quoteList(unique.map((c) => c.name))}); none was taken as the id`);
    return null;
  }
  const ranked = [...text].sort((x, y) => Number(ID_NAME.test(words(y.name))) - Number(ID_NAME.test(words(x.name))));
  if (ranked.length > 1) undecided.push(`id: several columns are unique (${quoteList(ranked.map((c) => c.name))}); "${ranked[0].name}" was taken, list the others under drop if they are identifiers too`);
  return { column: ranked[0].name, note: `unique in all ${p.rows.toLocaleString('en')} rows read` };
}

function guessRoles(p: TableProfile, taken: ReadonlySet<string>, undecided: string[]): Partial<Record<RoleName, RoleGuess>> {
  const roles: Partial<Record<RoleName, RoleGuess>> = {};
  const add = (role: RoleName, c: ColumnProfile): void => {
    const r = (roles[role] ??= { columns: [], note: '' });
    r.columns.push(c.name);
  };
  const free = p.columns.filter((c) => !taken.has(c.name));
  const claimed = new Set<string>();
  for (const c of free) {
    const w = words(c.name);
    const hit = ROLE_PATTERNS.find((r) => r.pattern.test(w) && (r.numeric ? c.numeric : !c.numeric));
    if (hit !== undefined) {
      add(hit.role, c);
      claimed.add(c.name);
    }
  }
  // Revenue: a monthly amount if one is named, else every per-period charge, summed.
  const revenueOf = (pattern: RegExp): ColumnProfile[] =>
    free.filter((c) => c.numeric && !claimed.has(c.name) && pattern.test(words(c.name)) && !LIFETIME_TOTAL.test(words(c.name)));
  const strong = revenueOf(REVENUE_STRONG);
  const revenue = strong.length > 0 ? strong.slice(0, 1) : revenueOf(REVENUE_WEAK);
  for (const c of revenue) {
    add('revenue', c);
    claimed.add(c.name);
  }
  if (strong.length > 1) undecided.push(`roles.revenue: several columns look like monthly revenue (${quoteList(strong.map((c) => c.name))}); "${strong[0].name}" was taken`);
  // Call counts with no direction, when no outgoing calls were named.
  if (roles.out_calls === undefined) {
    const calls = free.filter((c) => c.numeric && !claimed.has(c.name) && CALLS.test(words(c.name)));
    if (calls.length > 0) roles.out_calls = { columns: calls.map((c) => c.name), note: 'calls with no direction given, taken as calls made' };
  }
  for (const [role, g] of Object.entries(roles) as [RoleName, RoleGuess][]) {
    const cols = g.columns.map((n) => p.columns.find((c) => c.name === n) as ColumnProfile);
    const parts = cols.length > 1 ? `${cols.length} columns, summed` : cols[0].numeric ? range(cols[0]) : `text: ${(cols[0].levels ?? []).map((l) => l.value).join(', ')}`;
    g.note = [parts, g.note].filter((s) => s !== '').join('; ');
    if (role === 'contract' && cols[0].levels === null) undecided.push(`roles.contract: "${cols[0].name}" has ${cols[0].distinct} values, more than a contract type usually has`);
  }
  if (roles.revenue === undefined) undecided.push('roles.revenue: no column looks like revenue; without it the list ranks by churn probability (set retention.value_column or roles.revenue to rank by value at risk)');
  if (roles.tenure === undefined) undecided.push('roles.tenure: no column looks like time on network; the survival model (cox) needs a duration');
  return roles;
}

export function guessConfig(p: TableProfile): Guesses {
  const undecided: string[] = [];
  const target = guessTarget(p, undecided);
  const id = guessId(p, undecided, new Set(target === null ? [] : [target.column]));
  const taken = new Set([...(id === null ? [] : [id.column]), ...(target === null ? [] : [target.column])]);
  const roles = guessRoles(p, taken, undecided);
  let duration: string | null = null;
  let tenureUnit: Guesses['tenureUnit'] = null;
  if (roles.tenure !== undefined) {
    const col = p.columns.find((c) => c.name === roles.tenure?.columns[0]) as ColumnProfile;
    duration = col.name;
    const named = unitFromName(col.name);
    const max = col.max ?? 0;
    if (named !== null) tenureUnit = { unit: named, note: 'from the column name' };
    // Ten years in months is 120; a mobile base rarely holds customers of more than twenty.
    else if (max <= 120) tenureUnit = { unit: 'months', note: `values ${range(col)} read as months` };
    else if (max > 240) tenureUnit = { unit: 'days', note: `CHECK: values ${range(col)} read as days (as months, up to ${Math.round(max / 12)} years)` };
    else {
      tenureUnit = { unit: 'months', note: `CHECK: the name does not say; values ${range(col)}` };
      undecided.push(`duration_unit: "${col.name}" (${range(col)}) does not say whether it counts days or months; months was assumed`);
    }
    if (roles.tenure.columns.length > 1) {
      roles.tenure.columns = roles.tenure.columns.slice(0, 1);
      undecided.push('roles.tenure: several columns look like time on network; the first was taken');
    }
    // Survival needs every row's duration; the tenure stays a feature (missing cells take its median).
    if (col.missing > 0) {
      duration = null;
      undecided.push(`duration: "${col.name}" has ${col.missing.toLocaleString('en')} row${col.missing === 1 ? '' : 's'} without a value, and the survival model (cox) needs one in every row, so none is set and cox is skipped; fill them in, then set duration: ${col.name}`);
    }
  }
  const claimed = new Set(Object.values(roles).flatMap((g) => g.columns));
  const excludeFromSurvival = p.columns.filter((c) => c.numeric && !claimed.has(c.name) && LIFETIME_TOTAL.test(words(c.name))).map((c) => c.name);
  const missingValues = [...new Set(p.columns.flatMap((c) => c.missingTokens))].sort();
  const twoValued = p.columns.filter((c) => c.distinct === 2 && c.levels !== null && c.name !== target?.column);
  return { id, target, twoValued, duration, tenureUnit, roles, excludeFromSurvival, missingValues, undecided };
}
