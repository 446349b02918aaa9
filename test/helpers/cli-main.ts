/** The CLI from source, as a process (bin/churnscope.js runs the compiled one): for tests that run it as a command. */
import { main } from '../../src/cli/main.js';

process.exitCode = await main(process.argv);
