/** Models trained on the whole Telco sample into `dir`/models, as the scoring tests use them. */
import { parseConfig } from '../../src/config/load.js';
import { addDerivedFeatures } from '../../src/features/derived.js';
import { readCustomerTable } from '../../src/ingest/read-table.js';
import { trainTable } from '../../src/pipeline/train.js';

export async function trainTelcoLogistic(input: string, dir: string, models: ('logistic' | 'random_forest')[] = ['logistic']): Promise<void> {
  const config = parseConfig({
    source: input, id: 'customerID', target: { column: 'Churn', churned: 'Yes' }, duration: 'tenure',
    roles: { tenure: 'tenure', revenue: 'MonthlyCharges', contract: 'Contract' }, models,
    model_params: { random_forest: { trees: 40 } },
  }, 'churnscope.json');
  await trainTable(config, addDerivedFeatures(await readCustomerTable(config), config.roles), dir);
}
