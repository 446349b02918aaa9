/** Month arithmetic on 'YYYY-MM' strings and month indices (months since year 0). */
export function monthIndex(month: string): number {
  const m = /^(\d{4})-(\d{2})$/.exec(month);
  if (m === null) throw new Error(`not a month (YYYY-MM): "${month}"`);
  return Number(m[1]) * 12 + Number(m[2]) - 1;
}

export function monthName(index: number): string {
  const y = Math.floor(index / 12);
  const m = index - y * 12 + 1;
  return `${y}-${String(m).padStart(2, '0')}`;
}

/** First day of the month, ISO. */
export function monthStart(index: number): string {
  return `${monthName(index)}-01`;
}

/** A day within the month (1..28), ISO. */
export function dayIn(index: number, day: number): string {
  return `${monthName(index)}-${String(Math.min(28, Math.max(1, day))).padStart(2, '0')}`;
}

/** YYYYMM as an integer, the form periods take in tables. */
export function yyyymm(index: number): number {
  const y = Math.floor(index / 12);
  return y * 100 + (index - y * 12 + 1);
}
