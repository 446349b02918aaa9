/**
 * Streams a DuckDB query into an Arrow IPC file a record batch at a time, so an Arrow list of the
 * whole base takes no more memory than a batch. Numbers, flags and validity are copied from
 * DuckDB's vectors (its validity bits are Arrow's, least significant bit first); ENUM columns (the
 * list's words) become dictionary columns over the ENUM's values, their codes copied as they are;
 * free text (ids, segments) goes over as its UTF-8 bytes.
 */
import { createWriteStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import duckdb from '@duckdb/node-bindings';
import { DuckDBEnumType, DuckDBTypeId, type DuckDBConnection, type DuckDBDataChunk, type DuckDBType } from '@duckdb/node-api';
import {
  Bool, Dictionary, Field, Float64, Int32, makeData, RecordBatch, RecordBatchFileWriter, Schema, Struct, Utf8, vectorFromArray,
  type Data, type DataType, type Vector,
} from 'apache-arrow';
import { ChurnscopeError } from '../errors.js';

/** Rows per record batch: large enough that per-batch overhead vanishes, small next to the base. */
const BATCH_ROWS = 65_536;
/** The most rows a DuckDB chunk holds: a batch holds at least one chunk. */
const CHUNK_ROWS = 2048;

/** One output column: fills from chunks, then yields its Arrow data for the batch and starts over. */
interface ColumnSink {
  field: Field;
  append(chunk: DuckDBDataChunk, column: number, at: number): void;
  take(rows: number): Data;
}

class ValidityBits {
  private bits: Uint8Array;
  private nulls = 0;

  constructor(private readonly capacity: number) {
    this.bits = new Uint8Array(Math.ceil(capacity / 8));
  }

  /** Copies a chunk's validity to rows at..at+n; returns DuckDB's mask, or null when all are valid. */
  append(vector: duckdb.Vector, at: number, n: number): Uint8Array | null {
    const given = duckdb.vector_get_validity(vector, Math.ceil(n / 64) * 8);
    const mask = given === null || given === undefined || given.length === 0 ? null : given;
    const all = mask === null;
    if (all && at % 8 === 0) {
      this.bits.fill(0xff, at / 8, Math.ceil((at + n) / 8));
      return null;
    }
    for (let i = 0; i < n; i++) {
      const r = at + i;
      if (mask === null || (mask[i >> 3] & (1 << (i & 7))) !== 0) this.bits[r >> 3] |= 1 << (r & 7);
      else {
        this.bits[r >> 3] &= ~(1 << (r & 7));
        this.nulls++;
      }
    }
    return mask;
  }

  take(rows: number): { nullBitmap: Uint8Array | undefined; nullCount: number } {
    const out = this.nulls === 0 ? undefined : this.bits.slice(0, Math.ceil(rows / 8));
    const nullCount = this.nulls;
    this.bits = new Uint8Array(Math.ceil(this.capacity / 8));
    this.nulls = 0;
    return { nullBitmap: out, nullCount };
  }
}

/**
 * A fixed-width column: `read` views a chunk's DuckDB bytes as numbers, gathered into a typed
 * array of the batch's rows; `finish` turns that into the Arrow buffers (by default as it is).
 */
function fixedSink<T extends DataType, A extends Int32Array | Float64Array | Uint8Array>(
  capacity: number, field: Field<T>, width: number, make: (n: number) => A, read: (bytes: Uint8Array, n: number) => ArrayLike<number>,
  finish: (data: A, rows: number) => { data: A | Uint8Array; dictionary?: Vector } = (data, rows) => ({ data: data.subarray(0, rows) as A }),
): ColumnSink {
  let values = make(capacity);
  const validity = new ValidityBits(capacity);
  return {
    field,
    append(chunk, column, at) {
      const n = chunk.rowCount;
      const vector = duckdb.data_chunk_get_vector(chunk.chunk, column);
      values.set(read(duckdb.vector_get_data(vector, n * width), n), at);
      const mask = validity.append(vector, at, n);
      // Under a NULL, DuckDB's vector holds whatever its memory held: zeros, so the bytes are the same every run.
      if (mask !== null) for (let i = 0; i < n; i++) if ((mask[i >> 3] & (1 << (i & 7))) === 0) values[at + i] = 0;
    },
    take(rows) {
      const { data, dictionary } = finish(values, rows);
      const made = makeData({ type: field.type, length: rows, ...validity.take(rows), data, ...(dictionary === undefined ? {} : { dictionary }) } as Parameters<typeof makeData>[0]);
      values = make(capacity);
      return made as Data;
    },
  };
}

/**
 * Text as Arrow wants it, UTF-8 bytes end to end and offsets, copied from DuckDB's 16-byte string
 * entries (up to 12 bytes inline, else a pointer read natively): no JavaScript string per value.
 */
function textSink(capacity: number, field: Field<Utf8>): ColumnSink {
  const validity = new ValidityBits(capacity);
  let offsets = new Int32Array(capacity + 1);
  let bytes = new Uint8Array(capacity * 16);
  let used = 0;
  return {
    field,
    append(chunk, column, at) {
      const n = chunk.rowCount;
      const vector = duckdb.data_chunk_get_vector(chunk.chunk, column);
      const entries = duckdb.vector_get_data(vector, n * 16);
      const lengths = new DataView(entries.buffer, entries.byteOffset, n * 16);
      const mask = validity.append(vector, at, n);
      for (let i = 0; i < n; i++) {
        const valid = mask === null || (mask[i >> 3] & (1 << (i & 7))) !== 0;
        const length = valid ? lengths.getUint32(16 * i, true) : 0;
        if (used + length > bytes.length) {
          const grown = new Uint8Array(Math.max(2 * bytes.length, used + length));
          grown.set(bytes.subarray(0, used));
          bytes = grown;
        }
        if (length > 12) bytes.set(duckdb.get_data_from_pointer(entries.buffer as ArrayBuffer, entries.byteOffset + 16 * i + 8, length), used);
        else if (length > 0) bytes.set(entries.subarray(16 * i + 4, 16 * i + 4 + length), used);
        used += length;
        offsets[at + i + 1] = used;
      }
    },
    take(rows) {
      const data = makeData({ type: field.type, length: rows, ...validity.take(rows), valueOffsets: offsets.subarray(0, rows + 1), data: bytes.subarray(0, used) });
      offsets = new Int32Array(capacity + 1);
      bytes = new Uint8Array(bytes.length);
      used = 0;
      return data;
    },
  };
}

const view = <T>(bytes: Uint8Array, Kind: { new (buffer: ArrayBufferLike, offset: number, length: number): T; BYTES_PER_ELEMENT: number }, n: number): T =>
  new Kind(bytes.buffer, bytes.byteOffset, n);

/** `column`: the column's position, which is also its dictionary's id (apache-arrow's default id counts up per process). */
function sinkFor(name: string, type: DuckDBType, capacity: number, column: number): ColumnSink {
  switch (type.typeId) {
    case DuckDBTypeId.INTEGER:
      return fixedSink(capacity, new Field(name, new Int32(), true), 4, (n) => new Int32Array(n), (b, n) => view(b, Int32Array, n));
    case DuckDBTypeId.DOUBLE:
      return fixedSink(capacity, new Field(name, new Float64(), true), 8, (n) => new Float64Array(n), (b, n) => view(b, Float64Array, n));
    case DuckDBTypeId.BOOLEAN:
      // DuckDB keeps a byte per flag, Arrow a bit.
      return fixedSink(capacity, new Field(name, new Bool(), true), 1, (n) => new Uint8Array(n), (b, n) => b.subarray(0, n), (bytes, rows) => {
        const bits = new Uint8Array(Math.ceil(rows / 8));
        for (let i = 0; i < rows; i++) if (bytes[i] !== 0) bits[i >> 3] |= 1 << (i & 7);
        return { data: bits };
      });
    case DuckDBTypeId.ENUM: {
      const enumType = type as DuckDBEnumType;
      const dictionary = vectorFromArray(enumType.values as string[], new Utf8());
      // An ENUM's codes are 1, 2 or 4 bytes, by its number of values.
      const width = enumType.internalTypeId === DuckDBTypeId.UTINYINT ? 1 : enumType.internalTypeId === DuckDBTypeId.USMALLINT ? 2 : 4;
      return fixedSink(
        capacity, new Field(name, new Dictionary(new Utf8(), new Int32(), column), true), width, (n) => new Int32Array(n),
        (b, n) => (width === 1 ? b.subarray(0, n) : width === 2 ? view(b, Uint16Array, n) : view(b, Uint32Array, n)),
        (codes, rows) => ({ data: codes.subarray(0, rows), dictionary }),
      );
    }
    case DuckDBTypeId.VARCHAR:
      return textSink(capacity, new Field(name, new Utf8(), true));
    default:
      throw new ChurnscopeError('io', `a ${String(type)} column has no Arrow form here`, { column: name });
  }
}

/** Writes `select`'s rows to `file` as an Arrow IPC file, in record batches of up to `batchRows`; returns the rows written. */
export async function copyToArrow(con: DuckDBConnection, select: string, file: string, batchRows = BATCH_ROWS): Promise<number> {
  const capacity = Math.max(batchRows, CHUNK_ROWS);
  const result = await con.stream(select);
  const names = result.columnNames();
  const sinks = result.columnTypes().map((t, j) => sinkFor(names[j], t, capacity, j));
  const schema = new Schema(sinks.map((s) => s.field));
  const writer = new RecordBatchFileWriter();
  const written = pipeline(writer.toNodeStream(), createWriteStream(file));
  const flush = (rows: number): void => {
    const children = sinks.map((s) => s.take(rows));
    writer.write(new RecordBatch(schema, makeData({ type: new Struct(schema.fields), length: rows, nullCount: 0, children })));
  };
  let total = 0;
  let pending = 0;
  let batches = 0;
  for (let chunk = await result.fetchChunk(); chunk !== null && chunk.rowCount > 0; chunk = await result.fetchChunk()) {
    if (pending + chunk.rowCount > capacity) {
      flush(pending);
      batches++;
      pending = 0;
    }
    for (let j = 0; j < sinks.length; j++) sinks[j].append(chunk, j, pending);
    pending += chunk.rowCount;
    total += chunk.rowCount;
  }
  if (pending > 0 || batches === 0) flush(pending); // an empty list still carries its schema
  writer.finish();
  await written;
  return total;
}
