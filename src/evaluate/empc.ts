/**
 * Expected maximum profit for customer churn (EMPC; Verbraken, Verdonck & Baesens 2013, IEEE
 * TKDE 25(5)): the profit per customer of a retention campaign that contacts the best-scored
 * fraction, maximised over the threshold for each acceptance rate γ and averaged over γ ~ Beta(α, β).
 * Profit at ROC point (x = FPR, y = TPR): CLV·[(γ(1−δ) − φ)·π₀·y − (δ + φ)·π₁·x], with δ = d/CLV
 * and φ = f/CLV; only ROC convex-hull points can be optimal. γ is integrated on a fine grid.
 */
import { rocCurve } from './curves.js';

export interface EmpcOptions {
  clv: number; // customer lifetime value
  incentive: number; // d: cost of the retention offer
  contact: number; // f: cost of contacting a customer
  alpha: number;
  beta: number;
  steps: number; // γ grid points
}

export const DEFAULT_EMPC: EmpcOptions = { clv: 200, incentive: 10, contact: 1, alpha: 6, beta: 14, steps: 4000 };

/** Upper convex hull of ROC points (x ascending). */
function hull(points: { x: number; y: number }[]): { x: number; y: number }[] {
  const out: { x: number; y: number }[] = [];
  for (const p of points) {
    while (out.length >= 2) {
      const a = out[out.length - 2];
      const b = out[out.length - 1];
      if ((b.x - a.x) * (p.y - a.y) - (b.y - a.y) * (p.x - a.x) >= 0) out.pop();
      else break;
    }
    out.push(p);
  }
  return out;
}

export function empc(y: Uint8Array, score: Float64Array, options: Partial<EmpcOptions> = {}): { empc: number; fraction: number } {
  const o = { ...DEFAULT_EMPC, ...options };
  let pos = 0;
  for (let i = 0; i < y.length; i++) pos += y[i];
  const pi0 = pos / y.length; // churners
  const pi1 = 1 - pi0;
  const delta = o.incentive / o.clv;
  const phi = o.contact / o.clv;
  const points = hull(rocCurve(y, score, Number.POSITIVE_INFINITY));
  let total = 0;
  let fraction = 0;
  let mass = 0;
  for (let k = 0; k < o.steps; k++) {
    const g = (k + 0.5) / o.steps; // midpoint rule on (0, 1)
    // The Beta density up to its constant, which dividing by the total weight cancels.
    const w = Math.exp((o.alpha - 1) * Math.log(g) + (o.beta - 1) * Math.log(1 - g));
    let best = 0;
    let bestFraction = 0;
    for (const p of points) {
      const profit = o.clv * ((g * (1 - delta) - phi) * pi0 * p.y - (delta + phi) * pi1 * p.x);
      if (profit > best) {
        best = profit;
        bestFraction = pi0 * p.y + pi1 * p.x;
      }
    }
    total += w * best;
    fraction += w * bestFraction;
    mass += w;
  }
  return { empc: total / mass, fraction: fraction / mass };
}
