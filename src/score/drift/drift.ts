/**
 * Drift of a scoring input from the training data: the population stability index (PSI) of each
 * raw input column, between the training shares saved in the model file and the input's shares
 * in the same bins, measured in one DuckDB aggregate query over the input view.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import type { ColumnReference, DriftReference } from '../../data/drift-reference.js';
import { InputError } from '../../errors.js';
import { sqlDouble, sqlIdent, sqlString } from '../../io/duckdb.js';

/** Floor for an empty bin's share, so ln(a/e) stays finite (the common choice for PSI). */
const PSI_EPSILON = 1e-4;

/**
 * PSI = Σᵢ (aᵢ − eᵢ) · ln(aᵢ / eᵢ), with eᵢ the expected (training) and aᵢ the actual share of bin
 * i, each floored at PSI_EPSILON. 0 for identical shares; < 0.1 is usually read as stable, 0.1 to
 * 0.25 as a moderate shift, above 0.25 as a major one.
 */
export function psi(expected: Float64Array | readonly number[], actual: Float64Array | readonly number[]): number {
  if (expected.length !== actual.length) throw new RangeError(`psi: ${expected.length} expected shares but ${actual.length} actual`);
  let sum = 0;
  for (let i = 0; i < expected.length; i++) {
    const e = Math.max(expected[i], PSI_EPSILON);
    const a = Math.max(actual[i], PSI_EPSILON);
    sum += (a - e) * Math.log(a / e);
  }
  return sum;
}

interface FeatureDrift {
  feature: string;
  psi: number;
  shares: number[]; // the input's shares, in the reference's bins
}

/** Each reference column as scoring reads it: numbers TRY_CAST (text from CSV), text with missing as ''. */
function valueExpr(ref: ColumnReference): string {
  const c = sqlIdent(ref.column);
  return ref.kind === 'numeric' ? `TRY_CAST(${c} AS DOUBLE)` : `coalesce(CAST(${c} AS VARCHAR), '')`;
}

/** The bin of the value `v` as SQL, numbered as the reference's shares. */
function binExpr(ref: ColumnReference, v: string): string {
  if (ref.kind === 'numeric') {
    // Non-finite is missing, as the encoder treats it.
    const whens = ref.edges.map((e, j) => `WHEN ${v} <= ${sqlDouble(e)} THEN ${j}`).join(' ');
    return `CASE WHEN NOT coalesce(isfinite(${v}), false) THEN ${ref.edges.length + 1} ${whens} ELSE ${ref.edges.length} END`;
  }
  // As the encoder matches a level.
  const whens = ref.levels.map((l, j) => `WHEN ${sqlString(l)} THEN ${j}`).join(' ');
  return ref.levels.length === 0 ? '0' : `CASE ${v} ${whens} ELSE ${ref.levels.length} END`;
}

/**
 * The input's shares in every reference bin from one scan of `view`, and each column's PSI.
 * `rows` is 0 for an empty input (shares are then all 0 and PSI meaningless).
 */
export async function measureDrift(con: DuckDBConnection, view: string, reference: DriftReference, file: string): Promise<{ rows: number; features: FeatureDrift[] }> {
  const refs = reference.columns;
  // Each value is cast once, then binned: the bins' comparisons do not cast again.
  const values = refs.map((r, i) => `${valueExpr(r)} AS v${i}`);
  const bins = refs.map((r, i) => `${binExpr(r, `v${i}`)} AS b${i}`);
  const counts = refs.flatMap((r, i) => r.shares.map((_, j) => `count_if(b${i} = ${j})::DOUBLE`));
  const sql = refs.length === 0
    ? `SELECT count(*)::DOUBLE FROM ${sqlIdent(view)}`
    : `SELECT count(*)::DOUBLE${counts.map((c) => `, ${c}`).join('')} FROM (SELECT ${bins.join(', ')} FROM (SELECT ${values.join(', ')} FROM ${sqlIdent(view)}))`;
  let row: unknown[];
  try {
    row = (await con.runAndReadAll(sql)).getRowsJS()[0];
  } catch (e) {
    throw new InputError(`the drift check cannot read the input: ${(e as Error).message.split('\n')[0]}`, { file, key: 'drift_reference' }, { cause: e });
  }
  const rows = Number(row[0]);
  let k = 1;
  const features = refs.map((r): FeatureDrift => {
    const shares = r.shares.map(() => (rows === 0 ? 0 : Number(row[k++]) / rows));
    return { feature: r.column, psi: psi(r.shares, shares), shares };
  });
  return { rows, features };
}
