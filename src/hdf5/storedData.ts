/**
 * A dataset's elements as stored in the file, for the types h5wasm cannot read: it always asks
 * libhdf5 to convert a big-endian type to little-endian, and libhdf5 has no conversion for
 * H5T_TIME ("no appropriate function for conversion path"), while h5py reads such data with the
 * file type as memory type, i.e. its bytes. The storage (compact, contiguous or chunked, with
 * deflate, shuffle and fletcher32) is found from the object header (format/storedLayout.ts,
 * chunkIndex.ts) and only the selected elements' bytes are read.
 */
import type { Metadata } from 'h5wasm';
import { inflateSync } from 'node:zlib';
import { swapStoredBigEndian } from './byteOrder';
import { checkedFletcher32, DEFLATE, FLETCHER32, SHUFFLE, unshuffle } from './chunkFilters';
import { chunkLookup, type ChunkGeometry } from './chunkIndex';
import {
  openStoredFile,
  readBlock,
  readStoredAttribute,
  readStoredLayout,
  UNDEFINED,
  type PipelineFilter,
  type ReadAt,
  type StoredLayout,
} from './format/storedLayout';
import { Hdf5Error } from './types';

/** An object of the file: its header's address, relative to the superblock. */
interface StoredObject {
  readAt: ReadAt;
  /** Where the superblock is (addresses count from there). */
  base: number;
  objectAddress: number;
}

/** What reading an object's stored bytes needs from the worker. */
export interface StoredAccess extends StoredObject {
  /** Whether a byte fetch failed (that failure is the error, not what the parser made of it). */
  fetchFailed(): boolean;
}

interface StoredRead extends StoredObject, Selection {
  shape: number[];
  /** Its maximum shape; null entries (or an absent list) for unlimited dimensions. */
  maxshape: (number | null)[] | null;
  elementSize: number;
}

/** The selected elements of the dataset at `path` (of type `meta`), numbers in memory order. */
export function storedDatasetBytes(
  access: StoredAccess,
  path: string,
  meta: Metadata,
  selection: Selection,
): Uint8Array {
  return guarded(access, path, meta, () =>
    readStoredElements({
      ...access,
      ...selection,
      shape: meta.shape ?? [],
      maxshape: meta.maxshape ?? null,
      elementSize: meta.size,
    }),
  );
}

/** The `nbytes` bytes of the attribute `name` of the object at `path`, numbers in memory order. */
export function storedAttributeBytes(
  access: StoredAccess,
  path: string,
  meta: Metadata,
  name: string,
  nbytes: number,
): Uint8Array {
  return guarded(access, path, meta, () =>
    readStoredAttribute(
      openStoredFile(access.readAt, access.base),
      access.objectAddress,
      name,
      nbytes,
    ).slice(),
  );
}

/** The bytes `read` gets, big-endian numbers swapped; a parser's failure as a clear Hdf5Error. */
function guarded(access: StoredAccess, path: string, meta: Metadata, read: () => Uint8Array): Uint8Array {
  if (holdsVlen(meta))
    throw new Hdf5Error('unsupported-layout', `${path}: variable-length big-endian time data cannot be read`);
  let bytes: Uint8Array;
  try {
    bytes = read();
  } catch (error) {
    // A field past a block's end (a damaged header) must not pass for a crash of the library.
    if (error instanceof Hdf5Error || access.fetchFailed()) throw error;
    throw new Hdf5Error('corrupt', `${path}: the stored data cannot be read: ${(error as Error).message}`);
  }
  swapStoredBigEndian(bytes, meta);
  return bytes;
}

function holdsVlen(meta: Metadata): boolean {
  if (meta.vlen || meta.type === 9) return true;
  if (meta.compound_type) return meta.compound_type.members.some(holdsVlen);
  return meta.array_type ? holdsVlen(meta.array_type) : false;
}

