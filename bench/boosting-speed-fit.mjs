/**
 * One boosting speed fit for bench:vs-python, in a process of its own as `churnscope train` runs
 * one: the compiled library (dist/, what the CLI runs, built by the npm script) under plain node,
 * on the rows vs-python.ts wrote. JavaScript, not TypeScript: run through tsx, the process would
 * hand tsx's loader to the pool's worker threads, which then take 150 ms to start instead of 30.
 * Fits twice and prints the wall and CPU seconds (all threads) of each as one JSON line: the
 * first fit pays the workers' start and the engine's compilation of the code, the second does not.
 *   node bench/boosting-speed-fit.mjs <dir> <rounds> <depth> <learning rate> <workers>
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fitBoosting } from '../dist/models/boosting/boosting.js';
import { DEFAULT_BOOSTING_PARAMS } from '../dist/models/boosting/params.js';
import { makeMatrix } from '../dist/data/matrix.js';
import { Rng } from '../dist/rng.js';

const [dir, rounds, depth, learningRate, workers] = process.argv.slice(2);
const features = JSON.parse(readFileSync(join(dir, 'job.json'), 'utf8')).speed.names;
const y = new Uint8Array(readFileSync(join(dir, 'speed-y.bin')));
const n = y.length;
// Column-major, as a training matrix holds it.
const all = new Float64Array(readFileSync(join(dir, 'speed-columns.bin')).buffer.slice(0));
const x = makeMatrix(features, features.map((_, j) => all.slice(j * n, (j + 1) * n)));
const params = { ...DEFAULT_BOOSTING_PARAMS, init: 'prior', early_stopping_rounds: 0, rounds: Number(rounds), max_depth: Number(depth), learning_rate: Number(learningRate), workers: Number(workers) };
const fits = [];
for (let k = 0; k < 2; k++) {
  const t = performance.now();
  const cpu = process.cpuUsage();
  await fitBoosting({ x, y }, params, new Rng(1));
  const used = process.cpuUsage(cpu);
  fits.push({ wall: (performance.now() - t) / 1000, cpu: (used.user + used.system) / 1e6 });
}
process.stdout.write(`${JSON.stringify({ first: fits[0], second: fits[1] })}\n`);
