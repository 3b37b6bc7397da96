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

function plainValues(data: unknown, count: number): ZarrValues {
  if (ArrayBuffer.isView(data) && !(data instanceof DataView)) {
    const name = data.constructor.name;
    if (name === 'Float16Array') return Float32Array.from(data as unknown as ArrayLike<number>);
    return data as Exclude<ZarrValues, string[] | ZarrJson[]>;
  }
  if (data instanceof zarr.BoolArray) {
    const out = new Uint8Array(count);
    for (let i = 0; i < count; i++) out[i] = data.get(i) ? 1 : 0;
    return out;
  }
  if (data instanceof zarr.UnicodeStringArray || data instanceof zarr.ByteStringArray) {
    const out = new Array<string>(count);
    for (let i = 0; i < count; i++) out[i] = data.get(i);
    return out;
  }
  if (Array.isArray(data)) return data as ZarrJson[];
  throw new ZarrError('corrupt', 'zarrita returned values of an unknown kind');
}

/** float16: Node 20 has no Float16Array, so the bits are read as uint16 and widened to float32 here. */
function isFloat16(docs: ArrayDocuments): boolean {
  const dtype = docs.format === 2 ? docs.array.dtype : docs.array.data_type;
  return dtype === '<f2' || dtype === '>f2' || dtype === 'float16';
}

function halfBits(value: ZarrJson): number {
  if (typeof value !== 'number')
    return value === 'NaN' ? 0x7e00 : value === 'Infinity' ? 0x7c00 : value === '-Infinity' ? 0xfc00 : 0;
  const f32 = new Float32Array([value]);
  const bits = new Uint32Array(f32.buffer)[0] as number;
  const sign = (bits >>> 16) & 0x8000;
  const exp = ((bits >>> 23) & 0xff) - 127 + 15;
  const mant = bits & 0x7fffff;
  if (exp <= 0) return sign;
  if (exp >= 31) return sign | 0x7c00;
  return sign | (exp << 10) | (mant >>> 13);
}

function asUint16(docs: ArrayDocuments): ArrayDocuments {
  if (docs.format === 2) {
    const dtype = String(docs.array.dtype).replace('f2', 'u2');
    return { ...docs, array: { ...docs.array, dtype, fill_value: halfBits(docs.array.fill_value ?? 0) } };
  }
  return {
    ...docs,
    array: { ...docs.array, data_type: 'uint16', fill_value: halfBits(docs.array.fill_value ?? 0) },
  };
}

function halfToFloat(bits: Uint16Array): Float32Array {
  const out = new Float32Array(bits.length);
  for (let i = 0; i < bits.length; i++) {
    const h = bits[i] as number;
    const sign = h & 0x8000 ? -1 : 1;
    const exp = (h >> 10) & 0x1f;
    const mant = h & 0x3ff;
    out[i] =
      exp === 0
        ? sign * 2 ** -14 * (mant / 1024)
        : exp === 31
          ? mant
            ? NaN
            : sign * Infinity
          : sign * 2 ** (exp - 15) * (1 + mant / 1024);
  }
  return out;
}

interface Indexable {
  length: number;
  get?(index: number): unknown;
  [index: number]: unknown;
}

/** zarrita answers an F-ordered array with F strides: copy such answers into C order. */
function cOrder<T>(data: T, shape: number[], stride: number[]): T {
  const c = new Array<number>(shape.length);
  let step = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    c[i] = step;
    step *= shape[i] as number;
  }
  if (shape.every((n, i) => n <= 1 || stride[i] === c[i])) return data;
  const source = data as unknown as Indexable;
  const count = step;
  const read =
    typeof source.get === 'function'
      ? (i: number) => (source.get as (i: number) => unknown)(i)
      : (i: number) => source[i];
  const picked = new Array<unknown>(count);
  const index = new Array<number>(shape.length).fill(0);
  for (let n = 0; n < count; n++) {
    let offset = 0;
    for (let d = 0; d < shape.length; d++) offset += (index[d] as number) * (stride[d] as number);
    picked[n] = read(offset);
    for (let d = shape.length - 1; d >= 0; d--) {
      if (++(index[d] as number) < (shape[d] as number)) break;
      index[d] = 0;
    }
  }
  if (ArrayBuffer.isView(data)) {
    const Typed = (data as unknown as { constructor: new (values: unknown[]) => T }).constructor;
    return new Typed(picked);
  }
  if (Array.isArray(data)) return picked as T;
  // zarrita's BoolArray and string arrays take an iterable of their items.
  const Wrapper = (data as unknown as { constructor: new (...args: unknown[]) => T }).constructor;
  const chars = (data as unknown as { chars?: number }).chars;
  return chars === undefined ? new Wrapper(picked) : new Wrapper(chars, picked);
}

/** The chunk key for chunk coordinates, as the array's metadata encodes it. */
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
  const array = await openArray(half ? asUint16(docs) : docs, chunks);
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
    return { shape: [], values };
  }
  const result = await zarr.get(array, slices, { signal: options.signal });
  const ordered = cOrder(result.data, outShape, result.stride);
  const values = half ? halfToFloat(ordered as Uint16Array) : plainValues(ordered, count);
  const kept = outShape.filter((_, dim) => typeof selection[dim] !== 'number');
  return { shape: kept, values };
}
