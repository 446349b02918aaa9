/**
 * Ranking: highest key first, equal keys by id, so a ranking does not depend on input order and
 * shards merge into exactly the unsharded list.
 */
export function rankOrder(key: Float64Array, ids: readonly string[]): Int32Array {
  const order = Int32Array.from({ length: key.length }, (_, i) => i);
  order.sort((a, b) => key[b] - key[a] || (ids[a] < ids[b] ? -1 : ids[a] > ids[b] ? 1 : 0));
  return order;
}
