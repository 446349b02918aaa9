import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parsePanelConfig } from '../../src/config/any-config.js';
import { parseConfig } from '../../src/config/load.js';
import { addDerivedFeatures } from '../../src/features/derived.js';
import { readCustomerTable } from '../../src/ingest/read-table.js';
import { generatePanel } from '../../src/generate/operator.js';
import { trainPanel } from '../../src/pipeline/train-panel.js';
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
const panelRun = join(tmp.dir, 'panel-run');
const panelOut = join(tmp.dir, 'panel-report');
const CHROMIUM = '/usr/bin/chromium';
const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

beforeAll(async () => {
  const config = parseConfig({
    source: 'data/ibm-telco-churn.csv', id: 'customerID', target: { column: 'Churn', churned: 'Yes' }, duration: 'tenure',
    roles: { tenure: 'tenure', revenue: 'MonthlyCharges', contract: 'Contract' }, exclude_from_survival: ['TotalCharges'],
    model_params: { random_forest: { trees: 30 } }, split: { test_fraction: 0.2, folds: 3 },
    retention: { currency: 'EUR', segment_column: 'Contract', improvability: { contract: 0.6 } },
  }, 'churnscope.json');
  const table = addDerivedFeatures(await readCustomerTable(config), config.roles);
  await trainTable(config, table, run);
  await runScoringJob({ model: join(run, 'models', 'champion.json'), input: 'data/ibm-telco-churn.csv', out: list });
  await writeReport(await loadReportInput(run, list), out, { top_n: 100, offer_cost: 10, success_rate: 0.3 });
  // A generated operator's panel: its report opens with the churn trend.
  const gen = join(tmp.dir, 'gen');
  await generatePanel({ customers: 3000, months: 9, seed: 7, out: gen });
  const tables = { customers: join(gen, 'customers.csv'), usage: join(gen, 'usage_monthly.csv'), complaints: join(gen, 'complaints.csv') };
  await trainPanel(parsePanelConfig({ kind: 'panel', tables, models: ['logistic'] }, join(gen, 'panel.json')), panelRun);
  await writeReport(await loadReportInput(panelRun), panelOut);
});

describe('the factor matrix', () => {
  it('puts the important, widespread, improvable driver first', () => {
    const ranking = consolidatedRanking({
      a: { permutation: [{ feature: 'tenure', mean: 0.1, sd: 0 }, { feature: 'complaints_3m', mean: 0.05, sd: 0 }, { feature: 'Contract=Two year', mean: 0.03, sd: 0 }, { feature: 'Contract=One year', mean: 0.02, sd: 0 }] },
    });
    expect(ranking.map((r) => [r.driver, r.score])).toEqual([['tenure', 0.5], ['Contract', 0.25], ['complaints_3m', 0.25]]); // ties by name
    const mapping = { roles: { contract: 'Contract', tenure: 'tenure' } };
    const rows = factorMatrix(ranking, { tenure: 0.9, complaints_3m: 0.6, Contract: 0.5 }, (d) => d, {}, mapping);
    // priority: tenure 1 × 0.9 × 0.1 = 0.09; complaints 0.5 × 0.6 × 0.8 = 0.24; Contract 0.5 × 0.5 × 0.7 (its role's) = 0.175
    expect(rows.map((r) => [r.driver, r.priority])).toEqual([['complaints_3m', 0.24], ['Contract', 0.175], ['tenure', 0.09]]);
    expect(rows.map((r) => r.improvability_source)).toEqual(['default for complaints', 'default for the role contract', 'default for the role tenure']);
    // A configured value wins, and the report says so.
    const configured = factorMatrix(ranking, null, (d) => d, { contract: 0.2 }, mapping);
    expect(configured.find((r) => r.driver === 'Contract')).toMatchObject({ improvability: 0.2, improvability_source: 'config: retention.improvability.contract', priority: 0.1 }); // 0.5 × 1 (no list) × 0.2
  });
});

