/**
 * h5wasm's low-level module and what every call into it shares: allocation in its heap, reads
 * with the error handler paused, freeing what HDF5 allocated for vlen values, and telling HDF5's
 * own errors (the module stays usable) from traps.
 */
import type { Metadata, Module as ModuleValue } from 'h5wasm';
import { Hdf5Error } from './types';

/** h5wasm's low-level module (its typings export only the value). */
export type H5Module = typeof ModuleValue;

export function malloc(m: H5Module, nbytes: number): number {
  const ptr = m._malloc(Math.max(1, nbytes));
  if (ptr === 0) throw new Hdf5Error('too-large', `cannot allocate ${nbytes} bytes in the HDF5 worker`);
  return ptr;
}

/**
 * h5wasm reads a big-endian attribute or dataset by setting its copy of the type to little-endian, which
 * HDF5 refuses for enums ("operation not allowed after enum members are defined"; h5py writes
 * bool attributes as big-endian int8 enums on s390x). That refusal is harmless: HDF5 then reads
 * the rest as stored (swapLeftBigEndian swaps it), so the error handler is paused around the
 * call. The read's own status still tells a real failure.
 */
export function readQuietly(m: H5Module, what: string, get: () => number): void {
  m.deactivate_throwing_error_handler();
  let status: number;
  try {
    status = get();
  } finally {
    m.activate_throwing_error_handler();
  }
  if (status < 0) throw new Error(`HDF5-DIAG: cannot read the big-endian ${what}`);
}

/**
 * Frees the strings HDF5 malloc'ed for a vlen string read (what H5Treclaim does for them), here
 * rather than through reclaim_vlen_memory, which opens the attribute by path once more: NWB
 * objects carry several string attributes each, and that was one call in six of a walk.
 */
export function freeStrings(m: H5Module, bytes: Uint8Array, pointerSize: number): void {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let at = 0; at + pointerSize <= bytes.length; at += pointerSize) {
    const pointer = view.getUint32(at, true);
    if (pointer !== 0) m._free(pointer);
  }
}

export function hasVlen(meta: Metadata): boolean {
  if (meta.vlen || meta.type === 9) return true;
  if (meta.compound_type) return meta.compound_type.members.some(hasVlen);
  if (meta.array_type) return hasVlen(meta.array_type);
  return false;
}

/** Errors HDF5 itself raised (the module stays usable), not traps or aborts. */
export function isLibraryError(error: unknown): boolean {
  const text = error instanceof Error ? error.message : String(error);
  return /^HDF5-DIAG|^error - /.test(text) && !(error instanceof Error && error.name === 'RuntimeError');
}

/** The most specific line of an HDF5 error stack. */
export function firstDiagnostic(text: string): string {
  const frames = [...text.matchAll(/#\d+: \S+ line \d+ in [\w_]+\(\): (.*)/g)];
  const line = frames.length > 0 ? frames[frames.length - 1][1] : text.split('\n')[0];
  return line.trim().slice(0, 300);
}
