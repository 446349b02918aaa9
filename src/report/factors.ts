/**
 * Global importance across models, and the factor matrix operators use to choose what to fix:
 * a driver that is important, widespread among at-risk customers and easy to improve ranks first.
 */
import type { ModelImportance } from './input.js';
import { keyFor, roleOf, type RoleMapping } from '../features/role-keyed.js';

/** A feature's driver: one-hot levels `col=level` belong to `col`. */
export function driverOf(feature: string): string {
  const eq = feature.indexOf('=');
  return eq >= 0 ? feature.slice(0, eq) : feature;
}

export interface RankedDriver { driver: string; score: number; rank: number }

/** Mean over models of each driver's share of positive permutation importance. */
export function consolidatedRanking(importance: Record<string, ModelImportance>): RankedDriver[] {
  const totals = new Map<string, number>();
  const models = Object.values(importance);
  for (const m of models) {
    const byDriver = new Map<string, number>();
    for (const p of m.permutation) byDriver.set(driverOf(p.feature), (byDriver.get(driverOf(p.feature)) ?? 0) + Math.max(0, p.mean));
    const sum = [...byDriver.values()].reduce((a, b) => a + b, 0);
    for (const [d, v] of byDriver) totals.set(d, (totals.get(d) ?? 0) + (sum > 0 ? v / sum : 0) / models.length);
  }
  return [...totals.entries()]
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .map(([driver, score], k) => ({ driver, score: Math.round(score * 1e6) / 1e6, rank: k + 1 }));
}

/**
 * How easily an operator can move each driver (0 = not at all, 1 = fully), keyed like the actions:
 * by role (a column mapped to it), derived feature or feature-name prefix. A config's
 * `retention.improvability` entries override these.
 */
const DEFAULT_IMPROVABILITY: Record<string, number> = {
  unresolved_complaints: 0.9,
  complaints: 0.8,
  dropped_call: 0.6,
  dropped_calls: 0.6,
  contract: 0.7,
  months_to_contract_end: 0.7,
  has_contract: 0.7,
  revenue: 0.5,
  revenue_per_minute: 0.5,
  plan: 0.5,
  call_ratio: 0.3,
  traffic: 0.3,
  minutes: 0.3,
  out_calls: 0.3,
  in_calls: 0.3,
  distinct_called: 0.3,
  tenure: 0.1,
  segment: 0,
};

/** A driver with no entry, configured or default. */
const UNKNOWN_IMPROVABILITY = 0.3;

interface Improvability { value: number; source: string }

/** The driver's improvability and where it came from: the config's entry, the default for its role or prefix, or none. */
function improvabilityOf(driver: string, configured: Record<string, number> = {}, mapping: RoleMapping = { roles: {} }): Improvability {
  const own = keyFor(driver, configured, mapping);
  if (own !== undefined) return { value: configured[own], source: `config: retention.improvability.${own}` };
  const key = keyFor(driver, DEFAULT_IMPROVABILITY, mapping);
  if (key !== undefined) return { value: DEFAULT_IMPROVABILITY[key], source: roleOf(driver.split('=')[0], mapping) === key ? `default for the role ${key}` : `default for ${key}` };
  return { value: UNKNOWN_IMPROVABILITY, source: 'no entry: the middle default' };
}

export interface FactorRow {
  driver: string;
  meaning: string;
  importance: number;
  share_at_risk_affected: number | null;
  improvability: number;
  improvability_source: string;
  priority: number;
}

/**
 * Priority = importance × share of at-risk customers affected × improvability, each on [0, 1]
 * (importance relative to the top driver). Without a scored list the share counts as 1.
 */
export function factorMatrix(
  ranking: readonly RankedDriver[],
  shareAffected: Record<string, number> | null,
  describe: (driver: string) => string,
  improvability: Record<string, number> = {},
  mapping: RoleMapping = { roles: {} },
  limit = 15,
): FactorRow[] {
  const top = ranking[0]?.score ?? 1;
  return ranking
    .slice(0, limit)
    .map((r) => {
      const share = shareAffected === null ? null : shareAffected[r.driver] ?? 0;
      const imp = improvabilityOf(r.driver, improvability, mapping);
      const importance = top > 0 ? r.score / top : 0;
      return { driver: r.driver, meaning: describe(r.driver), importance: round(importance), share_at_risk_affected: share === null ? null : round(share), improvability: imp.value, improvability_source: imp.source, priority: round(importance * (share ?? 1) * imp.value) };
    })
    .sort((a, b) => b.priority - a.priority || (a.driver < b.driver ? -1 : 1));
}

const round = (x: number): number => Math.round(x * 1e4) / 1e4;
