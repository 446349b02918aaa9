/**
 * The Newton steps' linear algebra on a 3×3 example worked by hand (det = 188; numpy agrees):
 * A = [[4, 2, −2], [2, 10, 4], [−2, 4, 9]] = L Lᵀ with L = [[2, 0, 0], [1, 3, 0], [−1, 5/3, √(9 − 1 − 25/9)]].
 */
import { describe, expect, it } from 'vitest';
import { cholesky, choleskyInverse, choleskySolve, standardization } from '../../src/models/linalg.js';

const a = Float64Array.from([4, 2, -2, 2, 10, 4, -2, 4, 9]);

describe('Cholesky factor, solve and inverse', () => {
  it('factors A into its lower triangle, zeros above the diagonal', () => {
    const l = cholesky(a, 3);
    const want = [2, 0, 0, 1, 3, 0, -1, 5 / 3, Math.sqrt(9 - 1 - 25 / 9)];
    expect(l).not.toBeNull();
    Array.from(l ?? []).forEach((v, k) => expect(v).toBeCloseTo(want[k], 14));
  });

  it('solves A x = b and inverts A (adjugate / 188)', () => {
    const l = cholesky(a, 3) ?? new Float64Array(9);
    const x = choleskySolve(l, 3, Float64Array.from([2, -4, 7]));
    [112 / 47, -80 / 47, 97 / 47].forEach((v, k) => expect(x[k]).toBeCloseTo(v, 14));
    const inv = choleskyInverse(l, 3);
    [74, -26, 28, -26, 32, -20, 28, -20, 36].forEach((v, k) => expect(inv[k]).toBeCloseTo(v / 188, 14));
  });

  it('answers null for a matrix that is not positive definite: singular, or negative on the diagonal', () => {
    expect(cholesky(Float64Array.from([1, 2, 2, 4]), 2)).toBeNull(); // rank 1: the second pivot is exactly 0
    expect(cholesky(Float64Array.from([1, 3, 3, 4]), 2)).toBeNull(); // pivot 4 − 9 < 0
    expect(cholesky(Float64Array.from([-1]), 1)).toBeNull();
    expect(cholesky(Float64Array.from([Number.NaN]), 1)).toBeNull();
  });
});

describe('standardization', () => {
  it('gives each column its mean and population sd; a constant column (or one within 1e-12) sd 1', () => {
    const { mean, sd } = standardization([Float64Array.from([1, 2, 3, 6]), Float64Array.from([5, 5, 5]), Float64Array.from([1, 1 + 2e-12])]);
    expect(Array.from(mean)).toEqual([3, 5, 1 + 1e-12]);
    expect(sd[0]).toBeCloseTo(Math.sqrt(14 / 4), 14); // deviations −2, −1, 0, 3
    expect(sd[1]).toBe(1);
    expect(sd[2]).toBe(1); // sd 1e-12: not above the cut
  });
});
