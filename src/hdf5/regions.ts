/**
 * Region references (H5T_STD_REF_DSETREG) to the selection they hold. h5wasm resolves a region
 * reference to its dataset's name but has no call that returns the selection, so it is decoded
 * here from the file, as libhdf5's H5Rget_region does: the 12 reference bytes are a global heap
 * collection address and an object index; that heap object holds the dataset's address and the
 * serialized dataspace selection (H5S_SEL_POINTS / H5S_SEL_HYPERSLABS / ALL / NONE, versions 1-3).
 * The caller keeps one StoredFile per file: the global heap's cache is per StoredFile, so a
 * dataset of references into one collection reads that collection once.
 */
import { Cursor, UNDEFINED, type StoredFile } from './format/fileCursor';
import { heapObject } from './format/globalHeap';
import type { H5Region } from './types';

/** Blocks kept from a regular hyperslab before the selection is reported as too large to list. */
const MAX_BLOCKS = 1_000_000;
/** The largest heap collection read for one reference (a point selection of a million points is 16 MB). */
const MAX_COLLECTION = 1 << 30;

/** The heap object a region reference names, read from its start: the dataset's address, then the selection. */
function regionObject(ref: Uint8Array, file: StoredFile): Cursor {
  // The reference: the collection's address (the file's offset size), then the object's index.
  const id = new Cursor(ref, file);
  return new Cursor(heapObject(file, id.offset(), id.u32(), MAX_COLLECTION), file);
}

/** The address of the dataset a region reference points into (its object header's). */
export function regionDataset(ref: Uint8Array, file: StoredFile): number {
  return regionObject(ref, file).offset();
}

/** The selection a region reference holds; throws, saying why, when it cannot be read. */
export function decodeRegion(ref: Uint8Array, file: StoredFile): H5Region {
  const r = regionObject(ref, file);
  r.offset(); // the dataset's address
  try {
    return decodeSelection(r);
  } catch (error) {
    if (error instanceof RangeError)
      throw new Error(`the selection ends before its last field (${error.message})`);
    throw error;
  }
}

function decodeSelection(r: Cursor): H5Region {
  const type = r.u32();
  const version = r.u32();
  switch (type) {
    case 0:
      return { kind: 'none' };
    case 3:
      return { kind: 'all' };
    case 1:
      return decodePoints(r, version);
    case 2:
      return decodeHyperslab(r, version);
    default:
      throw new Error(`unknown selection type ${type}`);
  }
}

function decodePoints(r: Cursor, version: number): H5Region {
  let size = 4;
  if (version === 1)
    r.skip(8); // reserved, length
  else size = r.u8();
  const rank = r.u32();
  const n = listLength(r, size);
  const points: number[][] = [];
  for (let i = 0; i < n; i++) points.push(Array.from({ length: rank }, () => r.sized(size)));
  return { kind: 'points', points };
}

function decodeHyperslab(r: Cursor, version: number): H5Region {
  if (version === 1) {
    r.skip(8); // reserved, length
    const rank = r.u32();
    const n = r.u32();
    const blocks = [];
    for (let i = 0; i < n; i++) {
      const start = Array.from({ length: rank }, () => r.u32());
      const end = Array.from({ length: rank }, () => r.u32());
      blocks.push({ start, count: end.map((e, d) => e - start[d] + 1) });
    }
    return { kind: 'hyperslab', blocks };
  }
  const flags = r.u8();
  let size = 8;
  if (version === 2)
    r.skip(4); // length
  else size = r.u8();
  const rank = r.u32();
  if (version === 2 || (flags & 1) === 1) {
    const read = () => Array.from({ length: rank }, () => r.sized(size));
    const [start, stride, count, block] = [read(), read(), read(), read()];
    return { kind: 'hyperslab', blocks: regularBlocks(start, stride, count, block) };
  }
  const n = listLength(r, size);
  const blocks = [];
  for (let i = 0; i < n; i++) {
    const start = Array.from({ length: rank }, () => r.sized(size));
    const end = Array.from({ length: rank }, () => r.sized(size));
    blocks.push({ start, count: end.map((e, d) => e - start[d] + 1) });
  }
  return { kind: 'hyperslab', blocks };
}

/** How many points or blocks follow (all ones, UNDEFINED to the cursor, is no count). */
function listLength(r: Cursor, size: number): number {
  const n = r.sized(size);
  if (n === UNDEFINED) throw new Error('a selection without a count of its points or blocks');
  return n;
}

/** A regular hyperslab (start, stride, count, block per dimension) as its list of blocks. */
function regularBlocks(
  start: number[],
  stride: number[],
  count: number[],
  block: number[],
): { start: number[]; count: number[] }[] {
  // H5S_UNLIMITED is stored as all ones, which the cursor reads as UNDEFINED.
  if (count.includes(UNDEFINED) || block.includes(UNDEFINED))
    throw new Error('an unlimited selection cannot be listed');
  const total = count.reduce((a, b) => a * b, 1);
  if (total > MAX_BLOCKS) throw new Error(`a selection of ${total} blocks is too large to list`);
  const blocks = [];
  const at = count.map(() => 0);
  for (let i = 0; i < total; i++) {
    blocks.push({ start: at.map((k, d) => start[d] + k * stride[d]), count: [...block] });
    for (let d = at.length - 1; d >= 0; d--) {
      if (++at[d] < count[d]) break;
      at[d] = 0;
    }
  }
  return blocks;
}
