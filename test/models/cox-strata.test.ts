/**
 * The Cox model's risk sets with delayed entry (a row at risk only on (entry, exit]) and with
 * strata (each its own baseline), on examples small enough to work out by hand (Breslow ties).
 */
import { describe, expect, it } from 'vitest';
import { makeMatrix } from '../../src/data/matrix.js';
import { ModelError } from '../../src/errors.js';
import type { SurvivalLabels } from '../../src/labels/survival.js';
import { DEFAULT_COX_PARAMS, fitCox } from '../../src/models/cox.js';
import { Rng } from '../../src/rng.js';

const F = (a: number[]): Float64Array => Float64Array.from(a);
const BRESLOW = { ...DEFAULT_COX_PARAMS, l2: 0, ties: 'breslow' as const };
const labels = (exit: number[], entry: number[]): SurvivalLabels => ({ exit: F(exit), entry: F(entry), start: F(entry), time: { feature: 'tenure', offset: 0, window: 1, month: 1 } });

describe('delayed entry', () => {
  it('counts a row at risk only after it entered: the Nelson–Aalen steps by hand', () => {
    // (entry, exit, event): (0, 2, 1), (1, 3, 1), (2, 4, 0), (0, 5, 1). At t = 2 the row entering at 2
    // is not yet at risk: 3 at risk, ΔH = 1/3. At 3: three again (entered at 1 and 2, and the long one): 1/3. At 5: one: 1.
    const survival = labels([2, 3, 4, 5], [0, 1, 2, 0]);
    const m = fitCox({ x: makeMatrix(['tenure'], [F([2, 3, 4, 5])]), y: Uint8Array.from([1, 1, 0, 1]), survival }, BRESLOW, new Rng(1));
    const [b] = m.state.baselines;
    expect(b.times).toEqual([2, 3, 5]);
    b.cumhaz.forEach((h, k) => expect(h).toBeCloseTo([1 / 3, 2 / 3, 5 / 3][k], 12));
    expect([b.last_time, b.rows, b.events, m.state.events, m.state.rows]).toEqual([5, 4, 3, 3, 4]);
    // Watched from the origin instead, the row entering at 2 is at risk at 2: 1/4 there.
    const origin = fitCox({ x: makeMatrix(['tenure'], [F([2, 3, 4, 5])]), y: Uint8Array.from([1, 1, 0, 1]), survival: labels([2, 3, 4, 5], [0, 0, 0, 0]) }, BRESLOW, new Rng(1));
    expect(origin.state.baselines[0].cumhaz[0]).toBeCloseTo(1 / 4, 12);
    // A row with no time at risk (exit ≤ entry) takes no part.
    const none = fitCox({ x: makeMatrix(['tenure'], [F([2, 3, 4, 5, 1])]), y: Uint8Array.from([1, 1, 0, 1, 1]), survival: labels([2, 3, 4, 5, 1], [0, 1, 2, 0, 1]) }, BRESLOW, new Rng(1));
    expect(none.state.baselines[0].times).toEqual([2, 3, 5]);
  });
});

describe('strata', () => {
  // Stratum a: times 1 (event), 2, 3 (event); stratum b: 1, 2 (event), 2 (event), 4. No covariate.
  const planA = [1, 1, 1, 0, 0, 0, 0];
  const x = makeMatrix(['plan=a', 'plan=b', 'tenure'], [F(planA), F(planA.map((v) => 1 - v)), F([1, 2, 3, 1, 2, 2, 4])]);
  const y = Uint8Array.from([1, 0, 1, 0, 1, 1, 0]);
  const exits = [1, 2, 3, 1, 2, 2, 4];
  const fit = (): ReturnType<typeof fitCox> => fitCox({ x, y, survival: labels(exits, [0, 0, 0, 0, 0, 0, 0]) }, { ...BRESLOW, strata: ['plan'] }, new Rng(1));

  it('gives each stratum its own baseline from its own risk sets', () => {
    const m = fit();
    expect(m.state.features).toEqual(['tenure', 'plan=a', 'plan=b']);
    expect(m.state.covariates).toEqual([]);
    expect(m.state.strata).toEqual([{ column: 'plan', features: ['plan=a', 'plan=b'] }]);
    const [a, b] = m.state.baselines;
    expect([a.levels, a.rows, a.events, a.last_time, a.times]).toEqual([['a'], 3, 2, 3, [1, 3]]);
    a.cumhaz.forEach((h, k) => expect(h).toBeCloseTo([1 / 3, 1 / 3 + 1][k], 12));
    expect([b.levels, b.rows, b.events, b.last_time, b.times]).toEqual([['b'], 4, 2, 4, [2]]);
    expect(b.cumhaz[0]).toBeCloseTo(2 / 3, 12);
  });

  it('scores each customer on its stratum’s baseline; an unseen stratum on the largest one’s', () => {
    const m = fit();
    // Features in the model's order: tenure, plan=a, plan=b. Rows: a at tenure 0, b at 1, neither at 1, a at 5 (past a's last time, 3).
    const batch = makeMatrix(['tenure', 'plan=a', 'plan=b'], [F([0, 1, 1, 5]), F([1, 0, 0, 1]), F([0, 1, 0, 0])]);
    const p = m.predictProba(batch);
    expect(p[0]).toBeCloseTo(1 - Math.exp(-1 / 3), 12); // a: H(1) − H(0)
    expect(p[1]).toBeCloseTo(1 - Math.exp(-2 / 3), 12); // b: H(2) − H(1)
    expect(p[2]).toBeCloseTo(p[1], 12); // unseen: b has more rows
    expect(p[3]).toBeCloseTo(1 - Math.exp(-1), 12); // a from 5, moved back to 2..3: H(3) − H(2)
    expect(m.beyondFollowUp(batch, 1)).toBe(1);
    const [s2] = m.survival(batch, [2]);
    expect(s2[0]).toBeCloseTo(Math.exp(-1 / 3), 12);
    expect(s2[1]).toBeCloseTo(Math.exp(-2 / 3), 12);
  });

  it('refuses what it cannot fit', () => {
    const survival = labels(exits, [0, 0, 0, 0, 0, 0, 0]);
    expect(() => fitCox({ x, y, survival }, { ...BRESLOW, strata: ['zone'] }, new Rng(1))).toThrow('cannot stratify on "zone": it is not a text column among the features');
    const noTenure = makeMatrix(['plan=a'], [F(planA)]);
    expect(() => fitCox({ x: noTenure, y, survival }, BRESLOW, new Rng(1))).toThrow('the Cox model needs the tenure column "tenure" among its features');
    expect(() => fitCox({ x, y: new Uint8Array(7), survival }, BRESLOW, new Rng(1))).toThrow(ModelError);
    expect(() => fitCox({ x, y: new Uint8Array(7), survival }, BRESLOW, new Rng(1))).toThrow('the Cox model needs at least one churn event in the training data');
  });
});
