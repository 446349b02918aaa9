import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ChurnscopeError } from '../../src/errors.js';
import { readImportance } from '../../src/evaluate/files/importance-file.js';
import { buildSnapshot } from '../../src/features/panel/snapshot.js';
import { generatePanel } from '../../src/generate/operator.js';
import { parsePanelConfig } from '../../src/config/any-config.js';
import { trainPanel } from '../../src/pipeline/train-panel.js';
import { openPanel, type PanelFiles } from '../../src/ingest/panel/open-panel.js';
import type { CustomerTable } from '../../src/ingest/table.js';
import { tempDir } from '../helpers/tmp.js';

const tmp = tempDir();
const LABELS = { gap: 1, horizon: 2, label: 'churn' as const, topBand: 0.2 };

function column(table: CustomerTable, name: string): Float64Array {
  const c = table.columns.find((x) => x.name === name);
  if (c === undefined || c.kind !== 'numeric') throw new Error(`no numeric column ${name}`);
  return c.values;
}

async function withPanel<T>(files: PanelFiles, work: (p: Awaited<ReturnType<typeof openPanel>>) => Promise<T>): Promise<T> {
  const panel = await openPanel(files);
  try {
    return await work(panel);
  } finally {
    panel.close();
  }
}

describe('the generated operator', () => {
  const dir = join(tmp.dir, 'gen');
  const files = (d: string): PanelFiles => ({ customers: join(d, 'customers.csv'), usage: join(d, 'usage_monthly.csv'), complaints: join(d, 'complaints.csv') });

  it('is seeded: the same seed gives the same files, another seed others', async () => {
    // 14 months: three reference months with their whole 6-month history before an out-of-time test month.
    await generatePanel({ customers: 3000, months: 14, seed: 7, out: dir });
    await generatePanel({ customers: 3000, months: 14, seed: 7, out: join(tmp.dir, 'gen-again') });
    await generatePanel({ customers: 300, months: 12, seed: 8, out: join(tmp.dir, 'gen-other') });
    for (const f of ['customers.csv', 'usage_monthly.csv', 'complaints.csv']) {
      expect(readFileSync(join(tmp.dir, 'gen-again', f), 'utf8')).toBe(readFileSync(join(dir, f), 'utf8'));
    }
    // Customer i depends only on the seed and i: the first 300 customers of a larger run are identical.
    await generatePanel({ customers: 300, months: 14, seed: 7, out: join(tmp.dir, 'gen-small') });
    const small = readFileSync(join(tmp.dir, 'gen-small', 'customers.csv'), 'utf8').trim().split('\n');
    expect(readFileSync(join(dir, 'customers.csv'), 'utf8').split('\n').slice(0, small.length)).toEqual(small);
    expect(readFileSync(join(tmp.dir, 'gen-other', 'customers.csv'), 'utf8')).not.toBe(small.join('\n'));
    const drivers = JSON.parse(readFileSync(join(dir, 'drivers.json'), 'utf8'));
    expect(Object.keys(drivers.drivers)).toEqual(expect.arrayContaining(['early_life', 'contract_end', 'complaints', 'unresolved_complaints', 'dropped_calls', 'key_account']));
  });

  it('churns at a realistic rate, mostly voluntarily, with some non-payment', () => {
    const rows = readFileSync(join(dir, 'customers.csv'), 'utf8').trim().split('\n').slice(1).map((l) => l.split(','));
    const reasons = new Map<string, number>();
    for (const r of rows) reasons.set(r[7], (reasons.get(r[7]) ?? 0) + 1);
    const voluntary = (reasons.get('voluntary') ?? 0) + (reasons.get('port_out') ?? 0);
    expect(voluntary / rows.length).toBeGreaterThan(0.12); // yearly voluntary churn in 12-30%
    expect(voluntary / rows.length).toBeLessThan(0.3);
    expect(reasons.get('non_payment') ?? 0).toBeGreaterThan(0);
  });

  it('shows the seeds of churn: churners call out less, call fewer people, use less', async () => {
    await withPanel(files(dir), async (panel) => {
      const { table, counts } = await buildSnapshot(panel, '2025-08', { window: 6, labels: LABELS });
      expect(counts.churned).toBeGreaterThan(50);
      expect(counts.excluded_involuntary).toBeGreaterThan(0);
      const y = table.target ?? new Uint8Array();
      const mean = (name: string, cls: number): number => {
        const v = column(table, name);
        let s = 0;
        let n = 0;
        for (let i = 0; i < v.length; i++) if (y[i] === cls && Number.isFinite(v[i])) { s += v[i]; n++; }
        return s / n;
      };
      expect(mean('call_ratio_change', 1)).toBeLessThan(mean('call_ratio_change', 0) - 0.15);
      expect(mean('distinct_called_change_3m', 1)).toBeLessThan(mean('distinct_called_change_3m', 0) - 0.15);
      expect(mean('traffic_change_3m', 1)).toBeLessThan(mean('traffic_change_3m', 0) - 0.1);
      expect(mean('in_calls_change_3m', 1)).toBeGreaterThan(mean('out_calls_change_3m', 1) + 0.15);
    });
  });

  it('trains out of time and its importance recovers the true drivers', async () => {
    const config = parsePanelConfig({ kind: 'panel', tables: files(dir), models: ['random_forest'], model_params: { random_forest: { trees: 100 } } }, join(dir, 'panel.json'));
    const { evaluation } = await trainPanel(config, join(tmp.dir, 'panel-run'));
    expect(evaluation.split.kind).toBe('out_of_time');
    expect(evaluation.models.random_forest.auc).toBeGreaterThan(0.85);
    expect(evaluation.models.random_forest.lift_at_10).toBeGreaterThan(5);
    const drivers = JSON.parse(readFileSync(join(dir, 'drivers.json'), 'utf8')).drivers as Record<string, { feature?: string }>;
    const truth = new Set([
      ...Object.values(drivers).flatMap((d) => (d.feature === undefined ? [] : [d.feature])),
      // the precursors the generator documents, as the snapshot names them ("total minutes fall": minutes, traffic)
      'call_ratio', 'call_ratio_change', 'out_calls', 'out_calls_change_3m', 'distinct_called_change_3m', 'minutes', 'traffic_change_3m', 'traffic_slope', 'complaints_6m',
    ]);
    const top5 = readImportance(join(tmp.dir, 'panel-run')).models.random_forest.permutation.slice(0, 5).map((p) => p.feature);
    expect(top5.filter((f) => truth.has(f)).length, top5.join(', ')).toBeGreaterThanOrEqual(4);
  });

  it('reads no month after T: changing every later row leaves the features unchanged', async () => {
    const before = await withPanel(files(dir), (p) => buildSnapshot(p, '2025-06', { window: 6 }));
    const later = join(tmp.dir, 'later');
    const { mkdirSync } = await import('node:fs');
    mkdirSync(later, { recursive: true });
    const usage = readFileSync(join(dir, 'usage_monthly.csv'), 'utf8').trim().split('\n');
    writeFileSync(join(later, 'usage_monthly.csv'), `${usage.map((l, i) => {
      const f = l.split(',');
      if (i === 0 || f[1] <= '2025-06-01') return l;
      return [f[0], f[1], ...f.slice(2).map((v) => String(Number(v) * 3 + 1))].join(',');
    }).join('\n')}\n`);
    const complaints = readFileSync(join(dir, 'complaints.csv'), 'utf8').trim().split('\n');
    const extra = complaints.slice(1, 200).map((l) => `${l.split(',')[0]},2025-09-15,billing,`);
    writeFileSync(join(later, 'complaints.csv'), `${[...complaints, ...extra].join('\n')}\n`);
    const customers = readFileSync(join(dir, 'customers.csv'), 'utf8').trim().split('\n');
    writeFileSync(join(later, 'customers.csv'), `${customers.map((l, i) => {
      const f = l.split(',');
      return i > 0 && f[6] > '2025-07-01' ? [...f.slice(0, 6), '2025-11-03', 'fraud'].join(',') : l;
    }).join('\n')}\n`);
    const after = await withPanel(files(later), (p) => buildSnapshot(p, '2025-06', { window: 6 }));
    expect(after.table.ids).toEqual(before.table.ids);
    for (const c of before.table.columns) {
      const other = after.table.columns.find((x) => x.name === c.name);
      const values = (col: typeof c | undefined): unknown[] => (col === undefined ? [] : col.kind === 'numeric' ? Array.from(col.values) : [...col.values]);
      expect(values(other), c.name).toEqual(values(c));
    }
  });
});

