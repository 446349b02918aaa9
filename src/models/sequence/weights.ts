/**
 * Network weights as JSON: float32 little-endian bytes in base64, whatever the machine's byte
 * order, so a model file reads the same everywhere and the same weights give the same bytes.
 */
import { ModelError } from '../../errors.js';

export interface SavedTensor {
  name: string;
  shape: number[];
  data: string; // base64 of little-endian float32
}

export function encodeFloat32(values: Float32Array): string {
  const bytes = new Uint8Array(values.length * 4);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < values.length; i++) view.setFloat32(i * 4, values[i], true);
  return Buffer.from(bytes).toString('base64');
}

export function decodeFloat32(tensor: SavedTensor): Float32Array {
  const bytes = Buffer.from(tensor.data, 'base64');
  const size = tensor.shape.reduce((a, b) => a * b, 1);
  if (bytes.length !== size * 4) {
    throw new ModelError(`the sequence model's weight "${tensor.name}" holds ${bytes.length} bytes for shape [${tensor.shape.join(', ')}] (expected ${size * 4}): the file is damaged`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Float32Array(size);
  for (let i = 0; i < size; i++) out[i] = view.getFloat32(i * 4, true);
  return out;
}
