/**
 * Roles as the pipeline reads them: one column per role. A role the config maps to several
 * columns (a table that splits minutes into day, evening, night and international) reads their
 * sum, a column `total_<role>` that ingest adds to the table and scoring to its input.
 */
export interface ResolvedRoles {
  roles: Record<string, string>;
  /** Added column -> the columns it sums, in config order. */
  role_sums: Record<string, string[]>;
}

function roleSumName(role: string): string {
  return `total_${role}`;
}

export function resolveRoles(roles: Partial<Record<string, string | string[]>>): ResolvedRoles {
  const out: Record<string, string> = {};
  const sums: Record<string, string[]> = {};
  for (const [role, columns] of Object.entries(roles)) {
    if (columns === undefined) continue;
    if (typeof columns === 'string' || columns.length === 1) {
      out[role] = typeof columns === 'string' ? columns : columns[0];
      continue;
    }
    const name = roleSumName(role);
    out[role] = name;
    sums[name] = [...columns];
  }
  return { roles: out, role_sums: sums };
}
