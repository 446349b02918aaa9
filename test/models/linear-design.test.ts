/**
 * The linear models' design on hand-made columns: treatment coding (the most frequent level is
 * the reference, ties to the first; an incomplete group keeps every level) and aliased columns
 * named with the kept columns that carry them, largest share first, as R's alias() would.
 */
import { describe, expect, it } from 'vitest';
import { makeMatrix } from '../../src/data/matrix.js';
import { aliasedColumns, aliasWarning, centredGram, treatmentCoding } from '../../src/models/linear-design.js';

const col = (...v: number[]) => Float64Array.from(v);

describe('treatment coding', () => {
  it('drops the most frequent level of a complete group (ties: the first); an incomplete group keeps all', () => {
    const x = makeMatrix(
      ['plan=a', 'plan=b', 'plan=c', 'n', 'region=x', 'region=y'],
      [col(1, 0, 0, 0, 0), col(0, 1, 1, 0, 0), col(0, 0, 0, 1, 1), col(5, 6, 7, 8, 9), col(1, 1, 0, 0, 1), col(0, 0, 1, 0, 0)],
    );
    const coded = treatmentCoding(x, x.features);
    expect(coded.features).toEqual(['plan=a', 'plan=c', 'n', 'region=x', 'region=y']);
    expect(coded.references).toEqual([
      { column: 'plan', level: 'b' },
      { column: 'region', level: '(none of the listed levels: other or missing)' },
    ]);
    // Only the candidates count: without plan=b the group is incomplete.
    expect(treatmentCoding(x, ['plan=a', 'plan=c', 'n']).features).toEqual(['plan=a', 'plan=c', 'n']);
    const c2 = makeMatrix(['k=p', 'k=q'], [col(0, 1, 1), col(1, 0, 0)]);
    expect(treatmentCoding(c2, c2.features)).toEqual({ features: ['k=q'], references: [{ column: 'k', level: 'p' }] });
  });
});

describe('aliased columns', () => {
  // a centred: (−1.5, −0.5, 0.5, 1.5), Σ² = 5; e centred: (0.5, −0.5, −0.5, 0.5), Σ² = 1; a·e = 0.
  const a = col(1, 2, 3, 4);
  const e = col(1, 0, 0, 1);
  const x = makeMatrix(['a', 'b', 'k', 'e', 'd'], [a, a.map((v) => 2 * v), col(5, 5, 5, 5), e, a.map((v, i) => v + 3 * e[i])]);

  it('builds the centred Gram matrix', () => {
    const g = centredGram(x, ['a', 'e', 'd']);
    expect(Array.from(g)).toEqual([5, 0, 5, 0, 1, 3, 5, 3, 14]);
  });

  it('keeps what the earlier columns do not span; names a constant, and a combination\'s partners by their share', () => {
    const { kept, aliased } = aliasedColumns(centredGram(x, x.features), x.features);
    expect(kept).toEqual([0, 3]);
    // d = a + 3e: shares |c| × ‖column‖ are 1 × √5 for a and 3 × 1 for e: e first.
    expect(aliased).toEqual([{ feature: 'b', with: ['a'] }, { feature: 'k', with: [] }, { feature: 'd', with: ['e', 'a'] }]);
    expect(aliasWarning('logistic', aliased)).toBe(
      'logistic: dropped 3 collinear columns, as R and statsmodels report aliased terms: "b" (a combination of "a"); "k" (constant); "d" (a combination of "e", "a")',
    );
  });

  it('drops a column whose R² is within the tolerance of 1, and keeps it under a finer one', () => {
    const near = makeMatrix(['a', 'e', 'n'], [a, e, a.map((v, i) => v + 1e-4 * (i === 1 ? 1 : 0))]);
    expect(aliasedColumns(centredGram(near, near.features), near.features).aliased).toEqual([{ feature: 'n', with: ['a', 'e'] }]); // the nudge has a part along e, far smaller
    expect(aliasedColumns(centredGram(near, near.features), near.features, 0, 1e-12).kept).toEqual([0, 1, 2]);
  });

  it('judges R² against the column\'s own scale, and ranks and keeps partners by their share at their own scales', () => {
    // Gram matrices written out. n = a + ε: its residual 1e-6 against a diagonal of 100 is R² = 1 − 1e-8
    // (aliased); 1e-4 is R² = 1 − 1e-6 (kept). A tolerance read at the wrong scale flips both.
    expect(aliasedColumns(Float64Array.of(100, 100, 100, 100 + 1e-6), ['a', 'n'])).toEqual({ kept: [0], aliased: [{ feature: 'n', with: ['a'] }] });
    expect(aliasedColumns(Float64Array.of(100, 100, 100, 100 + 1e-4), ['a', 'n'])).toEqual({ kept: [0, 1], aliased: [] });
    // a = (10, −10, 10, −10), b = (1, 1, −1, −1): orthogonal, ‖a‖ = 20, ‖b‖ = 2. c = a + b: shares 1 × 20 and 1 × 2.
    expect(aliasedColumns(Float64Array.of(400, 0, 400, 0, 4, 4, 400, 4, 404), ['a', 'b', 'c']).aliased).toEqual([{ feature: 'c', with: ['a', 'b'] }]);
    // c = a + 5e-7 b: b's share 1e-6 is under 1e-6 of ‖c‖ = 20, so c is named a combination of a alone.
    expect(aliasedColumns(Float64Array.of(400, 0, 400, 0, 4, 2e-6, 400, 2e-6, 400), ['a', 'b', 'c']).aliased).toEqual([{ feature: 'c', with: ['a'] }]);
  });

  it('names an aliased column just past the fixed ones', () => {
    expect(aliasedColumns(Float64Array.of(4, 4, 4, 4), ['s', 'y'], 1)).toEqual({ kept: [0], aliased: [{ feature: 'y', with: ['s'] }] });
  });

  it('keeps the fixed columns first, even one the others span, without naming it', () => {
    const s = makeMatrix(['s1', 's2', 'x', 'y'], [e, e.map((v) => 1 - v), a, a.map((v) => -v)]);
    // s2 = 1 − s1 is spanned (centred, it is −s1): fixed, so skipped silently; y = −x is named.
    expect(aliasedColumns(centredGram(s, s.features), s.features, 2)).toEqual({ kept: [0, 2], aliased: [{ feature: 'y', with: ['x'] }] });
    expect(aliasedColumns(centredGram(s, s.features), s.features, 0).aliased.map((q) => q.feature)).toEqual(['s2', 'y']);
  });

  it('words one column, and cuts a long list of partners at four', () => {
    expect(aliasWarning('cox', [])).toBeNull();
    expect(aliasWarning('cox', [{ feature: 'z', with: ['a', 'b', 'c', 'd', 'e'] }])).toBe(
      'cox: dropped 1 collinear column, as R and statsmodels report aliased terms: "z" (a combination of "a", "b", "c", "d", …)',
    );
    expect(aliasWarning('cox', [{ feature: 'z', with: ['a', 'b', 'c', 'd'] }])).toMatch(/"d"\)$/);
  });
});