describe('a report marketing can act on', () => {
  const doc = (): Record<string, any> => JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')); // eslint-disable-line @typescript-eslint/no-explicit-any
  const md = (): string => readFileSync(join(out, 'report.md'), 'utf8');

  it('states what value is, with its currency, and a plain sentence for each number', () => {
    expect(doc().value).toEqual({ definition: 'value = 12 × monthly revenue (MonthlyCharges), EUR', currency: 'EUR' });
    expect(doc().reading.map((r: { term: string }) => r.term)).toEqual(['value', 'AUC', 'lift at 10%', 'EMPC', 'share to contact', 'improvability', 'priority', 'campaign']);
    expect(md()).toContain('| revenue at risk (EUR) |');
    expect(md()).toContain('EMPC (profit per customer, EUR)');
  });

  it('lists tiers high, medium, low, and the suggested actions per tier, per segment and for the top customers', () => {
    const e = doc().economics;
    expect(e.by_tier.map((r: { group: string }) => r.group)).toEqual(['high', 'medium', 'low']);
    expect(e.actions.by_tier.map((r: { tier: string }) => r.tier)).toEqual(['high', 'medium', 'low']);
    const high = e.actions.by_tier[0].actions.map((a: { action: string }) => a.action);
    expect(high).toContain('offer a longer contract with a loyalty discount');
    expect(high).not.toContain('personal retention call');
    expect(e.actions.by_segment.map((r: { segment: string }) => r.segment)).toEqual(['Month-to-month', 'One year', 'Two year']);
    expect(e.actions.top_customers).toHaveLength(20);
    const rows = readFileSync(list, 'utf8').trim().split('\n');
    const first = rows[1].split(',');
    expect(e.actions.top_customers[0]).toMatchObject({ rank: 1, id: first[1] });
    expect(md()).toMatch(/\| 1 \| [0-9A-Z-]+ \| 0\.\d{3} \| high \| [\d,]+ \| Month-to-month \| .+ \| .+ \|/);
  });

  it('words each segment reason as the list does, and says where improvability came from', () => {
    // A sentence is a whole CSV cell: bare, or quoted when it holds a comma ("..., in bands: 0-6").
    const text = readFileSync(list, 'utf8');
    const reasons = Object.values(doc().economics.top_reasons_by_segment).flat() as { wording: string }[];
    expect(reasons.length).toBeGreaterThan(3);
    for (const r of reasons) expect(new RegExp(`(^|,)(${escape(r.wording)}|"${escape(r.wording.replaceAll('"', '""'))}")(,|$)`, 'm').test(text), r.wording).toBe(true);
    expect(doc().factors.find((f: { driver: string }) => f.driver === 'Contract')).toMatchObject({ improvability: 0.6, improvability_source: 'config: retention.improvability.contract' });
    expect(md()).toContain('| improvability from |');
  });

  it('shows the cross-validated AUC, mean ± sd, beside the test AUC', () => {
    const ev = JSON.parse(readFileSync(join(run, 'evaluation.json'), 'utf8'));
    expect(md()).toContain('| model | auc | cv auc (mean ± sd) |');
    expect(md()).toContain(`| ${ev.models.logistic.auc.toFixed(3)} | ${ev.models.logistic.cv_auc_mean.toFixed(3)} ± ${ev.models.logistic.cv_auc_sd.toFixed(3)} |`);
  });
});

describe('a panel report', () => {
  it('opens with the monthly churn trend: rates by kind and segment, retention, deactivation reasons', () => {
    const trend = JSON.parse(readFileSync(join(panelRun, 'evaluation.json'), 'utf8')).panel.trend;
    expect(trend.months.map((m: { month: string }) => m.month)).toEqual(['2025-01', '2025-02', '2025-03', '2025-04', '2025-05', '2025-06', '2025-07', '2025-08', '2025-09']);
    const html = readFileSync(join(panelOut, 'report.html'), 'utf8');
    expect(html.indexOf('<section id="trend">')).toBeLessThan(html.indexOf('<section id="reading">'));
    expect(html.indexOf('<section id="trend">')).toBeGreaterThan(0);
    const md = readFileSync(join(panelOut, 'report.md'), 'utf8');
    // Titled by the months it read, not by its usage file's name.
    expect(md.split('\n')[0]).toBe('# Churn report: customer history January 2025 to September 2025');
    expect(html).toContain('<h1>Churn report: customer history January 2025 to September 2025</h1>');
    const last = trend.months[8];
    const p = (x: number): string => `${(x * 100).toFixed(1)}%`;
    expect(md).toContain(`| ${last.month} | ${last.active.toLocaleString('en')} | ${last.churned.voluntary} | ${last.churned.port_out} | ${last.churned.non_payment} | ${last.churned.fraud} | ${p(last.churn_rate)} | ${p(last.voluntary_rate)} | ${p(last.retention_rate)} |`);
    expect(md).toContain('| segment (churn rate) | 2025-01 |');
    expect(md).toMatch(/\| deactivation reason \| customers \| share \|\n\|---\|---\|---\|\n\| voluntary \| \d+ \| [\d.]+% \|\n\| port-out \|/);
    const doc = JSON.parse(readFileSync(join(panelOut, 'report.json'), 'utf8'));
    expect(doc.reading.slice(0, 2).map((r: { term: string }) => r.term)).toEqual(['churn rate', 'retention rate']);
    for (const id of ['trend-kind', 'trend-segment', 'trend-reasons']) expect(html).toContain(`<figure id="fig-${id}"`);
    // A customer table's report has no trend section.
    expect(readFileSync(join(out, 'report.html'), 'utf8')).not.toContain('<section id="trend">');
  });
});

