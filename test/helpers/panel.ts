/** Hand-made operator panels written as CSV, opened, snapshotted and closed in one call. */
import { buildSnapshot, type Snapshot, type SnapshotOptions } from '../../src/features/panel/snapshot.js';
import { openPanel, type PanelFiles } from '../../src/ingest/panel/open-panel.js';
import type { CustomerTable } from '../../src/ingest/table.js';
import { tempDir } from './tmp.js';

export interface HandCustomer {
  id: string;
  activation: string;
  contractStart?: string; // the current contract's start
  contractEnd?: string;
  deactivation?: string;
  reason?: string;
  segment?: string;
}

export interface HandUsage {
  id: string;
  month: string; // YYYY-MM
  out_calls?: number;
  in_calls?: number;
  out_minutes?: number;
  in_minutes?: number;
  distinct_called?: number;
  data_mb?: number;
  revenue?: number;
  dropped_calls?: number;
}

export interface HandComplaint { id: string; opened: string; category: string; resolved?: string }

const USAGE_HEADER = 'customer_id,month,out_calls,in_calls,out_minutes,in_minutes,distinct_called,sms,data_mb,revenue,dropped_calls';

/** Writes the panel's three CSV files in a fresh temporary folder (removed after the test file). */
export function writePanel(customers: readonly HandCustomer[], usage: readonly HandUsage[], complaints: readonly HandComplaint[] = []): PanelFiles {
  const tmp = tempDir('churnscope-panel-test-');
  return {
    customers: tmp.write('customers.csv', [
      'customer_id,activation_date,segment,plan,contract_start_date,contract_end_date,deactivation_date,deactivation_reason',
      ...customers.map((c) => [c.id, c.activation, c.segment ?? 'consumer', 'basic', c.contractStart ?? '', c.contractEnd ?? '', c.deactivation ?? '', c.reason ?? ''].join(',')),
    ].join('\n')),
    usage: tmp.write('usage.csv', [
      USAGE_HEADER,
      ...usage.map((u) => [u.id, `${u.month}-01`, u.out_calls ?? 0, u.in_calls ?? 0, u.out_minutes ?? 0, u.in_minutes ?? 0, u.distinct_called ?? 0, 0, u.data_mb ?? 0, u.revenue ?? 0, u.dropped_calls ?? 0].join(',')),
    ].join('\n')),
    // No complaints: no file (a header alone is refused as empty).
    complaints: complaints.length === 0 ? undefined : tmp.write('complaints.csv', [
      'customer_id,opened_at,category,resolved_at',
      ...complaints.map((c) => [c.id, c.opened, c.category, c.resolved ?? ''].join(',')),
    ].join('\n')),
  };
}

/** One snapshot of the panel in `files`. */
export async function snapshotOf(files: PanelFiles, month: string, options: SnapshotOptions): Promise<Snapshot> {
  const panel = await openPanel(files);
  try {
    return await buildSnapshot(panel, month, options);
  } finally {
    panel.close();
  }
}

/** A customer's value of a feature (NaN: missing), or its label / duration. */
export function valueOf(table: CustomerTable, id: string, name: string): number | string | null {
  const i = table.ids.indexOf(id);
  if (i < 0) throw new Error(`no customer ${id} in the snapshot`);
  if (name === 'label') return table.target?.[i] ?? null;
  if (name === 'duration') return table.duration?.[i] ?? null;
  const c = table.columns.find((x) => x.name === name);
  if (c === undefined) throw new Error(`no column ${name}`);
  return c.values[i];
}
