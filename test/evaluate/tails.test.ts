/** Normal and chi-squared tails against scipy.special (the same cephes routines), far into the tail. */
import { describe, expect, it } from 'vitest';
import { chiSquareUpper, normalQuantile, normalTwoSided } from '../../src/evaluate/tails.js';

describe('distribution tails (values from scipy.special 1.10.1)', () => {
  it('two-sided normal p-values, both signs, deep in the tail, and at the edges', () => {
    expect(normalTwoSided(1.96)).toBeCloseTo(0.04999579029644087, 15);
    expect(normalTwoSided(-1.96)).toBeCloseTo(0.04999579029644087, 15);
    expect(normalTwoSided(8) / 1.244192114854348e-15).toBeCloseTo(1, 12);
    expect(normalTwoSided(0)).toBe(1);
    expect(normalTwoSided(40)).toBe(0); // below the smallest double: cephes throws, read as 0
    expect(normalTwoSided(Number.POSITIVE_INFINITY)).toBe(0);
    expect(normalTwoSided(Number.NEGATIVE_INFINITY)).toBe(0);
    expect(normalTwoSided(Number.NaN)).toBeNaN();
  });

  it('chi-squared upper tails and the normal quantile', () => {
    expect(chiSquareUpper(3.84, 1)).toBeCloseTo(0.05004352124870519, 15);
    expect(chiSquareUpper(20, 7)).toBeCloseTo(0.005569683072945574, 15);
    expect(chiSquareUpper(2000, 3)).toBe(0);
    expect([chiSquareUpper(0, 2), chiSquareUpper(-1, 2), chiSquareUpper(Number.POSITIVE_INFINITY, 2)]).toEqual([1, 1, 0]);
    expect(chiSquareUpper(0, 0.5)).toBe(1); // P(X > 0) = 1 is answered before cephes, which refuses df < 1
    expect([chiSquareUpper(Number.NaN, 2), chiSquareUpper(1, 0), chiSquareUpper(1, Number.NaN)]).toEqual([Number.NaN, Number.NaN, Number.NaN]);
    expect(normalQuantile(0.975)).toBeCloseTo(1.959963984540054, 14);
    expect(normalQuantile(0.5)).toBe(0);
  });
});
