/**
 * Raw table columns -> numeric feature matrix. Numbers pass through (blanks/NaN imputed with the
 * training median); strings are one-hot encoded with a cap on levels. The learnt state is saved
 * inside the model file so scoring encodes exactly as training did.
 * (Contract: implemented by the ingest work; see EncoderState.)
 */
export interface NumericEncoding {
  kind: 'numeric';
  column: string; // raw column name (or derived feature name)
  median: number; // training median used for blanks and NaN
}

export interface CategoricalEncoding {
  kind: 'categorical';
  column: string;
  levels: string[]; // one feature per level, named `${column}=${level}`; other levels encode as all zeros
}

export interface EncoderState {
  columns: (NumericEncoding | CategoricalEncoding)[];
  features: string[]; // matrix column order
  derived: string[]; // derived features (from roles) computed before encoding, by catalogue name
  roles: Record<string, string>; // role -> raw column, as configured
}
