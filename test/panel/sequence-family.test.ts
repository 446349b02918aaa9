import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildSnapshot } from '../../src/features/panel/snapshot.js';
import { sequenceColumn } from '../../src/features/panel/sequence.js';
import { generatePanel } from '../../src/generate/operator.js';
import { openPanel, type PanelFiles } from '../../src/ingest/panel/open-panel.js';
import type { CustomerTable } from '../../src/ingest/table.js';
import { tempDir } from '../helpers/tmp.js';

const tmp = tempDir();

async function snapshot(files: PanelFiles, month: string, window: number): Promise<CustomerTable> {
  const panel = await openPanel(files);
  try {
    return (await buildSnapshot(panel, month, { window, sequence: true })).table;
  } finally {
    panel.close();
  }
}

function cells(table: CustomerTable, id: string, channel: string, window: number): number[] {
  const i = table.ids.indexOf(id);
  return Array.from({ length: window }, (_, k) => {
    const c = table.columns.find((x) => x.name === sequenceColumn(channel, k));
    if (c === undefined || c.kind !== 'numeric') throw new Error(`no column ${sequenceColumn(channel, k)}`);
    return c.values[i];
  });
}

describe('the monthly sequence family on a hand-made panel', () => {
  // Data from 2025-01 to 2025-05; T = 2025-04, window 5 reaches back to 2024-12, before the data.
  const customers = [
    'customer_id,activation_date,segment,plan,contract_end_date,deactivation_date,deactivation_reason',
    'old,2024-01-10,consumer,basic,,,',
    'new,2025-03-15,consumer,basic,,,',
    'gap,2024-06-01,consumer,basic,,,',
  ].join('\n');
  const usage = ['customer_id,month,out_calls,in_calls,out_minutes,in_minutes,distinct_called,sms,data_mb,revenue,dropped_calls'];
  for (let m = 1; m <= 5; m++) usage.push(`old,2025-0${m}-01,${10 * m},${m},${m + 0.5},1,${m},0,${100 * m},30,${m % 2}`);
  usage.push('new,2025-03-01,4,4,4,4,2,0,10,12,0', 'new,2025-04-01,8,4,4,4,2,0,10,12,0', 'new,2025-05-01,99,99,99,99,99,0,99,99,99');
  usage.push('gap,2025-01-01,5,5,5,5,5,0,5,5,0', 'gap,2025-03-01,7,7,7,7,7,0,7,7,0', 'gap,2025-04-01,6,6,6,6,6,0,6,6,0');
  const files = {
    customers: tmp.write('s-customers.csv', customers),
    usage: tmp.write('s-usage.csv', usage.join('\n')),
    // old: one complaint in Feb resolved in March, one in April still open, one in May (after T).
    complaints: tmp.write('s-complaints.csv', 'customer_id,opened_at,category,resolved_at\nold,2025-02-10,billing,2025-03-05\nold,2025-04-02,coverage,\nold,2025-05-03,price,\n'),
  };

  it('lays out the months oldest last, masks months before activation and before the data, reads gaps as no usage', async () => {
    const t = await snapshot(files, '2025-04', 5);
    // lag 0 = April, lag 4 = December 2024 (before the data: masked, empty).
    expect(cells(t, 'old', 'out_calls', 5)).toEqual([40, 30, 20, 10, Number.NaN]);
    expect(cells(t, 'old', 'active', 5)).toEqual([1, 1, 1, 1, 0]);
    expect(cells(t, 'old', 'out_minutes', 5)).toEqual([4.5, 3.5, 2.5, 1.5, Number.NaN]);
    expect(cells(t, 'old', 'data_mb', 5)).toEqual([400, 300, 200, 100, Number.NaN]);
    expect(cells(t, 'old', 'dropped_calls', 5)).toEqual([0, 1, 0, 1, Number.NaN]);
    expect(cells(t, 'old', 'complaints', 5)).toEqual([1, 0, 1, 0, Number.NaN]);
    // Open at the end of Feb (resolved in March), none at the end of March, the April one at April's end.
    expect(cells(t, 'old', 'unresolved', 5)).toEqual([1, 0, 1, 0, Number.NaN]);
    // Activated mid-March: March counts, February and before are masked.
    expect(cells(t, 'new', 'active', 5)).toEqual([1, 1, 0, 0, 0]);
    expect(cells(t, 'new', 'out_calls', 5)).toEqual([8, 4, Number.NaN, Number.NaN, Number.NaN]);
    // No usage row in February: active, read as zero.
    expect(cells(t, 'gap', 'in_calls', 5)).toEqual([6, 7, 0, 5, Number.NaN]);
    expect(cells(t, 'gap', 'active', 5)).toEqual([1, 1, 1, 1, 0]);
  });
});

describe('the sequence family reads no month after T', () => {
  it('changing every later usage row, adding later complaints and later deactivations leaves its columns unchanged', async () => {
    const dir = join(tmp.dir, 'gen');
    await generatePanel({ customers: 400, months: 10, seed: 3, out: dir });
    const files = (d: string): PanelFiles => ({ customers: join(d, 'customers.csv'), usage: join(d, 'usage_monthly.csv'), complaints: join(d, 'complaints.csv') });
    const before = await snapshot(files(dir), '2025-06', 6);

    const later = join(tmp.dir, 'later');
    mkdirSync(later, { recursive: true });
    const lines = (f: string): string[] => readFileSync(join(dir, f), 'utf8').trim().split('\n');
    writeFileSync(join(later, 'usage_monthly.csv'), `${lines('usage_monthly.csv').map((l, i) => {
      const f = l.split(',');
      return i === 0 || f[1] <= '2025-06-01' ? l : [f[0], f[1], ...f.slice(2).map((v) => String(Number(v) * 3 + 1))].join(',');
    }).join('\n')}\n`);
    // Later complaints, and every complaint still open at T resolved after it.
    const complaints = lines('complaints.csv').map((l, i) => {
      const f = l.split(',');
      return i > 0 && f[1] < '2025-07-01' && f[3] === '' ? [f[0], f[1], f[2], '2025-08-20'].join(',') : l;
    });
    writeFileSync(join(later, 'complaints.csv'), `${[...complaints, ...complaints.slice(1, 100).map((l) => `${l.split(',')[0]},2025-07-15,billing,`)].join('\n')}\n`);
    writeFileSync(join(later, 'customers.csv'), `${lines('customers.csv').map((l, i) => {
      const f = l.split(',');
      return i > 0 && f[6] > '2025-07-01' ? [...f.slice(0, 6), '2025-09-03', 'fraud'].join(',') : l;
    }).join('\n')}\n`);
    const after = await snapshot(files(later), '2025-06', 6);

    expect(after.ids).toEqual(before.ids);
    const names = before.columns.filter((c) => c.name.startsWith('seq_')).map((c) => c.name);
    expect(names).toHaveLength(66);
    for (const name of names) {
      const a = after.columns.find((c) => c.name === name);
      const b = before.columns.find((c) => c.name === name);
      expect(Array.from((a?.values ?? []) as Float64Array), name).toEqual(Array.from((b?.values ?? []) as Float64Array));
    }
  });
});
