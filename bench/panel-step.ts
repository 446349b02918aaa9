/** One measured step of bench/panel.ts, in its own process: prints {seconds, peak_rss_mb}. */
import { resourceUsage } from 'node:process';
import { buildSnapshot } from '../src/features/panel/snapshot.js';
import { generatePanel } from '../src/generate/operator.js';
import { openPanel } from '../src/ingest/panel/open-panel.js';

const [kind, customers, dir] = process.argv.slice(2);
const started = performance.now();
let rows = 0;
if (kind === 'generate') {
  await generatePanel({ customers: Number(customers), months: 12, seed: 42, out: dir });
} else {
  const panel = await openPanel({ customers: `${dir}/customers.csv`, usage: `${dir}/usage_monthly.csv`, complaints: `${dir}/complaints.csv` });
  const { table } = await buildSnapshot(panel, panel.lastMonth, { window: 6 });
  rows = table.rows;
  panel.close();
}
const seconds = (performance.now() - started) / 1000;
// maxRSS is in kilobytes on Linux.
process.stdout.write(`${JSON.stringify({ seconds: Math.round(seconds * 10) / 10, peak_rss_mb: Math.round(resourceUsage().maxRSS / 1024), rows })}\n`);
