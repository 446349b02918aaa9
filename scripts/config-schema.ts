/** Writes schema/config.schema.json from the config's zod schemas (npm run schema). */
import { writeFileSync } from 'node:fs';
import { configJsonSchema } from '../src/config/json-schema.js';

writeFileSync('schema/config.schema.json', `${JSON.stringify(configJsonSchema(), null, 2)}\n`);