describe('labels and windows on a hand-made panel', () => {
  // Months 2025-01..2025-06. T = 2025-02, gap 1, horizon 2 -> window 2025-04..2025-05.
  const customers = [
    'customer_id,activation_date,segment,plan,contract_end_date,deactivation_date,deactivation_reason',
    'stay,2024-01-10,consumer,basic,,,',
    'gapper,2024-01-10,consumer,basic,,2025-03-20,voluntary',
    'leaver,2024-01-10,consumer,basic,2025-04-01,2025-04-02,port_out',
    'lateleaver,2024-01-10,consumer,basic,,2025-05-28,voluntary',
    'tooLate,2024-01-10,consumer,basic,,2025-06-02,voluntary',
    'cut,2024-01-10,consumer,basic,,2025-05-01,non_payment',
    'gone,2024-01-10,consumer,basic,,2025-02-10,voluntary',
  ].join('\n');
  const usageRows = ['customer_id,month,out_calls,in_calls,out_minutes,in_minutes,distinct_called,sms,data_mb,revenue,dropped_calls'];
  for (const id of ['stay', 'gapper', 'leaver', 'lateleaver', 'tooLate', 'cut', 'gone']) {
    for (let m = 1; m <= 6; m++) usageRows.push(`${id},2025-0${m}-01,${10 + m},10,20,20,5,1,100,30,1`);
  }
  const files = {
    customers: tmp.write('h-customers.csv', customers),
    usage: tmp.write('h-usage.csv', usageRows.join('\n')),
    complaints: tmp.write('h-complaints.csv', 'customer_id,opened_at,category,resolved_at\nstay,2025-02-05,billing,\nstay,2025-01-05,coverage,2025-03-01\nstay,2025-03-05,price,\n'),
  };

  it('labels voluntary churn in the window, excludes the gap and involuntary churn', async () => {
    await withPanel(files, async (panel) => {
      const { table, counts } = await buildSnapshot(panel, '2025-02', { window: 3, labels: LABELS });
      const label = Object.fromEntries(table.ids.map((id, i) => [id, table.target?.[i]]));
      expect(label).toEqual({ lateleaver: 1, leaver: 1, stay: 0, tooLate: 0 });
      expect(counts).toMatchObject({ active: 6, labelled: 4, churned: 2, excluded_involuntary: 1, excluded_left_in_gap: 1 });
      const i = table.ids.indexOf('stay');
      expect(column(table, 'complaints_1m')[i]).toBe(1);
      expect(column(table, 'complaints_3m')[i]).toBe(2);
      expect(column(table, 'unresolved_complaints')[i]).toBe(2); // the coverage one was resolved only in March
      expect(column(table, 'complaints_price_6m')[i]).toBe(0); // opened after T
      expect(column(table, 'months_since_complaint')[i]).toBe(0);
      expect(column(table, 'tenure_months')[i]).toBe(13);
      expect(column(table, 'out_calls')[i]).toBe(12);
      expect(column(table, 'traffic_change_3m')[i]).toBe(0); // against the one prior month the data has
      expect(column(table, 'out_calls_change_3m')[i]).toBeCloseTo(12 / 11 - 1, 12);
      expect(table.duration?.[table.ids.indexOf('leaver')]).toBe(15);
      expect(table.duration?.[i]).toBe(17); // censored at the window's end (2025-06-01)
    });
  });

  it('errors on a month outside the data and on a window past its end', async () => {
    await withPanel(files, async (panel) => {
      await expect(buildSnapshot(panel, '2024-12', { window: 3, labels: LABELS })).rejects.toThrow('the reference month 2024-12 is outside the data, which runs from 2025-01 to 2025-06');
      await expect(buildSnapshot(panel, '2025-05', { window: 3, labels: LABELS })).rejects.toThrow("the outcome window of 2025-05 (2025-07 to 2025-08) ends after the data's last month 2025-06");
    });
  });
});

