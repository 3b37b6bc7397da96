/**
 * A numeric dataset's stored pieces in file order, for reading them raw on the host thread
 * (rawChunks.ts): the chunk index read once through the block cache (chunkIndex.ts), or
 * contiguous storage cut into bands of rows. What the host cannot decode exactly as libhdf5 does
 * (other filters, chunk indexes, element types) is refused with the reason: read() stays the way.
 */
import type { Metadata } from 'h5wasm';
import { DEFLATE, FLETCHER32, SHUFFLE } from './chunkFilters';
import { chunkLookup, type ChunkGeometry } from './chunkIndex';
import { filterName } from './filters';
import type { StoredAccess } from './storedData';
import { openStoredFile, readStoredLayout, UNDEFINED, type StoredLayout } from './format/storedLayout';
import { Hdf5Error, type ChunkPlan, type Dtype, type Hdf5ErrorCode, type StoredPiece } from './types';
import { toDtype } from './dtypes';

/** Filters the host decodes. */
const RAW_FILTERS: ReadonlySet<number> = new Set([DEFLATE, SHUFFLE, FLETCHER32]);
/** More pieces than this and the plan itself gets heavy: read() in bands instead. */
const MAX_PIECES = 1 << 20;
/** Bytes of one band of contiguous storage (the unit of progress and of decoding). */
const BAND_BYTES = 1 << 20;
/** No chunk is larger (libhdf5 limits chunks to 4 GiB). */
const MAX_CHUNK_BYTES = 1024 * 1024 * 1024;

/** Element types the host converts: integers of 1-8 bytes, floats of 2, 4 or 8, either byte order. */
function rawDecodable(dtype: Dtype): boolean {
  if (dtype.class === 'integer') return [1, 2, 4, 8].includes(dtype.size);
  return dtype.class === 'float' && [2, 4, 8].includes(dtype.size);
}

/** IEEE 754 binary16/32/64 fields: exponent location and size, mantissa size, exponent bias. */
const IEEE: Record<number, [number, number, number, number]> = {
  2: [10, 5, 10, 15],
  4: [23, 8, 23, 127],
  8: [52, 11, 52, 1023],
};

/**
 * Whether the stored type (datatype message: class and version, 3 bytes of class bits, size,
 * properties) is a plain machine number whose bytes can be taken as they are: an integer using
 * all its bits, an IEEE float in either byte order (not VAX order). Others (a 12-bit integer, a
 * custom float) libhdf5 converts, and read() is the way.
 */
function standardBits(message: Uint8Array, dtype: Dtype): boolean {
  if (message.length < 12) return false;
  const view = new DataView(message.buffer, message.byteOffset, message.byteLength);
  const typeClass = message[0] & 0x0f;
  const bits = message[1] | (message[2] << 8) | (message[3] << 16);
  const size = view.getUint32(4, true);
  const offset = view.getUint16(8, true);
  const precision = view.getUint16(10, true);
  if (size !== dtype.size || offset !== 0 || precision !== size * 8) return false;
  if (typeClass === 0) return dtype.class === 'integer';
  if (typeClass !== 1 || dtype.class !== 'float' || message.length < 20) return false;
  const layout = IEEE[size];
  const vaxOrder = (bits & 0x40) !== 0;
  const normalization = (bits >> 4) & 0x03;
  const signAt = (bits >> 8) & 0xff;
  const fields = [message[12], message[13], message[15], view.getUint32(16, true)];
  return (
    !!layout &&
    !vaxOrder &&
    normalization === 2 &&
    signAt === size * 8 - 1 &&
    message[14] === 0 &&
    fields.every((v, i) => v === layout[i])
  );
}

/** The plan of the dataset at `path` (of type `meta`), or an Hdf5Error saying why there is none. */
export function storedChunkPlan(access: StoredAccess, path: string, meta: Metadata): ChunkPlan {
  const dtype = toDtype(meta);
  const shape = meta.shape ?? [];
  if (!rawDecodable(dtype))
    throw new Hdf5Error('unsupported-layout', `${path}: ${dtype.display} elements are read through HDF5`);
  if (shape.length === 0) throw new Hdf5Error('unsupported-layout', `${path}: a scalar is read through HDF5`);
  try {
    const file = openStoredFile(access.readAt, access.base);
    const stored = readStoredLayout(file, access.objectAddress, shape.length);
    if (!stored.datatype || !standardBits(stored.datatype, dtype))
      throw new Hdf5Error(
        'unsupported-layout',
        `${path}: its ${dtype.display} bit layout is converted by HDF5`,
      );
    const other = stored.filters.find(f => !RAW_FILTERS.has(f.id));
    if (other)
      throw new Hdf5Error(
        'unsupported-filter',
        `${path}: the ${filterName(other.id, other.name)} filter is decoded by HDF5`,
      );
    const plan: ChunkPlan = {
      path,
      shape,
      dtype,
      layout: 'chunked',
      chunkShape: [],
      filters: stored.filters.map(f => ({ id: f.id, clientData: f.clientData })),
      chunks: [],
      unwritten: [],
    };
    if (stored.layout.kind === 'contiguous')
      return contiguousPlan(plan, stored.layout, access.base, meta.size);
    return chunkedPlan(plan, stored, access, meta);
  } catch (error) {
    if (error instanceof Hdf5Error) throw error;
    // A failed byte fetch (its code says why); anything else is a field past a damaged block's end.
    const code = (error as { code?: unknown }).code;
    if (typeof code === 'string') throw new Hdf5Error(code as Hdf5ErrorCode, (error as Error).message);
    throw new Hdf5Error('corrupt', `${path}: its storage cannot be read: ${(error as Error).message}`);
  }
}

