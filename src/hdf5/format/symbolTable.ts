/**
 * An old-style group's links: its symbol table message names a version 1 B-tree (`TREE`, group
 * nodes) whose leaves are symbol table nodes (`SNOD`), and a local heap (`HEAP`) holding the link
 * names and soft link values. The B-tree keeps its entries in name order, and libhdf5 lists them
 * in that order.
 */
import { Hdf5Error } from '../types';
import { Cursor, readBlock, UNDEFINED, type StoredFile } from './fileCursor';
import { FormatUnsupported } from './objectHeader';

/** B-tree nodes visited in one group before the tree is taken as damaged. */
const MAX_NODES = 1_000_000;
/** A local heap's data segment read at most; a larger one is left to libhdf5. */
const MAX_HEAP_BYTES = 256 * 1024 * 1024;
/** A symbol table entry's cache type saying it holds a soft link's value offset. */
const CACHED_SOFT_LINK = 2;
/**
 * Read sizes that hold a whole structure in files with libhdf5's default node sizes (group
 * B-tree nodes of 32 children, symbol table nodes of 8 entries), and libhdf5's own speculative
 * read of a local heap, which finds the heap's data right after its header: one read each.
 */
const TREE_CHILDREN = 32;
const SNOD_ENTRIES = 8;
const HEAP_READ = 512;

const utf8 = new TextDecoder();

/** What an old-style group holds: hard links, and soft links cached in their entries. */
type TableLink =
  { name: string; kind: 'hard'; address: number } | { name: string; kind: 'soft'; target: string };

export function symbolTableLinks(file: StoredFile, body: Uint8Array): TableLink[] {
  if (body.length < 2 * file.offsetSize)
    throw new Hdf5Error('corrupt', 'a symbol table message is too short');
  const message = new Cursor(body, file);
  const btree = message.offset();
  const heap = localHeap(file, message.offset());
  const links: TableLink[] = [];
  const visited = new Set<number>();
  visitNode(file, btree, -1, heap, links, visited);
  return links;
}

/** The data segment of the local heap at `address`. */
function localHeap(file: StoredFile, address: number): Uint8Array {
  const { offsetSize: o, lengthSize: l } = file;
  if (address === UNDEFINED) throw new Hdf5Error('corrupt', 'a symbol table message names no local heap');
  const headerSize = 8 + 2 * l + o;
  const ahead = readAhead(file, address, headerSize, HEAP_READ);
  const cursor = new Cursor(ahead, file);
  if (cursor.signature() !== 'HEAP' || cursor.u8() !== 0)
    throw new Hdf5Error('corrupt', `no local heap at ${address}`);
  cursor.skip(3);
  const size = cursor.length();
  cursor.length(); // head of the free list
  const data = cursor.offset();
  if (size < 0 || data === UNDEFINED)
    throw new Hdf5Error('corrupt', `the local heap at ${address} has no data segment`);
  if (size > MAX_HEAP_BYTES) throw new FormatUnsupported(`the local heap at ${address} holds ${size} bytes`);
  return within(file, address, ahead, data - address, size);
}

/** `guess` bytes at `address`, or as many as the file has past `need`. */
function readAhead(file: StoredFile, address: number, need: number, guess: number): Uint8Array {
  const bytes = new Uint8Array(Math.max(need, guess));
  const read = file.readAt(file.base + address, bytes);
  if (read < need) throw new Hdf5Error('corrupt', `the file ends before ${need} bytes at address ${address}`);
  return read < bytes.length ? bytes.subarray(0, read) : bytes;
}

/** Bytes [from, from + length) after `address`, from what was read ahead there when it holds them. */
function within(
  file: StoredFile,
  address: number,
  ahead: Uint8Array,
  from: number,
  length: number,
): Uint8Array {
  return from >= 0 && from + length <= ahead.length
    ? ahead.subarray(from, from + length)
    : readBlock(file, address + from, length);
}

/** The NUL-terminated string at `offset` of a local heap. */
function heapString(heap: Uint8Array, offset: number): string {
  const end = offset >= 0 ? heap.indexOf(0, offset) : -1;
  if (end < 0) throw new Hdf5Error('corrupt', `no NUL-terminated string at local heap offset ${offset}`);
  return utf8.decode(heap.subarray(offset, end));
}

/** The B-tree node at `address` (at `level`, or any level for the root: -1), children in order. */
function visitNode(
  file: StoredFile,
  address: number,
  level: number,
  heap: Uint8Array,
  links: TableLink[],
  visited: Set<number>,
): void {
  if (visited.has(address) || visited.size >= MAX_NODES)
    throw new Hdf5Error('corrupt', `the group B-tree node at ${address} is reached twice`);
  visited.add(address);
  const { offsetSize: o, lengthSize: l } = file;
  const ahead = readAhead(file, address, 8 + 2 * o, 8 + 2 * o + TREE_CHILDREN * (l + o) + l);
  const head = new Cursor(ahead, file);
  const signature = head.signature();
  const type = head.u8();
  const nodeLevel = head.u8();
  const entries = head.u16();
  if (signature !== 'TREE' || type !== 0 || (level >= 0 && nodeLevel !== level))
    throw new Hdf5Error('corrupt', `no group B-tree node of level ${level} at ${address}`);
  // Keys and children alternate: key 0, child 0, key 1, ..., child n-1, key n.
  const body = new Cursor(within(file, address, ahead, 8 + 2 * o, entries * (l + o) + l), file);
  const children: number[] = new Array(entries);
  for (let i = 0; i < entries; i++) {
    body.skip(l);
    children[i] = body.offset();
  }
  for (const child of children) {
    if (nodeLevel > 0) visitNode(file, child, nodeLevel - 1, heap, links, visited);
    else symbolNode(file, child, heap, links);
  }
}

/** The links of the symbol table node at `address`. */
function symbolNode(file: StoredFile, address: number, heap: Uint8Array, links: TableLink[]): void {
  const o = file.offsetSize;
  const entrySize = 2 * o + 24;
  const head = readAhead(file, address, 8, 8 + SNOD_ENTRIES * entrySize);
  if (head[0] !== 0x53 || head[1] !== 0x4e || head[2] !== 0x4f || head[3] !== 0x44 || head[4] !== 1)
    throw new Hdf5Error('corrupt', `no symbol table node at ${address}`);
  const count = head[6] | (head[7] << 8);
  const cursor = new Cursor(within(file, address, head, 8, count * entrySize), file);
  for (let i = 0; i < count; i++) {
    const start = cursor.at;
    const name = heapString(heap, cursor.offset());
    const header = cursor.offset();
    const cacheType = cursor.u32();
    cursor.skip(4);
    if (cacheType === CACHED_SOFT_LINK)
      links.push({ name, kind: 'soft', target: heapString(heap, cursor.u32()) });
    else links.push({ name, kind: 'hard', address: header });
    cursor.at = start + entrySize;
  }
}
