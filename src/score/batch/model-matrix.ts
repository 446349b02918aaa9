/** A table encoded as the model was trained: its encoder, then its features in order. */
import { encode } from '../../data/encoder.js';
import { selectFeatures, type FeatureMatrix } from '../../data/matrix.js';
import type { CustomerTable } from '../../ingest/table.js';
import type { LoadedModel } from '../../models/load-model.js';

export function modelMatrix(loaded: LoadedModel, table: CustomerTable, coded?: ReadonlyMap<string, Int32Array>): FeatureMatrix {
  return selectFeatures(encode(loaded.saved.encoder, table, coded), loaded.saved.features);
}