describe('panel bad input', () => {
  const customersText = 'customer_id,activation_date,segment,plan,contract_end_date,deactivation_date,deactivation_reason\na,2024-01-01,consumer,basic,,,\nb,2024-02-01,consumer,basic,,2025-03-01,voluntary\n';
  const usageHeader = 'customer_id,month,out_calls,in_calls,out_minutes,in_minutes,distinct_called,sms,data_mb,revenue,dropped_calls';
  const usageText = `${usageHeader}\na,2025-01-01,1,1,1,1,1,1,1,1,0\na,2025-02-01,1,1,1,1,1,1,1,1,0\nb,2025-01-01,1,1,1,1,1,1,1,1,0\n`;

  async function errorOf(customers: string, usage: string): Promise<string> {
    const c = tmp.write(`c${Math.random()}.csv`, customers);
    const u = tmp.write(`u${Math.random()}.csv`, usage);
    try {
      (await openPanel({ customers: c, usage: u })).close();
      return 'no error';
    } catch (e) {
      return e instanceof ChurnscopeError ? e.describe().replace(c, 'CUSTOMERS').replace(u, 'USAGE') : String(e);
    }
  }

  it('an unknown deactivation reason', async () => {
    expect(await errorOf(customersText.replace('voluntary', 'moved abroad'), usageText)).toBe(
      'input error (file CUSTOMERS, row 2, column "deactivation_reason"): unknown deactivation_reason "moved abroad"; expected one of voluntary, port_out, non_payment, fraud',
    );
  });
  it('a date that does not parse', async () => {
    expect(await errorOf(customersText.replace('2024-02-01', '2024-13-45'), usageText)).toBe('input error (file CUSTOMERS, row 2, column "activation_date"): "2024-13-45" is not a date (YYYY-MM-DD)');
  });
  it('a duplicate (customer, month)', async () => {
    expect(await errorOf(customersText, `${usageText}a,2025-02-01,2,2,2,2,2,2,2,2,0\n`)).toBe(
      'input error (file USAGE, row 4, column "month"): duplicate usage for customer "a" in month 2025-02 at rows 2 and 4',
    );
  });
  it('usage of an unknown customer and gaps are counted warnings, not silent', async () => {
    const c = tmp.write('w-c.csv', customersText);
    const u = tmp.write('w-u.csv', `${usageText}zz,2025-01-01,1,1,1,1,1,1,1,1,0\na,2025-04-01,1,1,1,1,1,1,1,1,0\n`);
    await withPanel({ customers: c, usage: u }, async (panel) => {
      expect(panel.warnings).toEqual([`1 usage rows belong to customers not in ${c}; they were skipped`, '1 customers have gaps in their monthly usage (1 missing months, read as no usage)']);
    });
  });
  it('an empty outcome window', async () => {
    // Everyone active at 2025-01 left in the gap or is gone: no customer can be labelled.
    const c = tmp.write('e-c.csv', 'customer_id,activation_date,segment,plan,contract_end_date,deactivation_date,deactivation_reason\na,2024-01-01,consumer,basic,,2025-02-15,voluntary\n');
    const u = tmp.write('e-u.csv', `${usageHeader}\na,2025-01-01,1,1,1,1,1,1,1,1,0\na,2025-02-01,1,1,1,1,1,1,1,1,0\na,2025-03-01,0,0,0,0,0,0,0,0,0\na,2025-04-01,0,0,0,0,0,0,0,0,0\n`);
    await withPanel({ customers: c, usage: u }, async (panel) => {
      await expect(buildSnapshot(panel, '2025-01', { window: 1, labels: LABELS })).rejects.toThrow('no customer can be labelled at 2025-01: the outcome window is empty');
    });
  });
});

