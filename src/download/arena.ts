import { wasm, type WasmMemory } from '../util/webAssembly';

/**
 * Write buffers in one shared WebAssembly memory: the hash worker's MD5 kernels read them where
 * the network put them (no copy, no transfer), and their addresses are page-aligned, as direct
 * I/O (O_DIRECT) needs. Slots are reused; the memory grows a slot at a time up to `maxBytes`.
 */

const PAGE = 64 * 1024;
export const SLOT_BYTES = 4 * 1024 * 1024;
/** The first page is the hash worker's scratch (kernel state, padding blocks). */
export const SCRATCH_OFFSET = 0;
const SCRATCH_PAGES = 1;

export class SharedArena {
  readonly memory: WasmMemory;
  readonly maxPages: number;
  private readonly free: number[] = [];
  private readonly slots = new Set<number>();
  /** Every SharedArrayBuffer object the memory has shown (it gives a new one after each growth). */
  private readonly buffers = new WeakSet<ArrayBufferLike>();

  constructor(maxBytes = 2 * 1024 ** 3) {
    this.maxPages = Math.max(SCRATCH_PAGES, Math.floor(maxBytes / PAGE));
    this.memory = new wasm.Memory({ initial: SCRATCH_PAGES, maximum: this.maxPages, shared: true });
  }

  /** A slot of SLOT_BYTES, or undefined when the memory is at its maximum. */
  acquire(): Buffer | undefined {
    let offset = this.free.pop();
    if (offset === undefined) {
      try {
        offset = this.memory.grow(SLOT_BYTES / PAGE) * PAGE;
        this.slots.add(offset);
      } catch {
        return undefined; // at the maximum (or out of address space): the caller does without
      }
    }
    const buffer = this.memory.buffer;
    this.buffers.add(buffer);
    return Buffer.from(buffer, offset, SLOT_BYTES);
  }

  release(slot: Buffer): void {
    const offset = this.offsetOf(slot);
    if (offset === undefined || !this.slots.has(offset) || this.free.includes(offset))
      throw new Error('not a slot of this arena in use');
    this.free.push(offset);
  }

  /** Where `data` starts in the memory, or undefined when it lives elsewhere. */
  offsetOf(data: Uint8Array): number | undefined {
    return this.buffers.has(data.buffer) ? data.byteOffset : undefined;
  }
}
