/** The report's actions read from the list: per tier, per segment (a blank segment named), top customers. */
import { describe, expect, it } from 'vitest';
import { withDuckDB } from '../../src/io/duckdb.js';
import { listActions } from '../../src/report/actions.js';

describe('list actions', () => {
  it('counts customers and their specific actions per tier and per segment, a missing segment under "(no segment)"', async () => {
    const actions = await withDuckDB(async (con) => {
      await con.run(`CREATE TABLE l AS SELECT * FROM (VALUES
        (1, 'a', 0.9, 'high', 'Month-to-month', 'Contract', 'offer a one-year contract'),
        (2, 'b', 0.8, 'high', NULL, 'Contract', 'offer a one-year contract'),
        (3, 'c', 0.4, 'medium', '', 'complaints', 'resolve the open complaint'),
        (4, 'd', 0.1, 'low', 'Month-to-month', NULL, NULL)
      ) t(rank, id, churn_probability, risk_tier, segment, reason_1, reason_1_action)`);
      return listActions(con, new Set(['rank', 'id', 'churn_probability', 'risk_tier', 'segment', 'reason_1', 'reason_1_action']));
    });
    expect(actions.by_segment).toEqual([
      { segment: '(no segment)', customers: 2, actions: [{ action: 'offer a one-year contract', customers: 1, share: 0.5 }, { action: 'resolve the open complaint', customers: 1, share: 0.5 }] },
      { segment: 'Month-to-month', customers: 2, actions: [{ action: 'offer a one-year contract', customers: 1, share: 0.5 }] },
    ]);
    expect(actions.by_tier.map((t) => [t.tier, t.customers])).toEqual([['high', 2], ['medium', 1], ['low', 1]]);
  });
});
