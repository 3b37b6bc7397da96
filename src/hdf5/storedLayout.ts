/**
 * Where a dataset's bytes are, read from its object header as the HDF5 file format specification
 * lays it out (superblock v0-3, object header v1/v2 with continuation blocks, data layout message
 * v1-4, filter pipeline v1/v2, fill value messages). Used only for the datasets h5wasm cannot read
 * (see storedData.ts): h5wasm already gives their shape, type and chunk shape.
 */
import { Hdf5Error } from './types';

/** Reads [position, position + target.length) of the file; returns the bytes read. */
export type ReadAt = (position: number, target: Uint8Array) => number;

/** An address field of all ones: nothing allocated there. */
export const UNDEFINED = -1;

/** The file and the two field widths its superblock chose; addresses count from `base`. */
export interface StoredFile {
  readAt: ReadAt;
  base: number;
  offsetSize: number;
  lengthSize: number;
}

/** Little-endian fields of a byte block, in the widths the superblock chose. */
export class Cursor {
  private readonly view: DataView;
  constructor(
    readonly bytes: Uint8Array,
    readonly file: Pick<StoredFile, 'offsetSize' | 'lengthSize'>,
    public at = 0,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
  get remaining(): number {
    return this.bytes.byteLength - this.at;
  }
  u8(): number {
    return this.view.getUint8(this.at++);
  }
  u16(): number {
    const v = this.view.getUint16(this.at, true);
    this.at += 2;
    return v;
  }
  u32(): number {
    const v = this.view.getUint32(this.at, true);
    this.at += 4;
    return v;
  }
  /** An unsigned field of 1 to 8 bytes; all ones is UNDEFINED. */
  sized(size: number): number {
    let value = 0;
    let allOnes = true;
    for (let i = size - 1; i >= 0; i--) {
      const b = this.view.getUint8(this.at + i);
      if (b !== 0xff) allOnes = false;
      value = value * 256 + b;
    }
    this.at += size;
    if (allOnes) return UNDEFINED;
    if (value > Number.MAX_SAFE_INTEGER)
      throw new Hdf5Error('corrupt', `a ${size}-byte field is out of range`);
    return value;
  }
  offset(): number {
    return this.sized(this.file.offsetSize);
  }
  length(): number {
    return this.sized(this.file.lengthSize);
  }
  take(n: number): Uint8Array {
    if (n > this.remaining) throw new Hdf5Error('corrupt', 'an object header message runs past its end');
    const out = this.bytes.subarray(this.at, this.at + n);
    this.at += n;
    return out;
  }
  skip(n: number): void {
    this.at += n;
  }
  signature(): string {
    return String.fromCharCode(...this.take(4));
  }
}

/** `length` bytes at the file address `address` (relative to the superblock). */
export function readBlock(file: StoredFile, address: number, length: number): Uint8Array {
  const bytes = new Uint8Array(length);
  if (file.readAt(file.base + address, bytes) < length)
    throw new Hdf5Error('corrupt', `the file ends before ${length} bytes at address ${address}`);
  return bytes;
}

/** The field widths of the superblock at `base`. */
export function openStoredFile(readAt: ReadAt, base: number): StoredFile {
  const head = new Uint8Array(16);
  readAt(base, head);
  const version = head[8];
  const [offsetSize, lengthSize] = version <= 1 ? [head[13], head[14]] : [head[9], head[10]];
  if (![2, 4, 8].includes(offsetSize) || ![2, 4, 8].includes(lengthSize))
    throw new Hdf5Error(
      'corrupt',
      `superblock version ${version} has field sizes ${offsetSize}/${lengthSize}`,
    );
  return { readAt, base, offsetSize, lengthSize };
}

export type ChunkIndex =
  | { kind: 'btree1'; address: number }
  | { kind: 'single'; address: number; filteredSize: number | null; filterMask: number }
  | { kind: 'implicit'; address: number }
  | { kind: 'fixedArray'; address: number; pageBits: number }
  | { kind: 'unsupported'; name: string };

export type Layout =
  | { kind: 'compact'; data: Uint8Array }
  | { kind: 'contiguous'; address: number; size: number }
  | { kind: 'chunked'; dims: number[]; index: ChunkIndex };

export interface PipelineFilter {
  id: number;
  name: string;
  clientData: number[];
}

export interface StoredLayout {
  layout: Layout;
  filters: PipelineFilter[];
  /** One element of fill value as stored, or null for zeros. */
  fill: Uint8Array | null;
  /** The datatype message's body (its bit layout), when the header has one. */
  datatype: Uint8Array | null;
}

const LAYOUT = 0x08;
const FILTERS = 0x0b;
const FILL_OLD = 0x04;
const FILL = 0x05;
const DATATYPE = 0x03;
const ATTRIBUTE = 0x0c;
const CONTINUATION = 0x10;
/** Continuation blocks followed before the header is taken as looping. */
const MAX_BLOCKS = 10_000;

/** The layout, filters and fill value in the object header at `address`. */
export function readStoredLayout(file: StoredFile, address: number, rank: number): StoredLayout {
  const messages = new Map<number, Uint8Array>();
  for (const [type, body] of headerMessages(file, address)) if (!messages.has(type)) messages.set(type, body);
  const layout = messages.get(LAYOUT);
  if (!layout) throw new Hdf5Error('corrupt', `the object header at ${address} has no data layout message`);
  const fillNew = messages.get(FILL);
  const fillOld = messages.get(FILL_OLD);
  return {
    layout: parseLayout(new Cursor(layout, file), rank),
    filters: messages.has(FILTERS) ? parseFilters(new Cursor(messages.get(FILTERS) as Uint8Array, file)) : [],
    fill: fillNew ? parseFill(new Cursor(fillNew, file)) : fillOld ? fillOld.subarray(4) : null,
    datatype: messages.get(DATATYPE) ?? null,
  };
}

/**
 * The `nbytes` data bytes of the attribute `name` held in the object header at `address`
 * (attribute message versions 1-3). Attributes in dense storage (a fractal heap, for objects
 * with many attributes) are not read.
 */
export function readStoredAttribute(
  file: StoredFile,
  address: number,
  name: string,
  nbytes: number,
): Uint8Array {
  const wanted = new TextEncoder().encode(name);
  for (const [type, body] of headerMessages(file, address)) {
    if (type !== ATTRIBUTE) continue;
    const c = new Cursor(body, file);
    const version = c.u8();
    c.skip(1); // reserved (v1) or flags
    const [nameSize, typeSize, spaceSize] = [c.u16(), c.u16(), c.u16()];
    if (version === 3) c.skip(1); // name encoding
    const pad = (n: number) => (version === 1 ? Math.ceil(n / 8) * 8 : n);
    const stored = c.take(pad(nameSize));
    const end = stored.indexOf(0);
    const storedName = stored.subarray(0, end >= 0 ? end : nameSize);
    if (storedName.length !== wanted.length || storedName.some((b, i) => b !== wanted[i])) continue;
    c.skip(pad(typeSize) + pad(spaceSize));
    return c.take(nbytes);
  }
  throw new Hdf5Error(
    'unsupported-layout',
    `reading the stored bytes of attribute ${name}: it is not in the object header (dense attribute storage is not supported)`,
  );
}

/** Every message of the header (type, body), following continuation blocks. */
function headerMessages(file: StoredFile, address: number): [number, Uint8Array][] {
  const out: [number, Uint8Array][] = [];
  const prefix = readBlock(file, address, 16);
  const v2 = String.fromCharCode(...prefix.subarray(0, 4)) === 'OHDR';
  const pending: { address: number; length: number }[] = [];
  if (v2) {
    const flags = prefix[5];
    const at = 6 + (flags & 0x20 ? 16 : 0) + (flags & 0x10 ? 4 : 0);
    const sizeBytes = 1 << (flags & 3);
    const head = readBlock(file, address, at + sizeBytes);
    const chunkSize = new Cursor(head, file, at).sized(sizeBytes);
    const block = readBlock(file, address + at + sizeBytes, chunkSize);
    scanV2(new Cursor(block, file), flags, out, pending);
    for (let n = 0; pending.length > 0; n++) {
      if (n >= MAX_BLOCKS) throw new Hdf5Error('corrupt', 'object header continuations loop');
      const next = pending.shift() as { address: number; length: number };
      const bytes = readBlock(file, next.address, next.length);
      const cursor = new Cursor(bytes.subarray(0, bytes.length - 4), file);
      if (cursor.signature() !== 'OCHK') throw new Hdf5Error('corrupt', `no OCHK at ${next.address}`);
      scanV2(cursor, flags, out, pending);
    }
    return out;
  }
  if (prefix[0] !== 1)
    throw new Hdf5Error('corrupt', `unknown object header version ${prefix[0]} at ${address}`);
  const size = new DataView(prefix.buffer).getUint32(8, true);
  pending.push({ address: address + 16, length: size });
  for (let n = 0; pending.length > 0; n++) {
    if (n >= MAX_BLOCKS) throw new Hdf5Error('corrupt', 'object header continuations loop');
    const next = pending.shift() as { address: number; length: number };
    const cursor = new Cursor(readBlock(file, next.address, next.length), file);
    while (cursor.remaining >= 8) {
      const type = cursor.u16();
      const length = cursor.u16();
      cursor.skip(4); // flags, reserved
      collect(type, cursor.take(Math.min(length, cursor.remaining)), file, out, pending);
    }
  }
  return out;
}

function scanV2(
  cursor: Cursor,
  flags: number,
  out: [number, Uint8Array][],
  pending: { address: number; length: number }[],
): void {
  const headerSize = flags & 0x04 ? 6 : 4;
  while (cursor.remaining >= headerSize) {
    const type = cursor.u8();
    const length = cursor.u16();
    cursor.skip(headerSize - 3); // flags, creation order
    collect(type, cursor.take(length), cursor.file, out, pending);
  }
}

function collect(
  type: number,
  body: Uint8Array,
  file: Pick<StoredFile, 'offsetSize' | 'lengthSize'>,
  out: [number, Uint8Array][],
  pending: { address: number; length: number }[],
): void {
  if (type === CONTINUATION) {
    const c = new Cursor(body, file);
    pending.push({ address: c.offset(), length: c.length() });
  } else out.push([type, body]);
}

function parseLayout(c: Cursor, rank: number): Layout {
  const version = c.u8();
  if (version === 1 || version === 2) {
    const dimensionality = c.u8();
    const kind = c.u8();
    c.skip(5);
    const address = kind === 0 ? UNDEFINED : c.offset();
    const dims = Array.from({ length: dimensionality }, () => c.u32());
    if (kind === 0) return { kind: 'compact', data: c.take(c.u32()) };
    if (kind === 1) return { kind: 'contiguous', address, size: dims.reduce((a, b) => a * b, 1) };
    return { kind: 'chunked', dims: dims.slice(0, rank), index: { kind: 'btree1', address } };
  }
  if (version !== 3 && version !== 4)
    throw new Hdf5Error('corrupt', `unknown data layout version ${version}`);
  const kind = c.u8();
  if (kind === 0) return { kind: 'compact', data: c.take(c.u16()) };
  if (kind === 1) return { kind: 'contiguous', address: c.offset(), size: c.length() };
  if (kind === 3)
    return { kind: 'chunked', dims: [], index: { kind: 'unsupported', name: 'virtual dataset' } };
  if (kind !== 2) throw new Hdf5Error('corrupt', `unknown data layout class ${kind}`);
  if (version === 3) {
    const dimensionality = c.u8();
    const address = c.offset();
    const dims = Array.from({ length: dimensionality }, () => c.u32());
    return { kind: 'chunked', dims: dims.slice(0, rank), index: { kind: 'btree1', address } };
  }
  const flags = c.u8();
  const dimensionality = c.u8();
  const width = c.u8();
  const dims = Array.from({ length: dimensionality }, () => c.sized(width));
  const indexType = c.u8();
  let index: ChunkIndex;
  switch (indexType) {
    case 1: {
      const filtered = (flags & 0x02) !== 0;
      const filteredSize = filtered ? c.length() : null;
      const filterMask = filtered ? c.u32() : 0;
      index = { kind: 'single', address: c.offset(), filteredSize, filterMask };
      break;
    }
    case 2:
      index = { kind: 'implicit', address: c.offset() };
      break;
    case 3: {
      const pageBits = c.u8();
      index = { kind: 'fixedArray', address: c.offset(), pageBits };
      break;
    }
    case 4:
      index = { kind: 'unsupported', name: 'extensible array chunk index' };
      break;
    case 5:
      index = { kind: 'unsupported', name: 'version 2 B-tree chunk index' };
      break;
    default:
      throw new Hdf5Error('corrupt', `unknown chunk index type ${indexType}`);
  }
  return { kind: 'chunked', dims: dims.slice(0, rank), index };
}

function parseFilters(c: Cursor): PipelineFilter[] {
  const version = c.u8();
  const count = c.u8();
  if (version === 1) c.skip(6);
  const filters: PipelineFilter[] = [];
  for (let i = 0; i < count; i++) {
    const id = c.u16();
    const nameLength = version === 1 || id >= 256 ? c.u16() : 0;
    c.skip(2); // flags
    const values = c.u16();
    let name = '';
    if (nameLength > 0) {
      const raw = c.take(version === 1 ? Math.ceil(nameLength / 8) * 8 : nameLength);
      const end = raw.indexOf(0);
      name = new TextDecoder('latin1').decode(end >= 0 ? raw.subarray(0, end) : raw);
    }
    const clientData = Array.from({ length: values }, () => c.u32());
    if (version === 1 && values % 2 === 1) c.skip(4);
    filters.push({ id, name, clientData });
  }
  return filters;
}

function parseFill(c: Cursor): Uint8Array | null {
  const version = c.u8();
  if (version === 3) {
    const flags = c.u8();
    if ((flags & 0x20) === 0) return null;
    const size = c.u32();
    return size > 0 ? c.take(size) : null;
  }
  c.skip(2); // allocation and write times
  const defined = c.u8();
  if (version === 2 && defined === 0) return null;
  const size = c.u32();
  return size > 0 ? c.take(size) : null;
}
