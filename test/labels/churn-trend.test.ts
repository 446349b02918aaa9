import { describe, expect, it } from 'vitest';
import { openPanel } from '../../src/ingest/panel/open-panel.js';
import { churnTrend } from '../../src/labels/churn-trend.js';
import { writePanel } from '../helpers/panel.js';

// Three months, 2024-01 to 2024-03. The base of a month is who is active at its first day.
const files = writePanel([
  { id: 'a', activation: '2023-06-01' }, // stays throughout
  { id: 'b', activation: '2023-06-01', deactivation: '2024-01-15', reason: 'voluntary' }, // leaves in January
  { id: 'c', activation: '2023-09-10', deactivation: '2024-02-01', reason: 'port_out', segment: 'business' }, // leaves on February's first day: in February's base, churned in February
  { id: 'd', activation: '2024-01-01', deactivation: '2024-03-31', reason: 'non_payment', segment: 'business' }, // joins on January's first day: in its base
  { id: 'e', activation: '2024-01-05', deactivation: '2024-01-20', reason: 'fraud' }, // joins and leaves within January: in no base
  { id: 'f', activation: '2024-02-10', deactivation: '2024-03-02', reason: 'fraud', segment: 'business' },
  { id: 'g', activation: '2023-01-01', deactivation: '2023-12-31', reason: 'voluntary' }, // gone before the data
  { id: 'h', activation: '2023-05-01', deactivation: '2024-03-15', reason: 'voluntary' },
], ['2024-01', '2024-02', '2024-03'].map((month) => ({ id: 'a', month })));

describe('the churn trend', () => {
  it('gives each month its base, deactivations by reason, churn, voluntary churn and retention rates', async () => {
    const panel = await openPanel(files);
    try {
      const trend = await churnTrend(panel.con, panel.firstMonth, panel.lastMonth);
      expect(trend.months).toEqual([
        { month: '2024-01', active: 5, churned: { voluntary: 1, port_out: 0, non_payment: 0, fraud: 0 }, churn_rate: 1 / 5, voluntary_rate: 1 / 5, retention_rate: 1 - 1 / 5 },
        { month: '2024-02', active: 4, churned: { voluntary: 0, port_out: 1, non_payment: 0, fraud: 0 }, churn_rate: 1 / 4, voluntary_rate: 1 / 4, retention_rate: 1 - 1 / 4 },
        { month: '2024-03', active: 4, churned: { voluntary: 1, port_out: 0, non_payment: 1, fraud: 1 }, churn_rate: 3 / 4, voluntary_rate: 1 / 4, retention_rate: 1 - 3 / 4 },
      ]);
      expect(trend.by_segment.map((s) => [s.month, s.segment, s.active, s.churned, s.churn_rate, s.voluntary_rate])).toEqual([
        ['2024-01', 'business', 2, 0, 0, 0], ['2024-01', 'consumer', 3, 1, 1 / 3, 1 / 3],
        ['2024-02', 'business', 2, 1, 1 / 2, 1 / 2], ['2024-02', 'consumer', 2, 0, 0, 0],
        ['2024-03', 'business', 2, 2, 1, 0], ['2024-03', 'consumer', 2, 1, 1 / 2, 1 / 2],
      ]);
      expect(trend.reasons).toEqual([
        { reason: 'voluntary', customers: 2, share: 2 / 5 }, { reason: 'port_out', customers: 1, share: 1 / 5 },
        { reason: 'non_payment', customers: 1, share: 1 / 5 }, { reason: 'fraud', customers: 1, share: 1 / 5 },
      ]);
      // A month nobody was active at the start of (before anyone joined): rates of 0, not 0 / 0.
      const empty = await churnTrend(panel.con, '2022-12', '2022-12');
      expect(empty.months).toEqual([{ month: '2022-12', active: 0, churned: { voluntary: 0, port_out: 0, non_payment: 0, fraud: 0 }, churn_rate: 0, voluntary_rate: 0, retention_rate: 1 }]);
      expect(empty.reasons.map((r) => r.share)).toEqual([0, 0, 0, 0]);
    } finally {
      panel.close();
    }
  });
});
