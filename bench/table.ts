/** Prints benchmark rows as an aligned plain-text table. */
export function printTable(title: string, head: string[], rows: (string | number)[][]): void {
  const cells = rows.map((r) => r.map((c) => (typeof c === 'number' ? formatNumber(c) : c)));
  const widths = head.map((h, j) => Math.max(h.length, ...cells.map((r) => r[j].length)));
  const line = (r: string[]): string => r.map((c, j) => (j === 0 ? c.padEnd(widths[j]) : c.padStart(widths[j]))).join('  ');
  process.stdout.write(`\n${title}\n${line(head)}\n${widths.map((w) => '-'.repeat(w)).join('  ')}\n${cells.map(line).join('\n')}\n`);
}

function formatNumber(x: number): string {
  if (!Number.isFinite(x)) return '–';
  if (Math.abs(x) >= 1000) return Math.round(x).toLocaleString('en');
  if (Number.isInteger(x)) return String(x);
  if (Math.abs(x) >= 10) return x.toFixed(1);
  return x.toFixed(3);
}

export function seconds(since: number): number {
  return (performance.now() - since) / 1000;
}
