/**
 * A file's columns as a saved model reads them (the batch job's input layout), in memory: for
 * checks of the model's own numbers (ONNX parity, attributions) and for benchmarks. Scoring
 * itself is the batch job.
 */
import { addDerivedFeatures } from '../../src/features/derived.js';
import type { CustomerTable, RawColumn } from '../../src/ingest/table.js';
import { sqlIdent, withDuckDB } from '../../src/io/duckdb.js';
import { withInputFiles } from '../../src/io/input-file.js';
import type { LoadedModel } from '../../src/models/load-model.js';
import { modelMatrix } from '../../src/score/batch/model-matrix.js';
import { inputLayout, openInput } from '../../src/score/input/job-input.js';
import type { FeatureMatrix } from '../../src/data/matrix.js';

export async function readModelInput(loaded: LoadedModel, file: string): Promise<CustomerTable> {
  return withInputFiles([{ path: file, what: 'the input' }], ([input]) => withDuckDB(async (con) => {
    const present = await openInput(con, input, loaded.saved.encoder.role_sums);
    const layout = inputLayout(loaded, present, file);
    const numeric = layout.numeric.map((c) => `TRY_CAST(${sqlIdent(c)} AS DOUBLE)`);
    const text = layout.text.map(({ name }) => `CAST(${sqlIdent(name)} AS VARCHAR)`);
    const id = loaded.saved.scoring.id === null ? 'row_number() OVER ()::VARCHAR' : `CAST(${sqlIdent(loaded.saved.scoring.id)} AS VARCHAR)`;
    const values = (await con.runAndReadAll(`SELECT ${[id, ...numeric, ...text].join(', ')} FROM src`)).getColumnsJS();
    const rows = values[0].length;
    const columns: RawColumn[] = [
      ...layout.numeric.map((name, j): RawColumn => ({ name, kind: 'numeric', values: Float64Array.from(values[1 + j], (v) => (v === null ? Number.NaN : Number(v))) })),
      ...layout.text.map(({ name }, j): RawColumn => ({ name, kind: 'text', values: values[1 + layout.numeric.length + j].map((v) => (v === null ? null : String(v))) })),
    ];
    return addDerivedFeatures({ source: file, rows, ids: values[0].map(String), columns, warnings: [] }, loaded.saved.encoder.roles, loaded.saved.encoder.tenure_unit);
  }));
}

/** The model's feature matrix of a file. */
export async function readModelMatrix(loaded: LoadedModel, file: string): Promise<FeatureMatrix> {
  return modelMatrix(loaded, await readModelInput(loaded, file));
}
