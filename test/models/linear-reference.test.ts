/**
 * The identifiable linear models against statsmodels fitted on the same design (treatment coding,
 * aliased columns dropped): values from test/fixtures/reference/make_linear_references.py.
 */
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.js';
import { encode, fitEncoder } from '../../src/data/encoder.js';
import { makeMatrix, selectFeatures, type FeatureMatrix } from '../../src/data/matrix.js';
import { readCustomerTable } from '../../src/ingest/read-table.js';
import { takeTableRows } from '../../src/ingest/table.js';
import { tableSurvival } from '../../src/labels/survival.js';
import { DEFAULT_COX_PARAMS, fitCox } from '../../src/models/cox.js';
import type { RatioRow } from '../../src/models/linear-terms.js';
import { fitLogistic } from '../../src/models/logistic.js';
import { Rng } from '../../src/rng.js';
import { DATA, readReference } from '../helpers/telco.js';
import { readFileSync } from 'node:fs';

interface Term { coef: number; se: number; z: number; p: number; ci_low: number; ci_high: number }
interface CoxFit { terms: Record<string, Term>; log_partial_likelihood: number; null_log_partial_likelihood: number; likelihood_ratio: number }
interface TelcoLinear {
  references: { column: string; level: string }[];
  aliased: string[];
  logistic: { terms: Record<string, Term>; log_likelihood: number; null_log_likelihood: number };
  cox: { references: { column: string; level: string }[]; aliased: string[]; origin_breslow: CoxFit; window_efron: CoxFit };
}
interface RossiCox { covariates: string[]; efron: CoxFit; breslow: CoxFit }

const rel = (a: number, b: number): number => Math.abs(a / b - 1);

/** Every term's coefficient, error, z and p, and its interval on the ratio scale, as statsmodels has them. */
function expectTerms(rows: RatioRow[], terms: Record<string, Term>): void {
  expect(rows.map((r) => r.feature).sort()).toEqual(Object.keys(terms).filter((t) => t !== 'const').sort());
  for (const r of rows) {
    const t = terms[r.feature];
    expect(rel(r.coef, t.coef), r.feature).toBeLessThan(1e-4);
    expect(rel(r.se, t.se), r.feature).toBeLessThan(1e-4);
    expect(Math.abs(r.z - t.z), r.feature).toBeLessThan(1e-3);
    expect(Math.abs(r.p - t.p), r.feature).toBeLessThan(1e-5 + 1e-3 * t.p);
    expect(Math.abs(Math.log(r.ci_low) - t.ci_low) + Math.abs(Math.log(r.ci_high) - t.ci_high), r.feature).toBeLessThan(1e-4 * (1 + Math.abs(t.coef)));
  }
}

const telco = parseConfig({ source: `${DATA}ibm-telco-churn.csv`, id: 'customerID', target: { column: 'Churn', churned: 'Yes' }, duration: 'tenure' }, 'reference.json');

describe('logistic regression, treatment coded, against statsmodels Logit', () => {
  const ref = readReference<TelcoLinear>('telco-linear.json');

  it('names the reference levels and the aliased columns, and matches every term on IBM Telco', async () => {
    const table = await readCustomerTable(telco);
    const x = encode(fitEncoder(table, { maxLevels: 20, roles: {} }), table);
    const model = fitLogistic({ x, y: table.target ?? new Uint8Array() }, { l2: 0, maxIter: 100, tol: 1e-10 }, new Rng(1));
    const s = model.state;
    expect(s.design.references).toEqual(ref.references);
    expect(s.design.aliased.map((a) => a.feature)).toEqual(ref.aliased);
    // "No internet service" is the same rows as InternetService=No: named as such.
    expect(s.design.aliased[1]).toEqual({ feature: 'OnlineSecurity=No internet service', with: ['InternetService=No'] });
    expectTerms(model.oddsRatios().map(({ odds_ratio, ...r }) => ({ ...r, ratio: odds_ratio })), ref.logistic.terms);
    expect(rel(s.intercept, ref.logistic.terms.const.coef)).toBeLessThan(1e-4);
    expect(rel(s.se_intercept, ref.logistic.terms.const.se)).toBeLessThan(1e-4);
    expect(s.log_likelihood).toBeCloseTo(ref.logistic.log_likelihood, 5);
    expect(s.null_log_likelihood).toBeCloseTo(ref.logistic.null_log_likelihood, 6);
  });
});

