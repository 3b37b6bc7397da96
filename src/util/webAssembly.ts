/**
 * The global WebAssembly object, typed: the host tsconfig has no DOM library, so the members the
 * extension uses (the HDF5 worker's module sharing, the download's MD5 kernels) are declared here.
 */

/** A compiled module (opaque: stored, passed between threads, instantiated). */
export type WasmModule = object;

export interface WasmMemory {
  readonly buffer: ArrayBufferLike;
  grow(pages: number): number;
}

interface WebAssemblyApi {
  Memory: new (descriptor: { initial: number; maximum?: number; shared?: boolean }) => WasmMemory;
  Module: new (bytes: Uint8Array) => WasmModule;
  Instance: new (module: WasmModule, imports: object) => { exports: Record<string, unknown> };
  validate(bytes: Uint8Array): boolean;
  instantiate(source: unknown, imports?: object): Promise<unknown>;
}

export const wasm = (globalThis as unknown as { WebAssembly: WebAssemblyApi }).WebAssembly;
