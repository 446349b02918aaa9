/**
 * Customer value and value at risk: monthly revenue × months (the mapped `revenue` role or a
 * configured column) and that value times the churn probability within the horizon.
 */
import { findColumn, type CustomerTable } from '../../ingest/table.js';
import type { SavedModel } from '../../models/artifact.js';

/** The raw column the value comes from, or null when the model has none. */
export function valueColumn(saved: SavedModel): string | null {
  return saved.scoring.retention.value_column ?? saved.encoder.roles.revenue ?? null;
}

export function customerValue(saved: SavedModel, table: CustomerTable): Float64Array | null {
  const name = valueColumn(saved);
  if (name === null) return null;
  const col = findColumn(table, name);
  if (col === undefined || col.kind !== 'numeric') return null;
  const months = saved.scoring.retention.value_months;
  return col.values.map((v) => (Number.isFinite(v) ? v * months : 0));
}
