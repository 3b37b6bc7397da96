/**
 * Finds a chunked dataset's chunks in its index, as the HDF5 file format specification lays them
 * out: a version 1 B-tree (every writer's default), or, from layout message version 4, a single
 * chunk, an implicit index (chunks in order at one address) or a fixed array. Only the index
 * nodes and array entries the wanted chunks need are read.
 */
import { Cursor, readBlock, UNDEFINED, type ChunkIndex, type StoredFile } from './format/storedLayout';
import { Hdf5Error } from './types';

/** Where one chunk is stored; `filterMask` bit i set: filter i was skipped for it. */
export interface ChunkPlace {
  address: number;
  size: number;
  filterMask: number;
}

/** The chunk whose first element is at `origin` (element coordinates), or null if not written. */
export type ChunkLookup = (origin: number[]) => ChunkPlace | null;

export interface ChunkGeometry {
  /** Chunk shape. */
  dims: number[];
  /** Bytes of one chunk before filters. */
  chunkBytes: number;
  /** The dataset's maximum shape where finite, else its shape (fixed arrays count chunks by it). */
  extent: number[];
  /** First and last selected element along the first dimension (the B-tree is searched by it). */
  firstRows: [number, number];
}

/** Nodes visited before the B-tree is taken as looping. */
const MAX_NODES = 1_000_000;

export function chunkLookup(file: StoredFile, index: ChunkIndex, geometry: ChunkGeometry): ChunkLookup {
  switch (index.kind) {
    case 'btree1':
      return btreeLookup(file, index.address, geometry);
    case 'single': {
      const place = {
        address: index.address,
        size: index.filteredSize ?? geometry.chunkBytes,
        filterMask: index.filterMask,
      };
      return origin => (index.address === UNDEFINED || origin.some(o => o !== 0) ? null : place);
    }
    case 'implicit':
      return origin =>
        index.address === UNDEFINED
          ? null
          : {
              address: index.address + linearChunk(origin, geometry) * geometry.chunkBytes,
              size: geometry.chunkBytes,
              filterMask: 0,
            };
    case 'fixedArray':
      return fixedArrayLookup(file, index.address, geometry);
    case 'unsupported':
      throw new Hdf5Error(
        'unsupported-layout',
        `reading this dataset's stored bytes: the ${index.name} is not supported`,
      );
  }
}

/** The chunk's position in row-major order over the chunk grid of the dataset's extent. */
function linearChunk(origin: number[], geometry: ChunkGeometry): number {
  let at = 0;
  origin.forEach((o, d) => {
    at = at * Math.ceil(geometry.extent[d] / geometry.dims[d]) + Math.floor(o / geometry.dims[d]);
  });
  return at;
}

const key = (origin: number[]) => origin.join(',');

/**
 * Version 1 B-tree of raw data chunks: each key is a chunk's size, filter mask and offset (rank
 * + 1 coordinates); child i holds the chunks from key i up to key i + 1, so children whose first
 * coordinates miss the selected rows are not read.
 */
function btreeLookup(file: StoredFile, root: number, geometry: ChunkGeometry): ChunkLookup {
  const found = new Map<string, ChunkPlace>();
  if (root !== UNDEFINED) {
    const rank = geometry.dims.length;
    const [low, high] = geometry.firstRows;
    const O = file.offsetSize;
    const keySize = 8 + 8 * (rank + 1);
    const stack = [root];
    for (let visited = 0; stack.length > 0; visited++) {
      if (visited >= MAX_NODES) throw new Hdf5Error('corrupt', 'the chunk B-tree loops');
      const address = stack.pop() as number;
      const head = new Cursor(readBlock(file, address, 8 + 2 * O), file);
      if (head.signature() !== 'TREE' || head.u8() !== 1)
        throw new Hdf5Error('corrupt', `no chunk B-tree node at ${address}`);
      const level = head.u8();
      const entries = head.u16();
      const body = new Cursor(readBlock(file, address + 8 + 2 * O, entries * (keySize + O) + keySize), file);
      const keys: { size: number; mask: number; origin: number[] }[] = [];
      const children: number[] = [];
      for (let i = 0; i <= entries; i++) {
        const size = body.u32();
        const mask = body.u32();
        const origin = Array.from({ length: rank + 1 }, () => body.sized(8)).slice(0, rank);
        keys.push({ size, mask, origin });
        if (i < entries) children.push(body.offset());
      }
      for (let i = 0; i < entries; i++) {
        if (level === 0) {
          found.set(key(keys[i].origin), {
            address: children[i],
            size: keys[i].size,
            filterMask: keys[i].mask,
          });
          continue;
        }
        const first = keys[i].origin[0];
        const next = keys[i + 1].origin[0];
        if (first > high || (i + 1 < entries && next < low - geometry.dims[0])) continue;
        stack.push(children[i]);
      }
    }
  }
  return origin => found.get(key(origin)) ?? null;
}

/** A fixed array: a header, then one data block of entries, in pages when there are many. */
function fixedArrayLookup(file: StoredFile, address: number, geometry: ChunkGeometry): ChunkLookup {
  if (address === UNDEFINED) return () => null;
  const O = file.offsetSize;
  const head = new Cursor(readBlock(file, address, 8 + file.lengthSize + O), file);
  if (head.signature() !== 'FAHD') throw new Hdf5Error('corrupt', `no fixed array header at ${address}`);
  head.skip(1); // version
  const filtered = head.u8() === 1;
  const entrySize = head.u8();
  const pageBits = head.u8();
  const entries = head.length();
  const block = head.offset();
  if (block === UNDEFINED) return () => null;
  const pageEntries = 2 ** pageBits;
  const paged = entries > pageEntries;
  const pages = Math.ceil(entries / pageEntries);
  const prefix = 6 + O + (paged ? Math.ceil(pages / 8) + 4 : 0);
  const bitmap = paged ? readBlock(file, block + 6 + O, Math.ceil(pages / 8)) : null;
  return origin => {
    const i = linearChunk(origin, geometry);
    if (i >= entries) return null;
    let at = block + prefix + i * entrySize;
    if (paged) {
      const page = Math.floor(i / pageEntries);
      if (bitmap && (bitmap[page >> 3] & (0x80 >> (page & 7))) === 0) return null;
      at = block + prefix + page * (pageEntries * entrySize + 4) + (i % pageEntries) * entrySize;
    }
    const entry = new Cursor(readBlock(file, at, entrySize), file);
    const chunk = entry.offset();
    if (chunk === UNDEFINED) return null;
    if (!filtered) return { address: chunk, size: geometry.chunkBytes, filterMask: 0 };
    const size = entry.sized(entrySize - O - 4);
    return { address: chunk, size, filterMask: entry.u32() };
  };
}
