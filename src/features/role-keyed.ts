/**
 * Settings keyed by role, derived feature or feature-name prefix (suggested actions,
 * improvability), looked up for a feature of any table: a column the config maps to a role (or
 * sums into one) takes its role's entry, so a table mapped to roles needs no entry per column
 * name; any other feature takes the entry with the longest prefix of its name.
 */
export interface RoleMapping {
  roles: Record<string, string>; // role -> column (a summed role: its added column)
  role_sums?: Record<string, string[]>; // added column -> the columns it sums
}

/** The role a raw column plays: mapped directly, or one of the columns a role sums. */
export function roleOf(column: string, mapping: RoleMapping): string | undefined {
  for (const [role, mapped] of Object.entries(mapping.roles)) {
    if (mapped === column || (mapping.role_sums?.[mapped]?.includes(column) ?? false)) return role;
  }
  return undefined;
}

/** The key of `table` that applies to a feature (a one-hot `column=level` is its column), or undefined. */
export function keyFor(feature: string, table: Readonly<Record<string, unknown>>, mapping: RoleMapping): string | undefined {
  const column = feature.includes('=') ? feature.slice(0, feature.indexOf('=')) : feature;
  const role = roleOf(column, mapping);
  if (role !== undefined && Object.hasOwn(table, role)) return role;
  let best: string | undefined;
  for (const prefix of Object.keys(table)) if (feature.startsWith(prefix) && prefix.length > (best?.length ?? 0)) best = prefix;
  return best;
}
