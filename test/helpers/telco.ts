/**
 * The Telco sample parsed directly (no quoted commas in it), for estimator tests against the
 * statsmodels reference values, independent of churnscope's own ingest.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { makeMatrix, type FeatureMatrix } from '../../src/data/matrix.js';

export const DATA = fileURLToPath(new URL('../../data/', import.meta.url));
export const REFERENCE = fileURLToPath(new URL('../fixtures/reference/', import.meta.url));

export function readReference<T>(name: string): T {
  return JSON.parse(readFileSync(`${REFERENCE}${name}`, 'utf8')) as T;
}

export interface TelcoRows { header: string[]; rows: string[][] }

export function telcoRows(): TelcoRows {
  const lines = readFileSync(`${DATA}ibm-telco-churn.csv`, 'utf8').trim().split('\n');
  return { header: lines[0].split(','), rows: lines.slice(1).map((l) => l.split(',')) };
}

/** The reference design: raw numbers and 0/1 indicators named `Column_Value` (spaces as _). */
export function telcoDesign(terms: readonly string[], onlyPositiveTenure: boolean): { x: FeatureMatrix; y: Uint8Array; tenure: Float64Array } {
  const { header, rows } = telcoRows();
  const col = (name: string): number => header.indexOf(name);
  const kept = onlyPositiveTenure ? rows.filter((r) => Number(r[col('tenure')]) > 0) : rows;
  const columns = terms.map((term) => {
    if (col(term) >= 0) return Float64Array.from(kept, (r) => Number(r[col(term)]));
    const cut = term.indexOf('_');
    const name = term.slice(0, cut);
    const value = term.slice(cut + 1).replaceAll('_', ' ');
    return Float64Array.from(kept, (r) => (r[col(name)] === value ? 1 : 0));
  });
  return {
    x: makeMatrix(terms, columns),
    y: Uint8Array.from(kept, (r) => (r[col('Churn')] === 'Yes' ? 1 : 0)),
    tenure: Float64Array.from(kept, (r) => Number(r[col('tenure')])),
  };
}
