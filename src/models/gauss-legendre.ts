/**
 * Gauss–Legendre quadrature on [0, 1]: n nodes integrate a polynomial of degree below 2n exactly.
 * Serves TreeSHAP's quadrature (a leaf's Shapley weights are such an integral) and the sequence
 * model's integrated gradients. Rules are cached: both ask for the same few n again and again.
 */
const rules = new Map<number, { nodes: Float64Array; weights: Float64Array }>();

/** Nodes and weights of the n-point Gauss–Legendre rule on [0, 1]. */
export function gaussLegendre(n: number): { nodes: Float64Array; weights: Float64Array } {
  const known = rules.get(n);
  if (known !== undefined) return known;
  const nodes = new Float64Array(n);
  const weights = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    // Newton's method on P_n from the Chebyshev-like first guess.
    let x = Math.cos((Math.PI * (i + 0.75)) / (n + 0.5));
    let dp = 0;
    for (let it = 0; it < 100; it++) {
      let p0 = 1;
      let p1 = x;
      for (let k = 2; k <= n; k++) {
        const p2 = ((2 * k - 1) * x * p1 - (k - 1) * p0) / k;
        p0 = p1;
        p1 = p2;
      }
      const pn = n === 1 ? x : p1;
      const pPrev = n === 1 ? 1 : p0;
      dp = (n * (x * pn - pPrev)) / (x * x - 1);
      const dx = pn / dp;
      x -= dx;
      if (Math.abs(dx) < 1e-16) break; // one step past convergence, so dp is taken at the root: the weights to rounding
    }
    nodes[i] = (1 - x) / 2;
    weights[i] = 1 / ((1 - x * x) * dp * dp);
  }
  rules.set(n, { nodes, weights });
  return { nodes, weights };
}
