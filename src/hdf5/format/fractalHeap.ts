/**
 * A fractal heap (`FRHP`, direct blocks `FHDB`, indirect blocks `FHIB`), as the HDF5 file format
 * specification lays it out. The heap's blocks keep no record of where one object ends and the
 * next begins (freed and never-written space holds stale bytes), so objects are found by their
 * heap IDs, which the v2 B-tree indexing the heap holds: a dense group's link name or creation
 * order index, a dense attribute list's.
 */
import { Hdf5Error } from '../types';
import { isSignature, verifyBlockChecksum, verifyChecksum } from './blockCheck';
import { Cursor, readBlock, UNDEFINED, type StoredFile } from './fileCursor';
import { FormatUnsupported } from './objectHeader';
import { btreeRecords } from './v2BTree';

/** Rows of a doubling table at most: offsets past 2^64 cannot be addressed. */
const MAX_ROWS = 64;
/** Direct blocks read at most (libhdf5's group and attribute heaps stop at 64 KiB); larger is left to libhdf5. */
const MAX_DIRECT_BLOCK = 64 * 1024 * 1024;

interface Heap {
  file: StoredFile;
  address: number;
  idLength: number;
  /** Bit 1: direct blocks carry a checksum. */
  flags: number;
  width: number;
  startBlockSize: number;
  /** Rows of an indirect block whose blocks are direct. */
  maxDirectRows: number;
  /** log2(startBlockSize * width): an indirect block's row count follows from its size. */
  firstRowBits: number;
  offsetBytes: number;
  lengthBytes: number;
  root: number;
  rootRows: number;
  /** The v2 B-tree (type 1) of huge objects, stored outside the heap's blocks. */
  hugeIndex: number;
  /** Huge objects by the number in their heap ID (read from hugeIndex at the first one). */
  huge: Map<number, { address: number; length: number }> | null;
  /** Blocks read so far: direct blocks' bytes, indirect blocks' child addresses. */
  direct: Map<number, Uint8Array>;
  indirect: Map<number, number[]>;
}

/** Where each v2 B-tree type that indexes a heap keeps the heap ID in its records. */
const ID_POSITION: Readonly<Record<number, number>> = {
  5: 4, // link name: hash, then ID
  6: 8, // link creation order: creation index, then ID
  8: 0, // attribute name: ID, flags, creation index, hash
  9: 0, // attribute creation order: ID, flags, creation index
};

/**
 * Every object of the fractal heap whose header (`FRHP`) is at `address`, as listed by the v2
 * B-tree at `index` (a link or attribute index of type 5, 6, 8 or 9), in that index's order.
 * Throws FormatUnsupported for heaps with I/O filters; a tiny object is the
 * bytes of its ID.
 */
export function heapObjects(file: StoredFile, address: number, index: number): Uint8Array[] {
  const heap = readHeapHeader(file, address);
  const { type, records } = btreeRecords(file, index);
  const idAt = ID_POSITION[type];
  if (idAt === undefined) throw new FormatUnsupported(`a v2 B-tree of type ${type} indexes no heap`);
  const objects: Uint8Array[] = [];
  for (const record of records) {
    if (record.length < idAt + heap.idLength)
      throw new Hdf5Error(
        'corrupt',
        `the v2 B-tree at ${index} has records too short for ${heap.idLength}-byte heap IDs`,
      );
    objects.push(heapObject(heap, record.subarray(idAt, idAt + heap.idLength)));
  }
  return objects;
}

