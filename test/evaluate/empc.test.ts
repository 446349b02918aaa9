import { describe, expect, it } from 'vitest';
import { empc } from '../../src/evaluate/empc.js';

describe('EMPC', () => {
  it('for a perfect classifier equals CLV·π₀·E[max(γ(1−δ) − φ, 0)]', () => {
    const y = Uint8Array.from({ length: 100 }, (_, i) => (i < 20 ? 1 : 0));
    const s = Float64Array.from({ length: 100 }, (_, i) => (i < 20 ? 1 : 0));
    // Closed form with Beta(6, 14): E[γ; γ > c] and P(γ > c), c = φ/(1−δ) = (1/200)/(1−10/200) ≈ 0.00526:
    // below c the Beta(6,14) mass is ~1e-10, so E[max(.)] ≈ (1−δ)·E[γ] − φ = 0.95·0.3 − 0.005 = 0.28.
    const r = empc(y, s);
    expect(r.empc).toBeCloseTo(200 * 0.2 * 0.28, 3);
    expect(r.fraction).toBeCloseTo(0.2, 6); // contacts exactly the churners
  });

  it('for an uninformative classifier is E[max(0, profit of contacting everyone)]', () => {
    const y = Uint8Array.from({ length: 1000 }, (_, i) => (i % 5 === 0 ? 1 : 0));
    const s = new Float64Array(1000).fill(0.5);
    // Independent Simpson integration with the exact Beta(6, 14) constant B = 5!·13!/19!.
    const fact = (n: number): number => (n <= 1 ? 1 : n * fact(n - 1));
    const B = (fact(5) * fact(13)) / fact(19);
    const n = 20000;
    let integral = 0;
    for (let k = 0; k <= n; k++) {
      const g = k / n;
      const f = (g ** 5 * (1 - g) ** 13 / B) * Math.max(0, 200 * (0.2 * (0.95 * g - 0.005) - 0.8 * 0.055));
      integral += (k === 0 || k === n ? 1 : k % 2 === 1 ? 4 : 2) * f;
    }
    integral /= 3 * n;
    const r = empc(y, s);
    expect(r.empc).toBeCloseTo(integral, 4);
    expect(r.empc).toBeLessThan(empc(y, Float64Array.from(y)).empc);
  });

  it('for a ranking with dents in its ROC curve matches the definition integrated by scipy', () => {
    // The profit of every ROC point (not only the hull's), maximised per γ and integrated against
    // Beta(6, 14) with scipy.integrate.quad between the γ where the best point changes:
    // 17.893358655506322, contacting 0.8800506703817259. The fraction jumps at those γ, so the
    // midpoint rule's 4,000 steps give it to ~1e-4.
    const y = Uint8Array.from([1, 0, 0, 1, 1, 0, 1, 0, 0, 0, 1, 0]);
    const s = Float64Array.from({ length: 12 }, (_, i) => 12 - i);
    const r = empc(y, s);
    expect(Math.abs(r.empc / 17.893358655506322 - 1)).toBeLessThan(1e-7);
    expect(Math.abs(r.fraction / 0.8800506703817259 - 1)).toBeLessThan(1e-4);
    // Dearer offers: fewer worth contacting, less profit.
    const dear = empc(y, s, { incentive: 60 });
    expect(dear.empc).toBeLessThan(r.empc);
    expect(dear.fraction).toBeLessThan(r.fraction);
  });
});
