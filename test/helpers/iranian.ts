/** The Iranian churn sample parsed directly: every column but Churn is a numeric feature. */
import { readFileSync } from 'node:fs';
import { makeMatrix, type FeatureMatrix } from '../../src/data/matrix.js';
import { DATA } from './telco.js';

export function iranian(): { x: FeatureMatrix; y: Uint8Array } {
  const lines = readFileSync(`${DATA}iranian-churn.csv`, 'utf8').trim().split('\n');
  const header = lines[0].split(',');
  const rows = lines.slice(1).map((l) => l.split(',').map(Number));
  const target = header.indexOf('Churn');
  const features = header.filter((_, j) => j !== target);
  const columns = header.map((_, j) => j).filter((j) => j !== target).map((j) => Float64Array.from(rows, (r) => r[j]));
  return { x: makeMatrix(features, columns), y: Uint8Array.from(rows, (r) => r[target]) };
}