function readHeapHeader(file: StoredFile, address: number): Heap {
  const { offsetSize: o, lengthSize: l } = file;
  const cursor = new Cursor(readBlock(file, address, 26 + 12 * l + 3 * o), file);
  if (!isSignature(cursor.bytes, 0, 'FRHP') || cursor.bytes[4] !== 0)
    throw new Hdf5Error('corrupt', `no fractal heap header at ${address}`);
  cursor.at = 5;
  const idLength = cursor.u16();
  const filterLength = cursor.u16();
  const flags = cursor.u8();
  const maxManagedSize = cursor.u32();
  cursor.length(); // next huge object ID
  const hugeIndex = cursor.offset();
  cursor.skip(9 * l + o); // free space and its manager, counts
  const width = cursor.u16();
  const startBlockSize = cursor.length();
  const maxDirectBlockSize = cursor.length();
  const maxHeapBits = cursor.u16();
  cursor.u16(); // starting rows of the root indirect block
  const root = cursor.offset();
  const rootRows = cursor.u16();
  if (filterLength > 0) throw new FormatUnsupported(`the fractal heap at ${address} has I/O filters`);
  verifyChecksum(cursor.bytes, cursor.at, `the fractal heap header at ${address}`);
  if (maxDirectBlockSize > MAX_DIRECT_BLOCK)
    throw new FormatUnsupported(
      `the fractal heap at ${address} has direct blocks of ${maxDirectBlockSize} bytes`,
    );
  const startBits = log2Exact(startBlockSize);
  const maxDirectBits = log2Exact(maxDirectBlockSize);
  const widthBits = log2Exact(width);
  if (
    idLength < 2 ||
    startBits < 0 ||
    maxDirectBits < startBits ||
    widthBits < 0 ||
    maxHeapBits < 1 ||
    maxHeapBits > MAX_ROWS ||
    rootRows > MAX_ROWS
  )
    throw new Hdf5Error(
      'corrupt',
      `the fractal heap at ${address} has table width ${width}, blocks ${startBlockSize}-${maxDirectBlockSize}, ${maxHeapBits} offset bits, ${rootRows} root rows`,
    );
  return {
    file,
    address,
    idLength,
    flags,
    width,
    startBlockSize,
    maxDirectRows: maxDirectBits - startBits + 2,
    firstRowBits: startBits + widthBits,
    offsetBytes: Math.ceil(maxHeapBits / 8),
    lengthBytes: Math.min(
      Math.ceil(maxDirectBits / 8),
      Math.floor(Math.floor(Math.log2(Math.max(maxManagedSize, 1))) / 8) + 1,
    ),
    root,
    rootRows,
    hugeIndex,
    huge: null,
    direct: new Map(),
    indirect: new Map(),
  };
}

/** log2 of a power of two, else -1. */
function log2Exact(n: number): number {
  if (n < 1 || n > 2 ** 52) return -1;
  const bits = Math.round(Math.log2(n));
  return 2 ** bits === n ? bits : -1;
}

function heapObject(heap: Heap, id: Uint8Array): Uint8Array {
  const kind = (id[0] >> 4) & 0x03;
  if (id[0] >> 6 !== 0) throw new Hdf5Error('corrupt', `a heap ID of version ${id[0] >> 6}`);
  if (kind === 1) return hugeObject(heap, id);
  if (kind === 2) {
    const extended = heap.idLength > 17;
    const size = (extended ? ((id[0] & 0x0f) << 8) | id[1] : id[0] & 0x0f) + 1;
    const from = extended ? 2 : 1;
    if (from + size > id.length)
      throw new Hdf5Error('corrupt', `a tiny heap object of ${size} bytes overflows its ID`);
    return id.subarray(from, from + size);
  }
  if (kind !== 0) throw new Hdf5Error('corrupt', `a heap ID of unknown type ${kind}`);
  if (1 + heap.offsetBytes + heap.lengthBytes > id.length)
    throw new Hdf5Error('corrupt', `the fractal heap at ${heap.address} has IDs too short for their fields`);
  const offset = unsigned(id, 1, heap.offsetBytes);
  const length = unsigned(id, 1 + heap.offsetBytes, heap.lengthBytes);
  const block = directBlockHolding(heap, offset);
  const at = offset - block.offset;
  if (length === 0 || at < block.dataStart || at + length > block.bytes.length)
    throw new Hdf5Error(
      'corrupt',
      `a heap object (offset ${offset}, ${length} bytes) lies outside its block`,
    );
  return block.bytes.subarray(at, at + length);
}

/** The direct block holding heap offset `offset`, walking down from the root indirect block. */
function directBlockHolding(
  heap: Heap,
  offset: number,
): { bytes: Uint8Array; offset: number; dataStart: number } {
  if (heap.root === UNDEFINED)
    throw new Hdf5Error('corrupt', `the fractal heap at ${heap.address} is empty but named`);
  if (heap.rootRows === 0) return directBlock(heap, heap.root, 0, heap.startBlockSize);
  let address = heap.root;
  let rows = heap.rootRows;
  let blockOffset = 0;
  for (let depth = 0; depth < MAX_ROWS; depth++) {
    const entries = indirectBlock(heap, address, rows, blockOffset);
    let rowStart = 0;
    let row = 0;
    for (; row < rows; row++) {
      const size = rowBlockSize(heap, row);
      if (offset - blockOffset < rowStart + size * heap.width) break;
      rowStart += size * heap.width;
    }
    if (row === rows)
      throw new Hdf5Error('corrupt', `heap offset ${offset} is past the indirect block at ${address}`);
    const size = rowBlockSize(heap, row);
    const column = Math.floor((offset - blockOffset - rowStart) / size);
    const child = entries[row * heap.width + column];
    const childOffset = blockOffset + rowStart + column * size;
    if (child === UNDEFINED)
      throw new Hdf5Error('corrupt', `heap offset ${offset} is in a block never allocated`);
    if (row < heap.maxDirectRows) return directBlock(heap, child, childOffset, size);
    address = child;
    rows = Math.log2(size) - heap.firstRowBits + 1;
    blockOffset = childOffset;
  }
  throw new Hdf5Error('corrupt', `the fractal heap at ${heap.address} nests too deep`);
}

