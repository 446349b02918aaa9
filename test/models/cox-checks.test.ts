/**
 * The proportional-hazards test (scaled Schoenfeld residuals, rank transform) against values made
 * from statsmodels' PHReg fits on the Rossi data by test/fixtures/reference/make_ph_test_reference.py,
 * and by hand on a tiny example.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { makeMatrix } from '../../src/data/matrix.js';
import { tableSurvival } from '../../src/labels/survival.js';
import { proportionalHazardsAdvice, proportionalHazardsRows, proportionalHazardsTest } from '../../src/models/cox-ph-test.js';
import { DEFAULT_COX_PARAMS, fitCox } from '../../src/models/cox.js';
import { Rng } from '../../src/rng.js';
import { readReference } from '../helpers/telco.js';

interface PhRef { covariates: Record<string, { statistic: number; p: number }>; global: { statistic: number; df: number; p: number } }
interface RossiPh { covariates: string[]; efron: PhRef; breslow: PhRef; efron_strata_wexp: PhRef }

const lines = readFileSync(new URL('../fixtures/rossi/rossi.csv', import.meta.url), 'utf8').trim().split('\n');
const head = lines[0].split(',');
const table = lines.slice(1).map((l) => l.split(',').map(Number));
const col = (name: string): Float64Array => Float64Array.from(table, (r) => r[head.indexOf(name)]);

describe('proportional-hazards test', () => {
  const ref = readReference<RossiPh>('rossi-ph-test.json');
  const survival = tableSurvival(col('week'), 'week', 1, 'weeks', 'origin');
  const y = Uint8Array.from(col('arrest'));

  const expectTest = (got: ReturnType<typeof proportionalHazardsTest> | undefined, want: PhRef): void => {
    expect(got).toBeDefined();
    expect(got?.covariates.map((c) => c.feature)).toEqual(Object.keys(want.covariates));
    for (const c of got?.covariates ?? []) {
      expect(c.statistic, c.feature).toBeCloseTo(want.covariates[c.feature].statistic, 5);
      expect(c.p, c.feature).toBeCloseTo(want.covariates[c.feature].p, 6);
    }
    expect(got?.global.df).toBe(want.global.df);
    expect(got?.global.statistic).toBeCloseTo(want.global.statistic, 5);
    expect(got?.global.p).toBeCloseTo(want.global.p, 6);
  };

  it('matches on Rossi with Efron and with Breslow ties (age and wexp rejected, globally p = 0.014)', () => {
    const x = makeMatrix([...ref.covariates, 'week'], [...ref.covariates.map(col), col('week')]);
    for (const ties of ['efron', 'breslow'] as const) {
      const model = fitCox({ x, y, survival }, { ...DEFAULT_COX_PARAMS, l2: 0, tol: 1e-13, ties }, new Rng(1));
      expectTest(model.state.proportional_hazards, ref[ties]);
    }
    expect(ref.efron.covariates.age.p).toBeLessThan(0.001);
  });

  it('matches on Rossi stratified by work experience: risk sets within each stratum, ranks over all events', () => {
    const rest = ref.covariates.filter((c) => c !== 'wexp');
    const x = makeMatrix([...rest, 'week', 'wexp=1'], [...rest.map(col), col('week'), col('wexp')]);
    const model = fitCox({ x, y, survival }, { ...DEFAULT_COX_PARAMS, l2: 0, tol: 1e-13, strata: ['wexp'] }, new Rng(1));
    expect(model.state.baselines).toHaveLength(2);
    expectTest(model.state.proportional_hazards, ref.efron_strata_wexp);
    expect([model.state.proportional_hazards?.transform, model.state.proportional_hazards?.strata]).toEqual(['rank', ['wexp']]);
  });

  it('computes the statistic by hand on three events', () => {
    // Residuals 1, 0, -1 at ranks 1, 2, 3 (centred -1, 0, 1): u = -2; V = 0.5; d = 3; Σ g̃² = 2.
    // T = d (V u)² / (V Σ g̃²) = 3 · 1 / (0.5 · 2) = 3; the global test with one covariate is the same.
    const t = proportionalHazardsTest(['x'], [5, 1, 9], Float64Array.from([0, 1, -1]), Float64Array.from([0.5]));
    expect(t.covariates[0].statistic).toBeCloseTo(3, 12);
    expect(t.global.statistic).toBeCloseTo(3, 12);
    expect(t.covariates[0].p).toBeCloseTo(0.0832645166635504, 12); // scipy.stats.chi2.sf(3, 1)
    expect([t.transform, t.strata]).toEqual(['rank', []]);
    // Every event at the same time: nothing to trend against.
    const untestable = proportionalHazardsTest(['x'], [4, 4], Float64Array.from([1, -1]), Float64Array.from([1]));
    expect(untestable.global.p).toBeNaN();
    // ...and the advice says so, rather than that every hazard ratio holds.
    expect(proportionalHazardsAdvice(untestable)).toBe('The proportional-hazards test could not be run: every churn falls at one time, so there is no trend over tenure to test.');
  });

  it('lays the test out as table rows, one per term and the global row last', () => {
    const t = proportionalHazardsTest(['x', 'y'], [5, 1, 9], Float64Array.from([0, 2, 1, 0, -1, 1]), Float64Array.from([0.5, 0, 0, 1]));
    // x as above (T = 3); y: residuals 2, 0, 1 at ranks 2, 1, 3, u = 1, T = 3 · 1² / (1 · 2) = 1.5.
    const rows = proportionalHazardsRows(t, (v, digits) => v.toFixed(digits), (q) => `p=${q.toFixed(3)}`);
    expect(rows).toEqual([['x', '3.00', '1', 'p=0.083'], ['y', '1.50', '1', 'p=0.221'], ['global', '4.50', '2', 'p=0.105']]);
  });

  it('says what to do: stratify a failing text column (keeping the strata already used), band a numeric one', () => {
    const row = (feature: string, p: number): { feature: string; statistic: number; df: number; p: number } => ({ feature, statistic: 1, df: 1, p });
    const failing = { transform: 'rank' as const, strata: ['Contract'], covariates: [row('age', 0.01), row('Payment=Card', 0.02), row('Payment=Cash', 0.03), row('fin', 0.5)], global: row('global', 0.004) };
    expect(proportionalHazardsAdvice(failing)).toBe('Proportional hazards rejected at p < 0.05 for age, Payment=Card, Payment=Cash (global p = 0.00400): '
      + 'their effect on the hazard changes with tenure, so each hazard ratio shown is an average over tenure and the churn probabilities lean on it. '
      + 'To act on it, stratify on the text column (survival.strata: ["Contract", "Payment"]) so each level gets its own baseline hazard; '
      + 'for age, band the values or fit separate models by tenure range; then compare the test metrics, which judge the list whatever the test says.');
    // Two text columns failing and no number: both stratified ("columns"), no banding.
    const textOnly = { ...failing, strata: [], covariates: [row('Payment=Card', 0.02), row('Plan=Gold', 0.01), row('fin', 0.5)] };
    expect(proportionalHazardsAdvice(textOnly)).toBe('Proportional hazards rejected at p < 0.05 for Payment=Card, Plan=Gold (global p = 0.00400): '
      + 'their effect on the hazard changes with tenure, so each hazard ratio shown is an average over tenure and the churn probabilities lean on it. '
      + 'To act on it, stratify on the text columns (survival.strata: ["Payment", "Plan"]) so each level gets its own baseline hazard; '
      + 'then compare the test metrics, which judge the list whatever the test says.');
    // Numbers alone: banding only.
    expect(proportionalHazardsAdvice({ ...failing, covariates: [row('age', 0.01), row('calls', 0.02)] })).toContain('To act on it, for age, calls, band the values or fit separate models by tenure range; then compare');
    const holding = { ...failing, covariates: [row('fin', 0.05)], global: row('global', 0.5) };
    expect(proportionalHazardsAdvice(holding)).toBe("No covariate's effect departs from proportional hazards at p < 0.05 (global p = 0.500): each hazard ratio holds across tenure.");
  });
});
