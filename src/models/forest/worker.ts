/** Worker entry: grows the trees it is given, posting TREE_DONE after each (progress), then posts them back. */
import { parentPort, workerData } from 'node:worker_threads';
import { exitIfTestSaysSo } from '../../io/worker-thread.js';
import { growTrees, TREE_DONE, type GrowJob } from './grow.js';

let grown = 0;
const result = growTrees(workerData as GrowJob, () => {
  exitIfTestSaysSo('forest', ++grown);
  parentPort?.postMessage(TREE_DONE);
});
parentPort?.postMessage(result);