describe('call-detail records', () => {
  it('aggregate into monthly usage both ways', async () => {
    const c = tmp.write('cdr-c.csv', 'customer_id,activation_date,segment,plan,contract_end_date,deactivation_date,deactivation_reason\na,2024-01-01,consumer,basic,,,\nb,2024-01-01,consumer,basic,,,\n');
    const cdr = tmp.write('cdr.csv', [
      'caller,callee,started_at,seconds',
      'a,b,2025-01-03T10:00:00,60', 'a,b,2025-01-04T10:00:00,120', 'a,x,2025-01-05T10:00:00,30', 'b,a,2025-01-06T10:00:00,90', 'x,a,2025-02-01T09:00:00,600',
    ].join('\n'));
    await withPanel({ customers: c, cdr }, async (panel) => {
      const rows = (await panel.con.runAndReadAll("SELECT customer_id, strftime(month, '%Y-%m'), out_calls, in_calls, out_minutes, in_minutes, distinct_called FROM usage_monthly ORDER BY 1, 2")).getRowsJS();
      expect(rows).toEqual([
        ['a', '2025-01', 3, 1, 3.5, 1.5, 2],
        ['a', '2025-02', 0, 1, 0, 10, 0],
        ['b', '2025-01', 1, 2, 1.5, 3, 1],
      ]);
    });
  });
});