/** Rows 0 and 1 hold blocks of the starting size; each later row's blocks are twice the last's. */
function rowBlockSize(heap: Heap, row: number): number {
  return row === 0 ? heap.startBlockSize : heap.startBlockSize * 2 ** (row - 1);
}

/** The child addresses of an indirect block: `rows` rows of `width`, direct blocks first. */
function indirectBlock(heap: Heap, address: number, rows: number, blockOffset: number): number[] {
  const known = heap.indirect.get(address);
  if (known) return known;
  const { file } = heap;
  const prefix = 5 + file.offsetSize + heap.offsetBytes;
  const checksumAt = prefix + rows * heap.width * file.offsetSize;
  const cursor = new Cursor(readBlock(file, address, checksumAt + 4), file);
  checkBlockPrefix(heap, cursor, 'FHIB', address, blockOffset);
  verifyChecksum(cursor.bytes, checksumAt, `the fractal heap indirect block at ${address}`);
  const entries: number[] = new Array(rows * heap.width);
  for (let i = 0; i < entries.length; i++) entries[i] = cursor.offset();
  heap.indirect.set(address, entries);
  return entries;
}

function directBlock(
  heap: Heap,
  address: number,
  blockOffset: number,
  size: number,
): { bytes: Uint8Array; offset: number; dataStart: number } {
  const prefix = 5 + heap.file.offsetSize + heap.offsetBytes + (heap.flags & 0x02 ? 4 : 0);
  let bytes = heap.direct.get(address);
  if (!bytes) {
    bytes = readBlock(heap.file, address, size);
    checkBlockPrefix(heap, new Cursor(bytes, heap.file), 'FHDB', address, blockOffset);
    if (heap.flags & 0x02)
      verifyBlockChecksum(bytes, prefix - 4, `the fractal heap direct block at ${address}`);
    heap.direct.set(address, bytes);
  }
  return { bytes, offset: blockOffset, dataStart: prefix };
}

function checkBlockPrefix(
  heap: Heap,
  cursor: Cursor,
  signature: string,
  address: number,
  blockOffset: number,
): void {
  if (!isSignature(cursor.bytes, 0, signature) || cursor.bytes[4] !== 0)
    throw new Hdf5Error('corrupt', `no fractal heap block ${signature} at ${address}`);
  cursor.at = 5;
  const owner = cursor.offset();
  const stored = unsigned(cursor.bytes, cursor.at, heap.offsetBytes);
  cursor.skip(heap.offsetBytes);
  if (owner !== heap.address || stored !== blockOffset)
    throw new Hdf5Error(
      'corrupt',
      `the heap block at ${address} belongs to heap ${owner} at offset ${stored}, not heap ${heap.address} at ${blockOffset}`,
    );
}

function unsigned(bytes: Uint8Array, at: number, size: number): number {
  let value = 0;
  for (let i = size - 1; i >= 0; i--) value = value * 256 + bytes[at + i];
  return value;
}

/**
 * A huge object: too big for the heap's blocks, stored on its own. Its heap ID holds its address
 * and length when the ID is long enough ("directly accessed"), else a number that the heap's huge
 * object B-tree maps to them (libhdf5's 8-byte IDs of dense attributes and links).
 */
function hugeObject(heap: Heap, id: Uint8Array): Uint8Array {
  const { file } = heap;
  const o = file.offsetSize;
  const l = file.lengthSize;
  if (heap.idLength >= 1 + o + l) return readBlock(file, unsigned(id, 1, o), unsigned(id, 1 + o, l));
  if (heap.hugeIndex === UNDEFINED)
    throw new Hdf5Error('corrupt', `the fractal heap at ${heap.address} names a huge object but has none`);
  if (!heap.huge) {
    const { type, records } = btreeRecords(file, heap.hugeIndex);
    if (type !== 1) throw new FormatUnsupported(`huge objects indexed by a v2 B-tree of type ${type}`);
    heap.huge = new Map();
    for (const record of records) {
      if (record.length <= o + l || record.length > o + l + 8)
        throw new Hdf5Error('corrupt', `a huge object record of ${record.length} bytes`);
      const key = unsigned(record, o + l, record.length - o - l);
      heap.huge.set(key, { address: unsigned(record, 0, o), length: unsigned(record, o, l) });
    }
  }
  const found = heap.huge.get(unsigned(id, 1, Math.min(id.length - 1, 8)));
  if (!found)
    throw new Hdf5Error('corrupt', `a huge heap object missing from the index at ${heap.hugeIndex}`);
  return readBlock(file, found.address, found.length);
}
