import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.js';
import { addDerivedFeatures } from '../../src/features/derived.js';
import { readCustomerTable } from '../../src/ingest/read-table.js';
import { trainTable } from '../../src/pipeline/train.js';
import { consolidatedRanking, factorMatrix } from '../../src/report/factors.js';
import { loadReportInput } from '../../src/report/input.js';
import { writeReport } from '../../src/report/report.js';
import { runScoringJob } from '../../src/score/batch-job.js';
import { tempDir } from '../helpers/tmp.js';

const tmp = tempDir();
const run = join(tmp.dir, 'run');
const out = join(tmp.dir, 'report');
const list = join(tmp.dir, 'list.csv');
const CHROMIUM = '/usr/bin/chromium';

beforeAll(async () => {
  const config = parseConfig({
    source: 'data/ibm-telco-churn.csv', id: 'customerID', target: { column: 'Churn', churned: 'Yes' }, duration: 'tenure',
    roles: { tenure: 'tenure', revenue: 'MonthlyCharges', contract: 'Contract' }, exclude_from_survival: ['TotalCharges'],
    model_params: { random_forest: { trees: 30 } },
  }, 'churnscope.json');
  const table = addDerivedFeatures(await readCustomerTable(config), config.roles);
  await trainTable(config, table, run);
  await runScoringJob({ model: join(run, 'models', 'champion.json'), input: 'data/ibm-telco-churn.csv', out: list });
  await writeReport(await loadReportInput(run, list), out, { top_n: 100, offer_cost: 10, success_rate: 0.3 });
});

describe('the factor matrix', () => {
  it('puts the important, widespread, improvable driver first', () => {
    const ranking = consolidatedRanking({
      a: { permutation: [{ feature: 'tenure', mean: 0.1, sd: 0 }, { feature: 'complaints_3m', mean: 0.05, sd: 0 }, { feature: 'Contract=Two year', mean: 0.03, sd: 0 }, { feature: 'Contract=One year', mean: 0.02, sd: 0 }] },
    });
    expect(ranking.map((r) => [r.driver, r.score])).toEqual([['tenure', 0.5], ['Contract', 0.25], ['complaints_3m', 0.25]]); // ties by name
    const rows = factorMatrix(ranking, { tenure: 0.9, complaints_3m: 0.6, Contract: 0.5 }, (d) => d);
    // priority: tenure 1 × 0.9 × 0.1 = 0.09; complaints 0.5 × 0.6 × 0.8 = 0.24; Contract 0.5 × 0.5 × 0.7 = 0.175
    expect(rows.map((r) => [r.driver, r.priority])).toEqual([['complaints_3m', 0.24], ['Contract', 0.175], ['tenure', 0.09]]);
  });
});

describe('the report files', () => {
  it('Markdown carries the comparison table with the evaluation numbers', () => {
    const ev = JSON.parse(readFileSync(join(run, 'evaluation.json'), 'utf8'));
    const md = readFileSync(join(out, 'report.md'), 'utf8');
    expect(md).toContain('| model | auc | pr_auc | lift_at_10 | capture_at_20 | brier | log_loss | empc | c_index | fit_seconds |');
    const champion = ev.models[ev.champion];
    expect(md).toContain(`| ${ev.champion} (champion) | ${champion.auc.toFixed(3)} | ${champion.pr_auc.toFixed(3)} |`);
    expect(md).toContain('## Factor matrix: what to fix first');
    expect(md).toContain('| 100 | 10 | 30% |');
  });

  it('JSON holds the same content: comparison, factors, economics', () => {
    const doc = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'));
    const ev = JSON.parse(readFileSync(join(run, 'evaluation.json'), 'utf8'));
    expect(doc.comparison.random_forest.auc).toBe(ev.models.random_forest.auc);
    expect(doc.champion).toBe(ev.champion);
    expect(doc.factors.length).toBeGreaterThan(5);
    expect(doc.economics.customers).toBe(7043);
    const tiers = doc.economics.by_tier.reduce((a: number, r: { customers: number }) => a + r.customers, 0);
    expect(tiers).toBe(7043);
    expect(doc.economics.campaign.expected_saving).toBeCloseTo(doc.economics.campaign.revenue_at_risk * 0.3, 6);
  });

  it('HTML is self-contained: inline SVG charts, nothing fetched', () => {
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    expect(html).not.toMatch(/<script|<link|src="http|href="http/);
    expect((html.match(/<figure id="fig-/g) ?? []).length).toBeGreaterThanOrEqual(12);
    expect((html.match(/<svg/g) ?? []).length).toBe((html.match(/<figure id="fig-/g) ?? []).length);
  });
});

// In CI Chromium is installed by .ci/run; elsewhere the check is skipped only when it is absent.
const browser = existsSync(CHROMIUM) || process.env.CI !== undefined ? describe : describe.skip;
browser('the report in headless Chromium', () => {
  it('draws every chart and fires no console error', async () => {
    const { chromium } = await import('playwright-core');
    const b = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    try {
      const page = await b.newPage({ viewport: { width: 1200, height: 900 } });
      const errors: string[] = [];
      const requests: string[] = [];
      page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
      page.on('pageerror', (e) => errors.push(e.message));
      page.on('request', (r) => { if (!r.url().startsWith('file:')) requests.push(r.url()); });
      await page.goto(`file://${join(out, 'report.html')}`);
      const charts = await page.$$eval('figure.chart', (figs) => figs.map((f) => {
        const svg = f.querySelector('svg');
        const box = svg?.getBoundingClientRect();
        return { id: f.id, width: box?.width ?? 0, height: box?.height ?? 0, marks: svg?.querySelectorAll('path, rect, circle, line').length ?? 0 };
      }));
      expect(charts.length).toBeGreaterThanOrEqual(12);
      for (const c of charts) {
        expect(c.width, c.id).toBeGreaterThan(100);
        expect(c.height, c.id).toBeGreaterThan(80);
        expect(c.marks, c.id).toBeGreaterThan(5);
      }
      expect(errors).toEqual([]);
      expect(requests).toEqual([]);
      await page.screenshot({ path: join(tmp.dir, 'report.png'), fullPage: false });
    } finally {
      await b.close();
    }
  });
});
