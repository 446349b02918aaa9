/** The logistic function, at the points where its two forms differ: overflow on either side. */
import { describe, expect, it } from 'vitest';
import { sigmoid } from '../../src/models/sigmoid.js';

describe('sigmoid', () => {
  it('is 1/(1+e^-z), exact at 0 and finite at both ends, where one of its forms overflows', () => {
    expect(sigmoid(0)).toBe(0.5);
    expect(sigmoid(2)).toBe(1 / (1 + Math.exp(-2)));
    expect(sigmoid(-2)).toBe(Math.exp(-2) / (1 + Math.exp(-2)));
    // e^800 is Infinity: the form for negative z would give Infinity/Infinity = NaN here.
    expect(sigmoid(800)).toBe(1);
    // e^740 is Infinity: the form for positive z would give 1/Infinity = 0, not the tiny e^-740.
    expect(sigmoid(-740)).toBe(Math.exp(-740));
    expect(sigmoid(-740)).toBeGreaterThan(0);
  });
});
