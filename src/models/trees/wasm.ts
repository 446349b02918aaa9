/**
 * What the tree walks (the forest's and the boosted trees') need of WebAssembly: a module compiled once per thread, instantiated over
 * a memory laid out by the caller (Node has it all; @types/node 20 does not declare it).
 */
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
  Memory: new (descriptor: { initial: number; maximum?: number; shared?: boolean }) => WasmMemory;
}
/** A WebAssembly.Memory: a shared one's buffer is a SharedArrayBuffer, and growing it leaves earlier views valid. */
export interface WasmMemory {
  readonly buffer: ArrayBuffer | SharedArrayBuffer;
  grow(pages: number): number;
}
const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;
const modules = new Map<string, object>();

export type Kernel = (...args: number[]) => void;

/** A fresh memory of at least `bytes` and the module's exported functions over it; `globals`: numbers the module imports beside the memory. */
export function instantiate(base64: string, bytes: number, globals: Record<string, number> = {}): { buffer: ArrayBuffer; exports: Record<string, Kernel> } {
  const memory = new wasm.Memory({ initial: Math.ceil(bytes / PAGE) });
  return { buffer: memory.buffer as ArrayBuffer, exports: instantiateOver(base64, memory, globals) };
}

/** The module's exported functions over a memory the caller made (one shared between threads, say). */
export function instantiateOver(base64: string, memory: WasmMemory, globals: Record<string, number> = {}): Record<string, Kernel> {
  let module = modules.get(base64);
  if (module === undefined) {
    module = new wasm.Module(Buffer.from(base64, 'base64'));
    modules.set(base64, module);
  }
  return new wasm.Instance(module, { env: { ...globals, memory } }).exports as Record<string, Kernel>;
}

/** Bytes in a WebAssembly page. */
export const PAGE = 65_536;

/** Pages a 32-bit module addresses at most: 4 GiB. */
const MAX_PAGES = 65_536;

/** A memory shared between threads, of `bytes` at first, growable to 4 GiB (a shared memory must declare its maximum). */
export function sharedMemory(bytes: number): WasmMemory {
  return new wasm.Memory({ initial: Math.ceil(bytes / PAGE), maximum: MAX_PAGES, shared: true });
}

/** Lays out regions one after another on 64-byte lines (from 64: address 0 stays unused). */
export class Layout {
  private end = 64;
  place(bytes: number): number {
    const at = this.end;
    this.end = Math.ceil((at + bytes) / 64) * 64;
    return at;
  }
  get size(): number {
    return this.end;
  }
}

/** A thread's one walker per compiled model, made on first use (WebAssembly memories are per thread). */
export function perThread<K extends object, V>(cache: WeakMap<K, V>, key: K, make: (key: K) => V): V {
  let value = cache.get(key);
  if (value === undefined) {
    value = make(key);
    cache.set(key, value);
  }
  return value;
}
