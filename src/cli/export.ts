import { readFileSync } from 'node:fs';
import { type Command, Option } from 'commander';
import { exportOnnx } from '../export/onnx.js';
import { isChurnscopeOnnx } from '../export/onnx-schema.js';
import { checkWritable, writeFileAtomic } from '../io/atomic.js';
import { checkApart, checkFileOutput } from '../io/output-guard.js';
import { summary } from '../io/progress.js';
import { loadSavedModel } from '../models/load-model.js';

export function registerExport(program: Command): void {
  program
    .command('export')
    .description('Write a saved logistic, random-forest or gradient-boosting model in a portable format (ONNX), for scoring in Spark, Flink or any ONNX Runtime.')
    .requiredOption('--model <file>', 'saved model (models/<name>.json or models/champion.json)')
    .addOption(new Option('--format <format>', 'output format').choices(['onnx']).makeOptionMandatory())
    .requiredOption('--out <file>', 'file to write (e.g. model.onnx); written under a temporary name and renamed; replaces only an ONNX file churnscope wrote')
    .action(async (opts: { model: string; format: 'onnx'; out: string }) => {
      checkApart([{ path: opts.out, what: 'the ONNX file' }], [{ path: opts.model, what: 'the model' }]);
      checkFileOutput(opts.out, 'ONNX model', (existing) => isChurnscopeOnnx(readFileSync(existing)));
      await checkWritable(opts.out);
      const { saved } = await loadSavedModel(opts.model);
      const bytes = exportOnnx(saved, opts.model);
      await writeFileAtomic(opts.out, bytes);
      summary(`exported ${saved.name} (${saved.kind}, ${saved.features.length} features) as ONNX to ${opts.out} (${bytes.length} bytes)`);
    });
}
