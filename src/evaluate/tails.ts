/**
 * Upper tails of the normal and chi-squared distributions for p-values, from the cephes library
 * (the routines scipy.special wraps), accurate far into the tail where 1 − cdf would round to 0.
 */
import { createRequire } from 'node:module';

/** The routines used (the package's own typings are not reachable through its exports map). */
interface Cephes {
  ndtr(x: number): number; // standard normal cdf
  ndtri(p: number): number; // its inverse
  chdtrc(df: number, x: number): number; // chi-squared upper tail
}

// The CommonJS build compiles its WebAssembly synchronously; the ES module build needs an await.
const cephes = createRequire(import.meta.url)('cephes') as Cephes;

/** cephes signals an underflow (a probability below ~1e-308) by throwing: that is 0. */
function orZero(f: () => number): number {
  try {
    return f();
  } catch {
    return 0;
  }
}

/** Two-sided p-value of a standard normal statistic. */
export function normalTwoSided(z: number): number {
  if (!Number.isFinite(z)) return Number.isNaN(z) ? Number.NaN : 0;
  return orZero(() => 2 * cephes.ndtr(-Math.abs(z)));
}

/** P(X > x) for X chi-squared with `df` degrees of freedom. */
export function chiSquareUpper(x: number, df: number): number {
  if (Number.isNaN(x) || !(df > 0)) return Number.NaN;
  if (x <= 0) return 1;
  if (!Number.isFinite(x)) return 0;
  return orZero(() => cephes.chdtrc(df, x));
}

/** The standard normal quantile. */
export function normalQuantile(p: number): number {
  return cephes.ndtri(p);
}
