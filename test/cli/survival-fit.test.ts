/** A fit on every row (no test split) and the coefficient summary a statistician reads. */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { chiSquareUpper } from '../../src/evaluate/tails.js';
import { formatP } from '../../src/report/model-summary.js';
import { runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';

const tmp = tempDir();
const DATA = resolve('data');

describe('split.test_fraction 0 and churnscope summary', () => {
  const run = join(tmp.dir, 'all');
  const config = tmp.write('all.json', JSON.stringify({
    ...JSON.parse(readFileSync(join(DATA, 'ibm-telco-churn.config.json'), 'utf8')),
    source: join(DATA, 'ibm-telco-churn.csv'), split: { test_fraction: 0 }, models: ['cox', 'logistic'],
  }));

  it('fits on all rows, reports no test metrics and says so', async () => {
    const { code, stdout, stderr } = await runCli('train', '--config', config, '--out', run);
    expect(code).toBe(0);
    expect(stdout).toContain('trained on all 7,043 rows; no test split (split.test_fraction 0), so no test metrics');
    expect(stdout).toContain('champion: cox (the first configured: no test split to choose by)');
    expect(stderr).toContain('warning: split.test_fraction is 0: every model is fitted on all 7,043 rows');
    // Past the longest tenure watched (72 months) a 12-month window is moved back, and the run says so.
    expect(stderr).toMatch(/warning: cox: the longest tenure watched in training is 72 months; for [\d,]+ of 7,043 training customers a 12-month window from their tenure reaches past it/);
    const ev = JSON.parse(readFileSync(join(run, 'evaluation.json'), 'utf8'));
    expect(ev.split).toMatchObject({ train_rows: 7043, test_rows: 0, test_fraction: 0 });
    expect(ev.models.cox).toMatchObject({ auc: null, pr_auc: null, brier: null, log_loss: null });
    expect(ev.models.cox.c_index).toBeUndefined();
    const cox = JSON.parse(readFileSync(join(run, 'models', 'cox.json'), 'utf8'));
    expect(cox.model.rows).toBe(7043);
  });

  it("prints the Cox coefficient table, concordance, log-likelihood and likelihood-ratio test", async () => {
    const { code, stdout } = await runCli('summary', '--model', join(run, 'models', 'cox.json'));
    expect(code).toBe(0);
    const s = JSON.parse(readFileSync(join(run, 'models', 'cox.json'), 'utf8')).model;
    expect(stdout).toContain('ties: efron; L2 penalty 0.1');
    expect(stdout).toContain('reference levels (terms are relative to them): gender = Male; Partner = No;');
    expect(stdout).toContain('Contract = Month-to-month');
    expect(stdout).toMatch(/term +coef +exp\(coef\) +se\(coef\) +z +p +exp\(coef\) lower 95% +exp\(coef\) upper 95%/);
    const lr = 2 * (s.log_partial_likelihood - s.null_log_partial_likelihood);
    expect(stdout).toContain(`likelihood-ratio test = ${lr.toFixed(2)} on ${s.coef.length} df, p = ${formatP(chiSquareUpper(lr, s.coef.length))}`);
    const j = s.covariates.indexOf('Contract=Two year');
    const row = stdout.split('\n').find((l: string) => l.startsWith('Contract=Two year')) ?? '';
    expect(row.split(/\s{2,}/).slice(1, 4)).toEqual([s.coef[j].toFixed(4), Math.exp(s.coef[j]).toFixed(4), s.se[j].toFixed(4)]);
    // The proportional-hazards test: one row per covariate and the global one, with what to do.
    const ph = s.proportional_hazards;
    expect(ph.covariates.map((c: { feature: string }) => c.feature)).toEqual(s.covariates);
    expect(stdout).toContain('proportional hazards (Grambsch–Therneau');
    const global = stdout.split('\n').find((l: string) => l.startsWith('global ')) ?? '';
    expect(global.split(/\s{2,}/).slice(1)).toEqual([ph.global.statistic.toFixed(2), String(s.coef.length), formatP(ph.global.p)]);
    expect(stdout).toMatch(ph.global.p < 0.05 ? /Proportional hazards rejected at p < 0\.05 for .*survival\.strata/ : /No covariate's effect departs/);
  });

  it('prints the logistic table with its intercept, and refuses nothing for a forest', async () => {
    const { stdout } = await runCli('summary', '--model', join(run, 'models', 'logistic.json'));
    expect(stdout).toContain('(intercept)');
    expect(stdout).toMatch(/McFadden pseudo R² = 0\.\d{4}/);
  });
});

describe('chi-squared tail', () => {
  it('gives the textbook critical values', () => {
    expect(chiSquareUpper(3.841458820694124, 1)).toBeCloseTo(0.05, 12);
    expect(chiSquareUpper(11.070497693516351, 5)).toBeCloseTo(0.05, 12);
    expect(chiSquareUpper(5000, 3)).toBe(0); // below the smallest double: cephes' underflow is 0
  });
});
