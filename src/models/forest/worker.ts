/** Worker entry: grows the trees it is given, posting TREE_DONE after each (progress), then posts them back. */
import { parentPort, workerData } from 'node:worker_threads';
import { growTrees, TREE_DONE, type GrowJob } from './grow.js';

const result = growTrees(workerData as GrowJob, () => parentPort?.postMessage(TREE_DONE));
parentPort?.postMessage(result);