/** The selected elements as stored, row-major over `count`. */
function readStoredElements(read: StoredRead): Uint8Array {
  const file = openStoredFile(read.readAt, read.base);
  const rank = read.shape.length;
  const stored = readStoredLayout(file, read.objectAddress, rank);
  const size = read.elementSize;
  const total = read.count.reduce((a, b) => a * b, 1);
  const out = new Uint8Array(total * size);
  if (total === 0) return out;
  const layout = stored.layout;
  // A scalar is a block of one element.
  const shape = rank === 0 ? [1] : read.shape;
  const selection = rank === 0 ? { start: [0], count: [1], stride: [1] } : read;
  if (layout.kind === 'compact') {
    const data = layout.data;
    if (data.length < shape.reduce((a, b) => a * b, 1) * size)
      throw new Hdf5Error('corrupt', 'the compact data is shorter than the dataset');
    copyBlock(selection, shape, new Array(shape.length).fill(0), size, out, (at, n) =>
      data.subarray(at, at + n),
    );
    return out;
  }
  if (layout.kind === 'contiguous') {
    if (layout.address === UNDEFINED) return filled(out, stored, size);
    copyBlock(selection, shape, new Array(shape.length).fill(0), size, out, (at, n) =>
      readBlock(file, layout.address + at, n),
    );
    return out;
  }
  const dims = rank === 0 ? [1] : layout.dims;
  if (layout.index.kind !== 'unsupported' && dims.length !== shape.length)
    throw new Hdf5Error(
      'corrupt',
      `the chunk shape has ${dims.length} dimensions, the dataset ${shape.length}`,
    );
  const chunkBytes = dims.reduce((a, b) => a * b, 1) * size;
  const last = (d: number) => selection.start[d] + (selection.count[d] - 1) * selection.stride[d];
  const geometry: ChunkGeometry = {
    dims,
    chunkBytes,
    extent: shape.map((n, d) => {
      const max = rank === 0 ? 1 : read.maxshape?.[d];
      return typeof max === 'number' && Number.isFinite(max) && max < 2 ** 53 ? max : n;
    }),
    firstRows: [selection.start[0], last(0)],
  };
  const lookup = chunkLookup(file, layout.index, geometry);
  const fill = fillChunk(stored, size, chunkBytes);
  for (const origin of chunkOrigins(selection, dims)) {
    const place = lookup(origin);
    if (place && (place.size > MAX_CHUNK_BYTES || (stored.filters.length === 0 && place.size !== chunkBytes)))
      throw new Hdf5Error('corrupt', `the chunk at ${origin.join(', ')} claims ${place.size} bytes`);
    const bytes = place
      ? decodeChunk(readBlock(file, place.address, place.size), stored.filters, place.filterMask, size)
      : fill;
    if (bytes.length < chunkBytes)
      throw new Hdf5Error(
        'corrupt',
        `a chunk at ${origin.join(', ')} holds ${bytes.length} of its ${chunkBytes} bytes`,
      );
    copyBlock(selection, dims, origin, size, out, (at, n) => bytes.subarray(at, at + n));
  }
  return out;
}

interface Selection {
  start: number[];
  count: number[];
  stride: number[];
}

/** The first elements of the chunks holding at least one selected element. */
function* chunkOrigins(selection: Selection, dims: number[]): Generator<number[]> {
  const perDim = dims.map((c, d) => {
    const origins: number[] = [];
    for (let k = 0; k < selection.count[d]; k++) {
      const origin = Math.floor((selection.start[d] + k * selection.stride[d]) / c) * c;
      if (origins[origins.length - 1] !== origin) origins.push(origin);
    }
    return origins;
  });
  const at = dims.map(() => 0);
  for (;;) {
    yield at.map((i, d) => perDim[d][i]);
    let d = dims.length - 1;
    for (; d >= 0; d--) {
      if (++at[d] < perDim[d].length) break;
      at[d] = 0;
    }
    if (d < 0) return;
  }
}

