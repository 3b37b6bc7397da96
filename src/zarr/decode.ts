/**
 * Reading a selection of one array with zarrita, given the array's metadata documents and a way
 * to fetch chunk bytes. The same code runs in the decode worker (chunk bytes asked of the host)
 * and in-process (the command-line tools). Values come back C-ordered with the selection's shape,
 * indexed dimensions dropped.
 */
import * as zarr from 'zarrita';
import { registerCodecs } from './codecs';
import { ZarrError } from './errors';
import type { ByteRange } from './stores';
import { asUint16, cOrder, halfToFloat, isFloat16, plainValues } from './values';
import type { ZarrJson, ZarrSelection, ZarrValues } from './types';

/** The metadata documents of one array: `.zarray` (+ `.zattrs`) for v2, `zarr.json` for v3. */
export interface ArrayDocuments {
  path: string;
  format: 2 | 3;
  array: { [key: string]: ZarrJson };
  attributes?: { [key: string]: ZarrJson };
}

/** Where chunk bytes come from: a store, or the host asked from the worker. Keys have no leading slash. */
export interface ChunkSource {
  get(key: string, signal?: AbortSignal): Promise<Uint8Array | undefined>;
  getRange(key: string, range: ByteRange, signal?: AbortSignal): Promise<Uint8Array | undefined>;
}

export interface DecodeResult {
  shape: number[];
  values: ZarrValues;
  /** Chunks (or shards) the store does not hold: their part of the values is the fill value. */
  missingChunks: number;
}

/** Bytes per element for the cap (object and string items counted at 16). */
function itemBytes(dtype: string): number {
  const v2 = /^[<>|]?[iufb](\d+)$/.exec(dtype);
  if (v2) return Number(v2[1]);
  const v3 = /^(?:u?int|float)(\d+)$/.exec(dtype);
  if (v3) return Number(v3[1]) / 8;
  if (dtype === 'bool') return 1;
  const text = /^[<>|]?[SU](\d+)$/.exec(dtype);
  if (text) return Number(text[1]) * (dtype.includes('U') ? 4 : 1);
  return 16;
}

/** The selection as zarrita's (indices become one-element slices, dropped afterwards). */
function toZarrita(selection: ZarrSelection, shape: number[], path: string): (zarr.Slice | null)[] {
  if (selection.length > shape.length)
    throw new ZarrError('selection', `${path}: ${selection.length} dimensions selected of ${shape.length}`);
  return shape.map((size, dim) => {
    const s = selection[dim] ?? null;
    if (s === null) return null;
    if (typeof s === 'number') {
      const index = s < 0 ? size + s : s;
      if (!Number.isInteger(index) || index < 0 || index >= size)
        throw new ZarrError('selection', `${path}: index ${s} is outside dimension ${dim} of size ${size}`);
      return zarr.slice(index, index + 1);
    }
    if (s.start < 0 || s.stop > size || s.start > s.stop || (s.step !== undefined && s.step < 1))
      throw new ZarrError(
        'selection',
        `${path}: [${s.start}, ${s.stop}) is outside dimension ${dim} of size ${size}`,
      );
    return zarr.slice(s.start, s.stop, s.step ?? 1);
  });
}

function selectedShape(selection: (zarr.Slice | null)[], shape: number[]): number[] {
  return shape.map((size, dim) => {
    const s = selection[dim];
    if (!s) return size;
    const start = s.start ?? 0;
    const stop = s.stop ?? size;
    const step = s.step ?? 1;
    return Math.max(0, Math.ceil((stop - start) / step));
  });
}

function chunkKeyEncoder(docs: ArrayDocuments): (coords: number[]) => string {
  if (docs.format === 2) {
    const sep = docs.array.dimension_separator === '/' ? '/' : '.';
    return coords => coords.join(sep) || '0';
  }
  const encoding = docs.array.chunk_key_encoding as {
    name?: string;
    configuration?: { separator?: string };
  } | null;
  if (encoding?.name === 'v2') {
    const sep = encoding.configuration?.separator ?? '.';
    return coords => coords.join(sep) || '0';
  }
  const sep = encoding?.configuration?.separator ?? '/';
  return coords => ['c', ...coords].join(sep);
}

