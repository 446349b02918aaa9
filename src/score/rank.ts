/**
 * Ranking: highest key first; equal keys keep input order, so ranks are deterministic.
 */
export function rankOrder(key: Float64Array): Int32Array {
  const order = Int32Array.from({ length: key.length }, (_, i) => i);
  order.sort((a, b) => key[b] - key[a] || a - b);
  return order;
}