describe('the report files', () => {
  it('Markdown carries the comparison table with the evaluation numbers', () => {
    const ev = JSON.parse(readFileSync(join(run, 'evaluation.json'), 'utf8'));
    const md = readFileSync(join(out, 'report.md'), 'utf8');
    expect(md).toContain('| model | auc | cv auc (mean ± sd) | pr_auc | lift_at_10 | capture_at_20 | brier | log_loss | empc | c_index | fit_seconds |');
    const champion = ev.models[ev.champion];
    expect(md).toContain(`| ${ev.champion} (champion) | ${champion.auc.toFixed(3)} | ${champion.cv_auc_mean.toFixed(3)} ± ${champion.cv_auc_sd.toFixed(3)} | ${champion.pr_auc.toFixed(3)} |`);
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

describe('the SHAP charts', () => {
  it('shows boosting\'s SHAP summary and the dependence plots of its top three drivers, from the run\'s importance.json', () => {
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    const shap = JSON.parse(readFileSync(join(run, 'importance.json'), 'utf8')).models.gradient_boosting.shap as { rows: number; drivers: { feature: string; mean_abs: number }[] };
    expect(shap.rows).toBe(300);
    expect(shap.drivers.map((d) => d.mean_abs)).toEqual([...shap.drivers.map((d) => d.mean_abs)].sort((a, b) => b - a));
    expect(html).toContain('<figure id="fig-shap-gradient_boosting"');
    for (const [k, d] of shap.drivers.slice(0, 3).entries()) expect(html).toMatch(new RegExp(`<figure id="fig-shap-dep-gradient_boosting-${k + 1}" class="chart">.*SHAP dependence: ${escape(d.feature)} \\(gradient_boosting\\)`, 's'));
    expect(html).toContain('<figure id="fig-shap-random_forest"'); // the forest's TreeSHAP too
  });
});

// In CI Chromium is installed by .ci/run; elsewhere the check is skipped only when it is absent.
const browser = existsSync(CHROMIUM) || process.env.CI !== undefined ? describe : describe.skip;
browser('the report in headless Chromium', () => {
  it.each([['customer table', () => out], ['panel', () => panelOut]])('%s: draws every chart and fires no console error, every text inside its drawing, printable', async (_, folder) => {
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
      await page.goto(`file://${join(folder(), 'report.html')}`);
      const charts = await page.$$eval('figure.chart', (figs) => figs.map((f) => {
        const svg = f.querySelector('svg');
        const box = svg?.getBoundingClientRect();
        return { id: f.id, width: box?.width ?? 0, height: box?.height ?? 0, marks: svg?.querySelectorAll('path, rect, circle, line').length ?? 0 };
      }));
      expect(charts.length).toBeGreaterThanOrEqual(10);
      for (const c of charts) {
        expect(c.width, c.id).toBeGreaterThan(100);
        expect(c.height, c.id).toBeGreaterThan(80);
        expect(c.marks, c.id).toBeGreaterThan(5);
      }
      expect(errors).toEqual([]);
      expect(requests).toEqual([]);
      // Every text of every chart (titles, ticks, axis titles, legends) lies inside its drawing, whole.
      const outside = await page.$$eval('figure.chart', (figs) => figs.flatMap((f) => {
        const svg = f.querySelector('svg');
        if (svg === null) return [`${f.id}: no drawing`];
        const frame = svg.getBoundingClientRect();
        return [...svg.querySelectorAll('text')].flatMap((t) => {
          const r = t.getBoundingClientRect();
          const text = t.textContent ?? '';
          const clipped = r.left < frame.left - 0.5 || r.right > frame.right + 0.5 || r.top < frame.top - 0.5 || r.bottom > frame.bottom + 0.5;
          return [...(clipped ? [`${f.id}: "${text}" at ${Math.round(r.left - frame.left)}..${Math.round(r.right - frame.left)} of ${Math.round(frame.width)}`] : []), ...(text.endsWith('…') ? [`${f.id}: "${text}" truncated`] : [])];
        });
      }));
      expect(outside).toEqual([]);
      // Printed (sent as a PDF): the contents list is left out and every chart fits the A4 page's width.
      await page.emulateMedia({ media: 'print' });
      await page.setViewportSize({ width: 680, height: 960 }); // A4 less its margins, at 96 dpi
      // Expressions evaluated in the page (the test's TypeScript has no DOM library).
      expect(await page.evaluate("getComputedStyle(document.querySelector('nav')).display")).toBe('none');
      const wide = await page.evaluate("[...document.querySelectorAll('figure.chart svg')].filter((s) => s.getBoundingClientRect().right > document.body.getBoundingClientRect().right + 0.5).length");
      expect(wide).toBe(0);
      const pdf = await page.pdf({ format: 'A4' });
      expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    } finally {
      await b.close();
    }
  });
});
