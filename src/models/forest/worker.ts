/** Worker entry: grows the trees it is given and posts them back. */
import { parentPort, workerData } from 'node:worker_threads';
import { growTrees, type GrowJob } from './grow.js';

const result = growTrees(workerData as GrowJob);
parentPort?.postMessage(result);