/**
 * Copies the selected elements inside one block (a chunk, or the whole dataset) of shape
 * `dims` whose first element is at `origin` into their places in `out`. `bytesAt(at, n)` gives
 * n bytes of the block from byte `at`; it is asked once per run of selected rows.
 */
function copyBlock(
  selection: Selection,
  dims: number[],
  origin: number[],
  size: number,
  out: Uint8Array,
  bytesAt: (at: number, n: number) => Uint8Array,
): void {
  const rank = dims.length;
  // Per dimension: the selected indices inside the block, as (index in the output, in the block).
  const hits = dims.map((n, d) => {
    const list: [number, number][] = [];
    const { start, stride, count } = selection;
    const first = Math.max(0, Math.ceil((origin[d] - start[d]) / stride[d]));
    for (let k = first; k < count[d]; k++) {
      const at = start[d] + k * stride[d] - origin[d];
      if (at >= n) break;
      list.push([k, at]);
    }
    return list;
  });
  if (hits.some(h => h.length === 0)) return;
  const blockStrides = stridesOf(dims);
  const outStrides = stridesOf(selection.count);
  const lastHits = hits[rank - 1];
  const runFrom = lastHits[0][1];
  const runLength = lastHits[lastHits.length - 1][1] - runFrom + 1;
  const at = hits.map(() => 0);
  for (;;) {
    let blockAt = 0;
    let outAt = 0;
    for (let d = 0; d < rank - 1; d++) {
      blockAt += hits[d][at[d]][1] * blockStrides[d];
      outAt += hits[d][at[d]][0] * outStrides[d];
    }
    const run = bytesAt((blockAt + runFrom) * size, runLength * size);
    for (const [k, inBlock] of lastHits) {
      const from = (inBlock - runFrom) * size;
      out.set(run.subarray(from, from + size), (outAt + k) * size);
    }
    let d = rank - 2;
    for (; d >= 0; d--) {
      if (++at[d] < hits[d].length) break;
      at[d] = 0;
    }
    if (d < 0) return;
  }
}

function stridesOf(shape: number[]): number[] {
  const strides = new Array<number>(shape.length).fill(1);
  for (let d = shape.length - 2; d >= 0; d--) strides[d] = strides[d + 1] * shape[d + 1];
  return strides;
}

function fillChunk(stored: StoredLayout, size: number, bytes: number): Uint8Array {
  return filled(new Uint8Array(bytes), stored, size);
}

/** `out` filled with the fill value (zeros when there is none), as libhdf5 reads unwritten data. */
function filled(out: Uint8Array, stored: StoredLayout, size: number): Uint8Array {
  const fill = stored.fill;
  if (fill && fill.length === size && fill.some(b => b !== 0))
    for (let at = 0; at + size <= out.length; at += size) out.set(fill, at);
  return out;
}

/** No chunk is larger (libhdf5 limits chunks to 4 GiB; the worker's heap is 2 GiB). */
const MAX_CHUNK_BYTES = 1024 * 1024 * 1024;

/** Undoes the pipeline's filters, last first, skipping those the chunk's mask says were skipped. */
function decodeChunk(bytes: Uint8Array, filters: PipelineFilter[], mask: number, size: number): Uint8Array {
  let data = bytes;
  for (let i = filters.length - 1; i >= 0; i--) {
    if (mask & (1 << i)) continue;
    const filter = filters[i];
    switch (filter.id) {
      case DEFLATE:
        try {
          data = new Uint8Array(inflateSync(data));
        } catch (error) {
          throw new Hdf5Error('corrupt', `a deflated chunk does not inflate: ${(error as Error).message}`);
        }
        break;
      case SHUFFLE:
        data = unshuffle(data, filter.clientData[0] || size);
        break;
      case FLETCHER32:
        data = checkedFletcher32(data);
        break;
      default:
        throw new Hdf5Error(
          'unsupported-filter',
          `unsupported compression: ${filter.name || `filter ${filter.id}`} (reading this dataset's stored bytes)`,
        );
    }
  }
  return data;
}
