/** Writes schema/config.schema.json from the config's zod schemas, and the README's model parameter table from the models' (npm run schema). */
import { readFileSync, writeFileSync } from 'node:fs';
import { configJsonSchema } from '../src/config/json-schema.js';
import { modelParamsTable, PARAM_TABLE_END, PARAM_TABLE_START } from '../src/models/param-table.js';

writeFileSync('schema/config.schema.json', `${JSON.stringify(configJsonSchema(), null, 2)}\n`);

const readme = readFileSync('README.md', 'utf8');
const start = readme.indexOf(PARAM_TABLE_START);
const end = readme.indexOf(PARAM_TABLE_END);
if (start < 0 || end < start) throw new Error('README.md has no model parameter table markers');
writeFileSync('README.md', readme.slice(0, start) + modelParamsTable() + readme.slice(end + PARAM_TABLE_END.length));