describe('Cox proportional hazards against statsmodels PHReg', () => {
  const ref = readReference<TelcoLinear>('telco-linear.json').cox;

  async function telcoCox(): Promise<{ x: FeatureMatrix; y: Uint8Array; tenure: Float64Array }> {
    const all = await readCustomerTable(telco);
    const rows: number[] = [];
    all.duration?.forEach((t, i) => { if (t > 0) rows.push(i); });
    const table = takeTableRows(all, Int32Array.from(rows));
    const encoded = encode(fitEncoder(table, { maxLevels: 20, roles: {} }), table);
    return { x: selectFeatures(encoded, encoded.features.filter((f) => f !== 'TotalCharges')), y: table.target ?? new Uint8Array(), tenure: table.duration ?? new Float64Array() };
  }

  for (const [name, mode, ties] of [['origin_breslow', 'origin', 'breslow'], ['window_efron', 'window_start', 'efron']] as const) {
    it(`matches on IBM Telco, ${ties} ties, rows watched ${mode === 'origin' ? 'from joining' : 'over their label month (delayed entry)'}`, async () => {
      const { x, y, tenure } = await telcoCox();
      const model = fitCox({ x, y, survival: tableSurvival(tenure, 'tenure', 1, 'months', mode) }, { ...DEFAULT_COX_PARAMS, l2: 0, tol: 1e-13, ties }, new Rng(1));
      expect(model.state.design.references).toEqual(ref.references);
      expect(model.state.design.aliased.map((a) => a.feature)).toEqual(ref.aliased);
      expectTerms(model.hazardRatios().map(({ hazard_ratio, ...r }) => ({ ...r, ratio: hazard_ratio })), ref[name].terms);
      expect(model.state.log_partial_likelihood).toBeCloseTo(ref[name].log_partial_likelihood, 6);
      expect(model.state.null_log_partial_likelihood).toBeCloseTo(ref[name].null_log_partial_likelihood, 6);
    });
  }

  it('matches on the Rossi recidivism data with Efron and with Breslow ties', () => {
    const rossi = readReference<RossiCox>('rossi-cox.json');
    const lines = readFileSync(new URL('../fixtures/rossi/rossi.csv', import.meta.url), 'utf8').trim().split('\n');
    const head = lines[0].split(',');
    const rows = lines.slice(1).map((l) => l.split(',').map(Number));
    const col = (name: string): Float64Array => Float64Array.from(rows, (r) => r[head.indexOf(name)]);
    const x = makeMatrix([...rossi.covariates, 'week'], [...rossi.covariates.map(col), col('week')]);
    const survival = tableSurvival(col('week'), 'week', 1, 'weeks', 'origin');
    for (const ties of ['efron', 'breslow'] as const) {
      const model = fitCox({ x, y: Uint8Array.from(col('arrest')), survival }, { ...DEFAULT_COX_PARAMS, l2: 0, tol: 1e-13, ties }, new Rng(1));
      expectTerms(model.hazardRatios().map(({ hazard_ratio, ...r }) => ({ ...r, ratio: hazard_ratio })), rossi[ties].terms);
      expect(model.state.log_partial_likelihood).toBeCloseTo(rossi[ties].log_partial_likelihood, 8);
      expect(2 * (model.state.log_partial_likelihood - model.state.null_log_partial_likelihood)).toBeCloseTo(rossi[ties].likelihood_ratio, 6);
    }
  });
});
