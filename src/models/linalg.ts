/**
 * Small dense linear algebra for Newton steps: p×p symmetric positive-definite systems, row-major
 * Float64Array. p is the number of features (tens), so Cholesky is plenty.
 */

/** Cholesky factor L (lower, row-major) of A; null when A is not positive definite. */
export function cholesky(a: Float64Array, p: number): Float64Array | null {
  const l = new Float64Array(p * p);
  for (let i = 0; i < p; i++) {
    for (let j = 0; j <= i; j++) {
      let s = a[i * p + j];
      for (let k = 0; k < j; k++) s -= l[i * p + k] * l[j * p + k];
      if (i === j) {
        if (!(s > 0)) return null;
        l[i * p + i] = Math.sqrt(s);
      } else {
        l[i * p + j] = s / l[j * p + j];
      }
    }
  }
  return l;
}

/** Solves L Lᵀ x = b. */
export function choleskySolve(l: Float64Array, p: number, b: Float64Array): Float64Array {
  const y = new Float64Array(p);
  for (let i = 0; i < p; i++) {
    let s = b[i];
    for (let k = 0; k < i; k++) s -= l[i * p + k] * y[k];
    y[i] = s / l[i * p + i];
  }
  const x = new Float64Array(p);
  for (let i = p - 1; i >= 0; i--) {
    let s = y[i];
    for (let k = i + 1; k < p; k++) s -= l[k * p + i] * x[k];
    x[i] = s / l[i * p + i];
  }
  return x;
}

/** Inverse of A from its Cholesky factor. */
export function choleskyInverse(l: Float64Array, p: number): Float64Array {
  const inv = new Float64Array(p * p);
  const e = new Float64Array(p);
  for (let j = 0; j < p; j++) {
    e.fill(0);
    e[j] = 1;
    const col = choleskySolve(l, p, e);
    for (let i = 0; i < p; i++) inv[i * p + j] = col[i];
  }
  return inv;
}

/** Column means and standard deviations (sd 1 for constant columns, so they stay finite). */
export function standardization(columns: readonly Float64Array[]): { mean: Float64Array; sd: Float64Array } {
  const p = columns.length;
  const mean = new Float64Array(p);
  const sd = new Float64Array(p);
  for (let j = 0; j < p; j++) {
    const c = columns[j];
    let s = 0;
    for (let i = 0; i < c.length; i++) s += c[i];
    const m = s / c.length;
    let v = 0;
    for (let i = 0; i < c.length; i++) v += (c[i] - m) ** 2;
    const d = Math.sqrt(v / c.length);
    mean[j] = m;
    sd[j] = d > 1e-12 ? d : 1;
  }
  return { mean, sd };
}
