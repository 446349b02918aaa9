/**
 * The duration-leak check on five hand-made rows: a covariate that is a line in the duration, one
 * that is the duration times another covariate, and ones that are neither (correlations by numpy).
 */
import { describe, expect, it } from 'vitest';
import { makeMatrix } from '../../src/data/matrix.js';
import { durationLeaks } from '../../src/models/duration-leak.js';

describe('duration leakage on hand-made rows', () => {
  const duration = Float64Array.of(1, 2, 3, 4, 5);
  const price = Float64Array.of(1, 3, 2, 5, 4); // r = 0.8 with the duration: kept
  const total = Float64Array.of(1.3, 5.8, 6.1, 20.5, 19.6); // duration × price, give or take: r = 0.99915 with it, 0.923 with the duration
  const falling = Float64Array.of(9, 7, 5, 3, 1); // −2 × duration + 11: r = −1
  const flat = Float64Array.of(2, 2, 2, 2, 2);

  it('names the duration itself, else the first product that explains a feature, with its correlation', () => {
    const leaks = durationLeaks(makeMatrix(['flat', 'price', 'total', 'falling'], [flat, price, total, falling]), duration);
    expect(leaks.map((l) => [l.feature, l.via])).toEqual([['total', 'duration × price'], ['falling', 'the duration']]);
    expect(leaks[0].correlation).toBeCloseTo(0.9991495589643431, 12);
    expect(leaks[1].correlation).toBeCloseTo(-1, 12);
  });

  it('flags a correlation above the threshold only', () => {
    const x = makeMatrix(['price', 'total'], [price, total]);
    expect(durationLeaks(x, duration, 0.9991)).toHaveLength(1);
    expect(durationLeaks(x, duration, 0.9992)).toEqual([]);
    // 0.8 with the duration: flagged below it, not at it.
    expect(durationLeaks(makeMatrix(['price'], [price]), duration, 0.79).map((l) => l.via)).toEqual(['the duration']);
    expect(durationLeaks(makeMatrix(['price'], [price]), duration, 0.8000001)).toEqual([]);
    expect(durationLeaks(makeMatrix(['flat', 'price'], [flat, price]), duration, 0)).toEqual([{ feature: 'price', via: 'the duration', correlation: expect.closeTo(0.8, 12) }]);
  });
});
