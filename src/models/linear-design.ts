/**
 * Identifiable designs for the linear models (logistic and Cox), as R's model.matrix and its
 * aliased terms: each text column is treatment coded (its most frequent level is the reference and
 * gets no column), and a column that is exactly or nearly a linear combination of the columns
 * before it (R² > 1 − 1e-7 on the centred columns, as R's default QR tolerance) is dropped and
 * named. Trees keep the full one-hot encoding.
 */
import type { FeatureMatrix } from '../data/matrix.js';

/** R² above 1 − this against the columns kept before it: aliased. */
const ALIAS_TOLERANCE = 1e-7;

export interface Reference { column: string; level: string }
export interface Aliased { feature: string; with: string[] } // `with` empty: a constant column

/** The text column of a one-hot feature (`column=level`), or null for a number. */
function textColumn(feature: string): string | null {
  const k = feature.indexOf('=');
  return k < 0 ? null : feature.slice(0, k);
}

/**
 * The reference level of each complete one-hot group (every row has exactly one of its levels):
 * the most frequent, ties by the first. A group some rows fall outside of (levels past max_levels,
 * missing values) keeps all its columns: those rows are its reference.
 */
export function treatmentCoding(x: FeatureMatrix, candidates: readonly string[]): { features: string[]; references: Reference[] } {
  const pos = new Map(x.features.map((f, j) => [f, j]));
  const groups = new Map<string, string[]>();
  for (const f of candidates) {
    const c = textColumn(f);
    if (c === null) continue;
    let g = groups.get(c);
    if (g === undefined) groups.set(c, (g = []));
    g.push(f);
  }
  const dropped = new Set<string>();
  const references: Reference[] = [];
  for (const [column, members] of groups) {
    const cols = members.map((f) => x.columns[pos.get(f) ?? -1]);
    let complete = true;
    const counts = new Float64Array(members.length);
    for (let i = 0; i < x.rows && complete; i++) {
      let s = 0;
      for (let k = 0; k < cols.length; k++) {
        s += cols[k][i];
        counts[k] += cols[k][i];
      }
      if (s !== 1) complete = false;
    }
    if (!complete) {
      references.push({ column, level: '(none of the listed levels: other or missing)' });
      continue;
    }
    let best = 0;
    for (let k = 1; k < members.length; k++) if (counts[k] > counts[best]) best = k;
    dropped.add(members[best]);
    references.push({ column, level: members[best].slice(column.length + 1) });
  }
  return { features: candidates.filter((f) => !dropped.has(f)), references };
}

/**
 * Columns aliased by the ones before them, from their centred Gram matrix (p×p, row-major, in
 * column order; scale free). The first `fixed` columns are kept whatever they are (a stratified
 * Cox model's strata absorb what they explain). Returns the kept indices and the aliased.
 */
export function aliasedColumns(gram: Float64Array, names: readonly string[], fixed = 0, tolerance = ALIAS_TOLERANCE): { kept: number[]; aliased: Aliased[] } {
  const p = names.length;
  const kept: number[] = [];
  const aliased: Aliased[] = [];
  const l: Float64Array[] = []; // rows of the Cholesky factor of the kept block, each as long as kept
  for (let j = 0; j < p; j++) {
    const diag = gram[j * p + j];
    // Forward solve L r = G[kept, j].
    const r = new Float64Array(kept.length);
    let rr = 0;
    for (let a = 0; a < kept.length; a++) {
      let s = gram[kept[a] * p + j];
      for (let b = 0; b < a; b++) s -= l[a][b] * r[b];
      r[a] = s / l[a][a];
      rr += r[a] * r[a];
    }
    const residual = diag - rr;
    const independent = residual > tolerance * diag;
    if (!independent && j < fixed) continue; // a fixed column the others already span: nothing to add
    if (!independent) {
      // Back solve Lᵀ c = r: column j ≈ Σ c_a column kept[a]; name those that carry it.
      const c = new Float64Array(kept.length);
      for (let a = kept.length - 1; a >= 0; a--) {
        let s = r[a];
        for (let b = a + 1; b < kept.length; b++) s -= l[b][a] * c[b];
        c[a] = s / l[a][a];
      }
      const scale = Math.sqrt(Math.max(diag, 0));
      const partners = kept
        .map((k, a) => ({ name: names[k], weight: Math.abs(c[a]) * Math.sqrt(gram[k * p + k]) }))
        .filter((w) => diag > 0 && w.weight > 1e-6 * scale)
        .sort((u, v) => v.weight - u.weight)
        .map((w) => w.name);
      aliased.push({ feature: names[j], with: diag > 0 ? partners : [] });
      continue;
    }
    const row = new Float64Array(kept.length + 1);
    row.set(r);
    row[kept.length] = Math.sqrt(residual);
    l.push(row);
    kept.push(j);
  }
  return { kept, aliased };
}

/** The centred Gram matrix of the named columns (one pass per pair; p is tens). */
export function centredGram(x: FeatureMatrix, features: readonly string[]): Float64Array {
  const pos = new Map(x.features.map((f, j) => [f, j]));
  const cols = features.map((f) => x.columns[pos.get(f) ?? -1]);
  const p = cols.length;
  const n = x.rows;
  const centred = cols.map((c) => {
    let m = 0;
    for (let i = 0; i < n; i++) m += c[i];
    m /= n;
    return c.map((v) => v - m);
  });
  const g = new Float64Array(p * p);
  for (let j = 0; j < p; j++) {
    for (let k = 0; k <= j; k++) {
      const a = centred[j];
      const b = centred[k];
      let s = 0;
      for (let i = 0; i < n; i++) s += a[i] * b[i];
      g[j * p + k] = s;
      g[k * p + j] = s;
    }
  }
  return g;
}

/** A sentence for the run's warnings naming the aliased columns. */
export function aliasWarning(model: string, aliased: readonly Aliased[]): string | null {
  if (aliased.length === 0) return null;
  const parts = aliased.map((a) => (a.with.length === 0 ? `"${a.feature}" (constant)` : `"${a.feature}" (a combination of ${a.with.slice(0, 4).map((w) => `"${w}"`).join(', ')}${a.with.length > 4 ? ', …' : ''})`));
  return `${model}: dropped ${aliased.length} collinear column${aliased.length > 1 ? 's' : ''}, as R and statsmodels report aliased terms: ${parts.join('; ')}`;
}
