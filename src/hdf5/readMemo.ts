/**
 * The last reads of one file, decoded: the bytes behind a file's identity never change, so a read
 * of the same selection (a view reopened, the same window shown again) is answered without
 * h5wasm decoding its chunks again. Least recently used first out, bounded in bytes.
 */
import type { ReadResult } from './types';

/** What a non-numeric value is taken to hold, for the bound (strings, compounds: a guess). */
const VALUE_BYTES = 64;

export class ReadMemo {
  private readonly results = new Map<string, { result: ReadResult; bytes: number }>();
  private bytes = 0;

  constructor(private readonly maxBytes: number) {}

  /** A copy of the remembered result (callers may transfer or change theirs). */
  get(key: string): ReadResult | undefined {
    const hit = this.results.get(key);
    if (!hit) return undefined;
    this.results.delete(key);
    this.results.set(key, hit);
    return structuredClone(hit.result);
  }

  /** Remembers a copy of `result` when it fits the bound (evicting the least recently read). */
  set(key: string, result: ReadResult): void {
    const bytes = ArrayBuffer.isView(result.data) ? result.data.byteLength : result.data.length * VALUE_BYTES;
    if (bytes > this.maxBytes / 4 || this.results.has(key)) return;
    for (const [old, entry] of this.results) {
      if (this.bytes + bytes <= this.maxBytes) break;
      this.results.delete(old);
      this.bytes -= entry.bytes;
    }
    this.results.set(key, { result: structuredClone(result), bytes });
    this.bytes += bytes;
  }
}
