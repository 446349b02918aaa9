/** Calibration: predicted against observed churn in equal-width probability bins. */
export interface CalibrationBin {
  bin: number;
  lower: number;
  upper: number;
  count: number;
  mean_predicted: number;
  observed: number;
}

export function calibrationTable(y: Uint8Array, p: Float64Array, bins = 10): CalibrationBin[] {
  const count = new Float64Array(bins);
  const sumP = new Float64Array(bins);
  const sumY = new Float64Array(bins);
  for (let i = 0; i < y.length; i++) {
    const b = Math.min(bins - 1, Math.max(0, Math.floor(p[i] * bins)));
    count[b]++;
    sumP[b] += p[i];
    sumY[b] += y[i];
  }
  const out: CalibrationBin[] = [];
  for (let b = 0; b < bins; b++) {
    out.push({
      bin: b,
      lower: b / bins,
      upper: (b + 1) / bins,
      count: count[b],
      mean_predicted: count[b] > 0 ? Math.round((sumP[b] / count[b]) * 1e6) / 1e6 : 0,
      observed: count[b] > 0 ? Math.round((sumY[b] / count[b]) * 1e6) / 1e6 : 0,
    });
  }
  return out;
}
