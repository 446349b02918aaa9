#!/usr/bin/env node
// The CLI runs from the compiled library (npm ci builds it through `prepare`).
import { main } from '../dist/cli/main.js';

main(process.argv).then((code) => { process.exitCode = code; });
