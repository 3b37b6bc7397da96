/**
 * Small whole-array values of a Zarr store kept on disk between opens: hdmf-zarr writes each
 * scalar (session start, identifier, subject fields) and each cached spec file as an array of its
 * own, one object and one round trip each, where an HDF5 file holds them in metadata blocks its
 * metadata cache keeps. With these kept too, reopening a store shows its overview with no request.
 * One JSON file per store identity (the Zarr checksum for archive assets); the folder is bounded,
 * oldest files going first.
 */
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Dtype, H5Value, NumericArray, ReadResult } from '../hdf5/types';

/** Whole arrays up to this many elements are kept (scalars, spec files, short lists)... */
const MAX_ARRAY_ELEMENTS = 4096;
/** ...and reads this small from larger arrays (a series' first and last timestamp), not table pages. */
const MAX_PICK_ELEMENTS = 16;
/** One store's file stays under this (the AIND store's overview values take about 400 KB). */
const MAX_STORE_BYTES = 8 * 1024 * 1024;

interface Stored {
  shape: number[];
  dtype: Dtype;
  /** Typed array name and its values, or the JSON-safe values. */
  typed?: string;
  data: H5Value[] | number[] | string[];
}

const TYPED: Record<string, (values: number[] | string[]) => NumericArray> = {
  Int8Array: v => Int8Array.from(v as number[]),
  Uint8Array: v => Uint8Array.from(v as number[]),
  Int16Array: v => Int16Array.from(v as number[]),
  Uint16Array: v => Uint16Array.from(v as number[]),
  Int32Array: v => Int32Array.from(v as number[]),
  Uint32Array: v => Uint32Array.from(v as number[]),
  Float32Array: v => Float32Array.from(v as number[]),
  Float64Array: v => Float64Array.from(v as number[]),
  BigInt64Array: v => BigInt64Array.from(v as string[], BigInt),
  BigUint64Array: v => BigUint64Array.from(v as string[], BigInt),
};

function toStored(result: ReadResult): Stored {
  if (Array.isArray(result.data)) return { shape: result.shape, dtype: result.dtype, data: result.data };
  const data = result.data;
  const values =
    data instanceof BigInt64Array || data instanceof BigUint64Array
      ? Array.from(data, String)
      : Array.from(data as ArrayLike<number>);
  return { shape: result.shape, dtype: result.dtype, typed: data.constructor.name, data: values };
}

function fromStored(stored: Stored): ReadResult {
  const make = stored.typed ? TYPED[stored.typed] : undefined;
  const data = make ? make(stored.data as number[] | string[]) : (stored.data as H5Value[]);
  return { shape: stored.shape, dtype: stored.dtype, data };
}

export class ValueCache {
  private changed = false;

  private constructor(
    private readonly identity: string,
    private readonly file: string | null,
    private readonly entries: Map<string, Stored>,
    private readonly folder: { dir: string; maxBytes: number } | null,
  ) {}

  /** A cache that keeps nothing between opens (no folder, or a store without a stable identity). */
  static none(): ValueCache {
    return new ValueCache('', null, new Map(), null);
  }

  static async load(dir: string, identity: string, maxBytes: number): Promise<ValueCache> {
    const file = join(dir, `${createHash('sha256').update(identity).digest('hex').slice(0, 32)}.json`);
    const entries = new Map<string, Stored>();
    try {
      const parsed = JSON.parse(await readFile(file, 'utf8')) as {
        identity?: string;
        values?: Record<string, Stored>;
      };
      if (parsed.identity === identity)
        for (const [k, v] of Object.entries(parsed.values ?? {})) entries.set(k, v);
    } catch {
      // none yet, or unreadable: start empty
    }
    return new ValueCache(identity, file, entries, { dir, maxBytes });
  }

  /** `key` names the array and the selection read from it. */
  get(key: string): ReadResult | undefined {
    const stored = this.entries.get(key);
    return stored ? fromStored(stored) : undefined;
  }

  /** Keeps a read when small enough: all of a small array, or a few elements of a larger one. */
  put(key: string, arrayElements: number, result: ReadResult): void {
    if (!this.file) return;
    const read = result.data.length;
    if (arrayElements > MAX_ARRAY_ELEMENTS && read > MAX_PICK_ELEMENTS) return;
    this.entries.set(key, toStored(result));
    this.changed = true;
  }

  /** Writes what was added since the load, then trims the folder to its bound. */
  async save(): Promise<void> {
    if (!this.file || !this.folder || !this.changed) return;
    const text = JSON.stringify({ identity: this.identity, values: Object.fromEntries(this.entries) });
    if (text.length > MAX_STORE_BYTES) return;
    await mkdir(this.folder.dir, { recursive: true });
    await writeFile(this.file, text);
    this.changed = false;
    await trim(this.folder.dir, this.folder.maxBytes);
  }
}

/** Deletes the least recently written files until the folder fits `maxBytes`. */
async function trim(dir: string, maxBytes: number): Promise<void> {
  const files = await Promise.all(
    (await readdir(dir))
      .filter(n => n.endsWith('.json'))
      .map(async name => ({ name, ...(await stat(join(dir, name))) })),
  );
  let total = files.reduce((sum, f) => sum + f.size, 0);
  for (const f of files.sort((a, b) => a.mtimeMs - b.mtimeMs)) {
    if (total <= maxBytes) break;
    await rm(join(dir, f.name), { force: true });
    total -= f.size;
  }
}
