/**
 * A version 2 B-tree (`BTHD`, `BTIN`, `BTLF`), as the HDF5 file format specification lays it out:
 * every record, in the tree's order. The field widths of internal nodes' child pointers are not
 * stored; they follow from the node and record sizes as libhdf5 computes them (H5B2__hdr_init).
 */
import { Hdf5Error } from '../types';
import { isSignature, verifyChecksum } from './blockCheck';
import { Cursor, readBlock, UNDEFINED, type StoredFile } from './fileCursor';
import { FormatUnsupported } from './objectHeader';

/** Deeper than any tree of 2^53 records with the smallest nodes: a deeper one is damage. */
const MAX_DEPTH = 64;
/** Signature, version and type before the records; the checksum after them. */
const NODE_PREFIX = 6;
const CHECKSUM = 4;
/** Node sizes read at most (libhdf5 writes 512-byte nodes for links and attributes); larger is left to libhdf5. */
const MAX_NODE_SIZE = 1024 * 1024;

interface Level {
  /** Records a node at this depth holds at most. */
  maxRecords: number;
  /** Records under a node at this depth at most, and the bytes that count takes. */
  cumulativeMax: number;
  cumulativeSize: number;
}

interface Tree {
  file: StoredFile;
  type: number;
  nodeSize: number;
  recordSize: number;
  levels: Level[];
  /** Bytes of a child pointer's record count (sized by a leaf's maximum, as libhdf5 does). */
  countSize: number;
  records: Uint8Array[];
  total: number;
  visited: Set<number>;
}

/** The type of the B-tree whose header is at `address`, and every record of it. */
export function btreeRecords(file: StoredFile, address: number): { type: number; records: Uint8Array[] } {
  const o = file.offsetSize;
  const checksumAt = 4 + 1 + 1 + 4 + 2 + 2 + 1 + 1 + o + 2 + file.lengthSize;
  const cursor = new Cursor(readBlock(file, address, checksumAt + CHECKSUM), file);
  if (!isSignature(cursor.bytes, 0, 'BTHD'))
    throw new Hdf5Error('corrupt', `no v2 B-tree header at ${address}`);
  cursor.skip(4);
  verifyChecksum(cursor.bytes, checksumAt, `the v2 B-tree header at ${address}`);
  const version = cursor.u8();
  const type = cursor.u8();
  if (version !== 0) throw new Hdf5Error('corrupt', `the v2 B-tree at ${address} is version ${version}`);
  const nodeSize = cursor.u32();
  const recordSize = cursor.u16();
  const depth = cursor.u16();
  cursor.skip(2); // split and merge percentages
  const root = cursor.offset();
  const rootRecords = cursor.u16();
  const total = cursor.length();
  if (recordSize === 0 || nodeSize < NODE_PREFIX + CHECKSUM + recordSize || depth > MAX_DEPTH)
    throw new Hdf5Error(
      'corrupt',
      `the v2 B-tree at ${address} has node size ${nodeSize}, record size ${recordSize}, depth ${depth}`,
    );
  if (nodeSize > MAX_NODE_SIZE)
    throw new FormatUnsupported(`the v2 B-tree at ${address} has ${nodeSize}-byte nodes`);
  if (root === UNDEFINED || total === 0) return { type, records: [] };
  const leafMax = Math.floor((nodeSize - NODE_PREFIX - CHECKSUM) / recordSize);
  const countSize = encodedSize(leafMax);
  const levels: Level[] = [{ maxRecords: leafMax, cumulativeMax: leafMax, cumulativeSize: 0 }];
  for (let d = 1; d <= depth; d++) {
    const pointer = o + countSize + (d > 1 ? levels[d - 1].cumulativeSize : 0);
    const maxRecords = Math.floor((nodeSize - NODE_PREFIX - CHECKSUM - pointer) / (recordSize + pointer));
    if (maxRecords < 1)
      throw new Hdf5Error('corrupt', `the v2 B-tree at ${address} has nodes too small for depth ${depth}`);
    const cumulativeMax = (maxRecords + 1) * levels[d - 1].cumulativeMax + maxRecords;
    levels.push({ maxRecords, cumulativeMax, cumulativeSize: encodedSize(cumulativeMax) });
  }
  const tree: Tree = {
    file,
    type,
    nodeSize,
    recordSize,
    levels,
    countSize,
    records: [],
    total,
    visited: new Set(),
  };
  visit(tree, root, rootRecords, depth);
  return { type, records: tree.records };
}

/** Bytes that hold any count up to `limit` (H5VM_limit_enc_size). */
function encodedSize(limit: number): number {
  return Math.floor(Math.floor(Math.log2(Math.max(limit, 1))) / 8) + 1;
}

function visit(tree: Tree, address: number, count: number, depth: number): void {
  if (tree.visited.has(address))
    throw new Hdf5Error('corrupt', `the v2 B-tree node at ${address} is reached twice`);
  tree.visited.add(address);
  if (count > tree.levels[depth].maxRecords || tree.records.length + count > tree.total)
    throw new Hdf5Error('corrupt', `the v2 B-tree node at ${address} holds ${count} records, more than fit`);
  const bytes = readBlock(tree.file, address, tree.nodeSize);
  const cursor = new Cursor(bytes, tree.file);
  cursor.skip(4); // the signature, checked below
  const version = cursor.u8();
  const type = cursor.u8();
  if (!isSignature(bytes, 0, depth === 0 ? 'BTLF' : 'BTIN') || version !== 0 || type !== tree.type)
    throw new Hdf5Error(
      'corrupt',
      `no v2 B-tree ${depth === 0 ? 'leaf' : 'internal node'} of type ${tree.type} at ${address}`,
    );
  const recordsAt = cursor.at;
  const childCumulativeSize = depth > 1 ? tree.levels[depth - 1].cumulativeSize : 0;
  const pointers =
    depth === 0 ? 0 : (count + 1) * (tree.file.offsetSize + tree.countSize + childCumulativeSize);
  verifyChecksum(bytes, recordsAt + count * tree.recordSize + pointers, `the v2 B-tree node at ${address}`);
  if (depth === 0) {
    for (let i = 0; i < count; i++) tree.records.push(cursor.take(tree.recordSize));
    return;
  }
  cursor.at = recordsAt + count * tree.recordSize;
  const children: { address: number; count: number }[] = [];
  for (let i = 0; i <= count; i++) {
    const child = cursor.offset();
    const childCount = unsigned(bytes, cursor.at, tree.countSize);
    cursor.skip(tree.countSize);
    cursor.skip(childCumulativeSize); // records under the child: the walk counts them itself
    if (child === UNDEFINED)
      throw new Hdf5Error('corrupt', `the v2 B-tree node at ${address} has an undefined child`);
    children.push({ address: child, count: childCount });
  }
  for (let i = 0; i <= count; i++) {
    visit(tree, children[i].address, children[i].count, depth - 1);
    if (i < count)
      tree.records.push(
        bytes.subarray(recordsAt + i * tree.recordSize, recordsAt + (i + 1) * tree.recordSize),
      );
  }
}

/** A little-endian count of `size` bytes (all ones is a count here, not an undefined address). */
function unsigned(bytes: Uint8Array, at: number, size: number): number {
  let value = 0;
  for (let i = size - 1; i >= 0; i--) value = value * 256 + bytes[at + i];
  return value;
}
