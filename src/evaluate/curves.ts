/**
 * Curves for charts: ROC, precision–recall, cumulative gains and lift, one point per distinct
 * threshold, thinned to at most `maxPoints` evenly along the list.
 */
import { thresholdSteps as steps } from './thresholds.js';

export interface Point { x: number; y: number }

function thin(points: Point[], maxPoints: number): Point[] {
  if (points.length <= maxPoints) return points;
  const out: Point[] = [];
  for (let k = 0; k < maxPoints; k++) out.push(points[Math.round((k * (points.length - 1)) / (maxPoints - 1))]);
  return out;
}

const r6 = (x: number): number => Math.round(x * 1e6) / 1e6;
const pt = (x: number, y: number): Point => ({ x: r6(x), y: r6(y) });

export function rocCurve(y: Uint8Array, score: Float64Array, maxPoints = 200): Point[] {
  const { steps: s, pos, neg } = steps(y, score);
  return thin([pt(0, 0), ...s.map((q) => pt(q.fp / neg, q.tp / pos))], maxPoints);
}

export function prCurve(y: Uint8Array, score: Float64Array, maxPoints = 200): Point[] {
  const { steps: s, pos } = steps(y, score);
  return thin(s.map((q) => pt(q.tp / pos, q.tp / q.n)), maxPoints);
}

/** Share of churners captured (y) against share of customers contacted (x). */
export function gainsCurve(y: Uint8Array, score: Float64Array, maxPoints = 200): Point[] {
  const { steps: s, pos } = steps(y, score);
  const n = y.length;
  return thin([pt(0, 0), ...s.map((q) => pt(q.n / n, q.tp / pos))], maxPoints);
}

/** Lift (churn rate among those contacted / overall churn rate) against share contacted. */
export function liftCurve(y: Uint8Array, score: Float64Array, maxPoints = 200): Point[] {
  const { steps: s, pos } = steps(y, score);
  const n = y.length;
  const rate = pos / n;
  return thin(s.map((q) => pt(q.n / n, q.tp / q.n / rate)), maxPoints);
}