async function openArray(docs: ArrayDocuments, chunks: ChunkSource) {
  registerCodecs();
  const prefix = docs.path ? `/${docs.path}/` : '/';
  const metadata = new Map<string, Uint8Array>();
  const encode = (doc: object) => new TextEncoder().encode(JSON.stringify(doc));
  if (docs.format === 2) {
    metadata.set(`${prefix}.zarray`, encode(docs.array));
    metadata.set(`${prefix}.zattrs`, encode(docs.attributes ?? {}));
  } else {
    metadata.set(`${prefix}zarr.json`, encode(docs.array));
  }
  const store = {
    get: (key: `/${string}`, opts?: { signal?: AbortSignal }): Promise<Uint8Array | undefined> => {
      const known = metadata.get(key);
      if (known) return Promise.resolve(known);
      if (key.startsWith(prefix) && /(^|\/)(\.z\w+|zarr\.json)$/.test(key)) return Promise.resolve(undefined);
      return chunks.get(key.slice(1), opts?.signal);
    },
    getRange: (key: `/${string}`, range: ByteRange, opts?: { signal?: AbortSignal }) =>
      chunks.getRange(key.slice(1), range, opts?.signal),
  };
  const location = new zarr.Location(store, (docs.path ? `/${docs.path}` : '/') as `/${string}`);
  try {
    return docs.format === 2
      ? await zarr.open.v2(location, { kind: 'array' })
      : await zarr.open.v3(location, { kind: 'array' });
  } catch (error) {
    throw new ZarrError('metadata', `${docs.path || '/'}: ${(error as Error).message}`);
  }
}

/** Chunks fetched and decoded at once: zarrita's own queue starts every chunk of a selection together. */
const CHUNKS_IN_FLIGHT = 8;

function boundedQueue(limit: number): zarr.GetOptions['createQueue'] {
  return () => {
    let active = 0;
    const waiting: (() => void)[] = [];
    const all: Promise<void>[] = [];
    const acquire = () =>
      active < limit ? (active++, Promise.resolve()) : new Promise<void>(resolve => waiting.push(resolve));
    // A waiting task takes the slot over; the count drops only when nobody waits.
    const release = () => (waiting.length ? (waiting.shift() as () => void)() : active--);
    return {
      add: fn => void all.push(acquire().then(fn).finally(release)),
      onIdle: () => Promise.all(all),
    };
  };
}

function describe(error: unknown): string {
  const parts: string[] = [];
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 4; e = e.cause, depth++)
    parts.push(e.message);
  return parts.join(': ');
}

/** Reads `selection` of the array; a chunk that does not decode fails naming its key. */
export async function decodeSelection(
  docs: ArrayDocuments,
  selection: ZarrSelection,
  chunks: ChunkSource,
  options: { signal?: AbortSignal; maxBytes: number },
): Promise<DecodeResult> {
  const half = isFloat16(docs);
  let missingChunks = 0;
  const counted: ChunkSource = {
    get: async (key, signal) => {
      const bytes = await chunks.get(key, signal);
      if (!bytes) missingChunks++;
      return bytes;
    },
    getRange: async (key, range, signal) => {
      const bytes = await chunks.getRange(key, range, signal);
      // A shard's index is read first (a suffix range): count a missing shard once.
      if (!bytes && 'suffixLength' in range) missingChunks++;
      return bytes;
    },
  };
  const array = await openArray(half ? asUint16(docs) : docs, counted);
  const shape = array.shape;
  const slices = toZarrita(selection, shape, docs.path || '/');
  const outShape = selectedShape(slices, shape);
  const count = outShape.reduce((a, b) => a * b, 1);
  const bytes = count * itemBytes(array.dtype.replace(/^v2:/, ''));
  if (bytes > options.maxBytes)
    throw new ZarrError(
      'too-large',
      `${docs.path || '/'}: the selection holds ${count.toLocaleString('en-US')} values (about ` +
        `${Math.ceil(bytes / 1048576)} MiB), more than the ${Math.floor(options.maxBytes / 1048576)} MiB a read may take; select fewer`,
    );
  const keyOf = chunkKeyEncoder(docs);
  const prefix = docs.path ? `${docs.path}/` : '';
  const getChunk = array.getChunk.bind(array);
  array.getChunk = async (coords, opts, more) => {
    try {
      return await getChunk(coords, opts, more);
    } catch (error) {
      if (error instanceof ZarrError) throw error;
      if (opts?.signal?.aborted) throw new ZarrError('aborted', 'the read was cancelled');
      throw new ZarrError('corrupt', `chunk ${prefix}${keyOf(coords)} does not decode: ${describe(error)}`);
    }
  };
  if (shape.length === 0) {
    const value: unknown = await zarr.get(array, null, { signal: options.signal });
    const values: ZarrValues =
      typeof value === 'bigint'
        ? BigInt64Array.of(value)
        : typeof value === 'number'
          ? Float64Array.of(value)
          : typeof value === 'boolean'
            ? Uint8Array.of(value ? 1 : 0)
            : [value as ZarrJson];
    return { shape: [], values, missingChunks };
  }
  const result = await zarr.get(array, slices, {
    signal: options.signal,
    createQueue: boundedQueue(CHUNKS_IN_FLIGHT),
  });
  const ordered = cOrder(result.data, outShape, result.stride);
  const values = half ? halfToFloat(ordered as Uint16Array) : plainValues(ordered, count);
  const kept = outShape.filter((_, dim) => typeof selection[dim] !== 'number');
  return { shape: kept, values, missingChunks };
}
