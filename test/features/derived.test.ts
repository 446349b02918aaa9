import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.js';
import { addDerivedFeatures } from '../../src/features/derived.js';
import { pruneDerived } from '../../src/features/prune-derived.js';
import type { CustomerTable } from '../../src/ingest/table.js';
import { trainFromConfigFile } from '../../src/pipeline/train-config.js';
import { NO_VALUE } from '../../src/score/list/ranking.js';
import { runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';

const tmp = tempDir();

function table(columns: Record<string, number[]>): CustomerTable {
  const rows = Object.values(columns)[0].length;
  return { source: 't', rows, ids: [], columns: Object.entries(columns).map(([name, v]) => ({ name, kind: 'numeric', values: Float64Array.from(v) })), warnings: [] };
}

describe('derived features', () => {
  it('count tenure in months whatever unit the table uses', () => {
    const t = addDerivedFeatures(table({ days: [30, 200, 365, 400, 2000], complaints: [1, 1, 1, 1, 1] }), { tenure: 'days', complaints: 'complaints' }, 'days');
    const band = t.columns.find((c) => c.name === 'tenure_band');
    expect(band?.values).toEqual(['0-6', '7-12', '7-12', '13-24', '49+']); // 200 days = 6.57 months; 365 = 12.0
    const rate = t.columns.find((c) => c.name === 'complaints_per_tenure_month')?.values as Float64Array;
    expect(rate[4]).toBeCloseTo(1 / (2000 * 12 / 365.25), 12);
  });

  it('copy the traffic change, band tenure as text and divide by role, missing where the divisor is 0', () => {
    const t = addDerivedFeatures(
      table({ mins_chg: [0.5, -0.25, Number.NaN], ten: [6, 7, 49], out: [4, 3, 1], inc: [2, 0, 4] }),
      { minutes_change: 'mins_chg', tenure: 'ten', out_calls: 'out', in_calls: 'inc' },
    );
    expect(t.columns.slice(4).map((c) => [c.name, c.kind, Array.from(c.values as ArrayLike<unknown>)])).toEqual([
      ['call_ratio', 'numeric', [2, Number.NaN, 0.25]],
      ['traffic_change', 'numeric', [0.5, -0.25, Number.NaN]],
      ['tenure_band', 'text', ['0-6', '7-12', '49+']],
    ]);
  });

  it('are dropped with a warning when constant or moving with another column', () => {
    const minutes = [100, 250, 80, 310, 40];
    const base = table({ minutes, revenue: minutes.map((m) => m * 0.17), complaints: [0, 2, 1, 3, 0], tenure: [10, 10, 10, 10, 10] });
    const roles = { minutes: 'minutes', revenue: 'revenue', complaints: 'complaints', tenure: 'tenure' };
    const pruned = pruneDerived(addDerivedFeatures(base, roles), ['revenue_per_minute', 'complaints_per_tenure_month', 'tenure_band']);
    expect(pruned.columns.map((c) => c.name)).toEqual(['minutes', 'revenue', 'complaints', 'tenure']);
    expect(pruned.warnings).toEqual([
      'derived feature "revenue_per_minute" is 0.17 for every customer and was dropped: it cannot tell customers apart',
      'derived feature "complaints_per_tenure_month" moves with "complaints" (correlation 1.0000) and was dropped: it adds nothing the model does not have',
      'derived feature "tenure_band" is 7-12 for every customer and was dropped: it cannot tell customers apart',
    ]);
  });
});

describe('a table shaped like the public telecom churn file, trained from its init config', () => {
  it('sums the split minutes and calls, counts tenure in days and says which levels max_levels cut', async () => {
    // Blank cells where the file has "NA" (missing values are read as blanks).
    const data = tmp.write('quirks.csv', readFileSync('test/fixtures/telecom-quirks.csv', 'utf8').replaceAll(',NA', ','));
    const config = tmp.write('quirks.json', JSON.stringify({
      source: data, id: 'Phone', target: { column: 'Churn', churned: 'True.' }, duration: 'Account length (days)', tenure_unit: 'days',
      roles: {
        tenure: 'Account length (days)', complaints: 'Customer service calls',
        minutes: ['Total day minutes', 'Total eve minutes', 'Total night minutes', 'Total intl minutes'],
        out_calls: ['Total day calls', 'Total eve calls', 'Total night calls', 'Total intl calls'],
      },
      models: ['logistic'],
    }));
    const out = join(tmp.dir, 'run');
    const { evaluation } = await trainFromConfigFile(config, out);
    expect(evaluation.warnings).toContain('column "State" has 48 levels in the training rows: max_levels (20) keeps the 20 most frequent; the other 28 (39.1% of those rows) are encoded as "other"');
    const model = JSON.parse(readFileSync(join(out, 'models', 'logistic.json'), 'utf8'));
    expect(model.encoder.role_sums.total_minutes).toEqual(['Total day minutes', 'Total eve minutes', 'Total night minutes', 'Total intl minutes']);
    expect(model.encoder.tenure_unit).toBe('days');
    expect(model.features).toContain('total_minutes');
    expect(model.features).toContain('tenure_band=7-12');
    expect(evaluation.models.logistic.auc).toBeGreaterThan(0.6);
    expect(parseConfig(JSON.parse(readFileSync(config, 'utf8')), config).roles.out_calls).toBe('total_out_calls');
    // No revenue: training says the lists will rank by probability, and scoring does (adding the sums to the input as training did).
    expect(evaluation.warnings).toContain(NO_VALUE);
    const list = join(tmp.dir, 'list.csv');
    const score = await runCli('score', '--model', join(out, 'models', 'logistic.json'), '--input', data, '--out', list);
    expect(score.code, score.stderr).toBe(0);
    expect(score.stdout).toContain(`240 listed in ${list}, ranked by churn probability (${NO_VALUE})`);
    expect(JSON.parse(readFileSync(`${list}.manifest.json`, 'utf8'))).toMatchObject({ rank_by: 'probability', rows: { scored: 240, listed: 240 } });
    expect(readFileSync(list, 'utf8').split('\n')[0]).not.toContain('value');
    // Asked for on the command line, value at risk is refused: the model cannot honour it.
    expect((await runCli('score', '--model', join(out, 'models', 'logistic.json'), '--input', data, '--out', list, '--rank-by', 'value_at_risk')).code).toBe(2);
  });
});