function contiguousPlan(
  plan: ChunkPlan,
  layout: Extract<StoredLayout['layout'], { kind: 'contiguous' }>,
  base: number,
  elementSize: number,
): ChunkPlan {
  // Never written: read() gives the fill value.
  if (layout.address === UNDEFINED)
    throw new Hdf5Error('unsupported-layout', `${plan.path}: its contiguous storage was never written`);
  const { shape } = plan;
  const rowBytes = shape.slice(1).reduce((a, b) => a * b, 1) * elementSize;
  const rows = Math.max(1, Math.floor(BAND_BYTES / Math.max(1, rowBytes)));
  if (Math.ceil(shape[0] / rows) > MAX_PIECES)
    throw new Hdf5Error('unsupported-layout', `${plan.path}: too many rows to plan`);
  plan.layout = 'contiguous';
  plan.chunkShape = [rows, ...shape.slice(1)];
  for (let row = 0; row < shape[0] && rowBytes > 0; row += rows) {
    plan.chunks.push({
      origin: [row, ...shape.slice(1).map(() => 0)],
      address: base + layout.address + row * rowBytes,
      size: Math.min(rows, shape[0] - row) * rowBytes,
      filterMask: 0,
    });
  }
  return plan;
}

function chunkedPlan(plan: ChunkPlan, stored: StoredLayout, access: StoredAccess, meta: Metadata): ChunkPlan {
  const layout = stored.layout;
  if (layout.kind !== 'chunked')
    throw new Hdf5Error('unsupported-layout', `${plan.path}: compact data is read through HDF5`);
  const { shape } = plan;
  const dims = layout.dims;
  if (layout.index.kind !== 'unsupported' && (dims.length !== shape.length || dims.some(d => d <= 0)))
    throw new Hdf5Error(
      'corrupt',
      `${plan.path}: the chunk shape ${dims.join('×')} does not fit the dataset`,
    );
  const chunkBytes = dims.reduce((a, b) => a * b, 1) * meta.size;
  const geometry: ChunkGeometry = {
    dims,
    chunkBytes,
    extent: shape.map((n, d) => {
      const max = meta.maxshape?.[d];
      return typeof max === 'number' && Number.isFinite(max) && max < 2 ** 53 ? max : n;
    }),
    firstRows: [0, Math.max(0, shape[0] - 1)],
  };
  // Throws unsupported-layout for the chunk indexes it does not read.
  const lookup = chunkLookup(openStoredFile(access.readAt, access.base), layout.index, geometry);
  const grid = shape.map((n, d) => Math.ceil(n / dims[d]));
  if (grid.reduce((a, b) => a * b, 1) > MAX_PIECES)
    throw new Hdf5Error('unsupported-layout', `${plan.path}: too many chunks to plan`);
  plan.chunkShape = dims;
  const pieces: StoredPiece[] = [];
  if (grid.every(g => g > 0)) {
    const at = grid.map(() => 0);
    for (;;) {
      const origin = at.map((i, d) => i * dims[d]);
      const place = lookup(origin);
      if (!place) plan.unwritten.push(origin);
      else {
        if (place.size > MAX_CHUNK_BYTES || (stored.filters.length === 0 && place.size !== chunkBytes))
          throw new Hdf5Error(
            'corrupt',
            `${plan.path}: the chunk at ${origin.join(', ')} claims ${place.size} bytes`,
          );
        pieces.push({
          origin,
          address: access.base + place.address,
          size: place.size,
          filterMask: place.filterMask,
        });
      }
      let d = grid.length - 1;
      for (; d >= 0; d--) {
        if (++at[d] < grid[d]) break;
        at[d] = 0;
      }
      if (d < 0) break;
    }
  }
  plan.chunks = pieces.sort((a, b) => a.address - b.address);
  return plan;
}
