/**
 * Where a dataset's bytes are, read from its object header as the HDF5 file format specification
 * lays it out (superblock v0-3, object header v1/v2 with continuation blocks, data layout message
 * v1-4, filter pipeline v1/v2, fill value messages): for the JavaScript reader's dataset
 * descriptions (formatAnswers.ts), chunk plans (chunkPlan.ts) and the datasets h5wasm cannot read
 * (storedData.ts).
 */
import { align8, Cursor, UNDEFINED, type StoredFile } from './fileCursor';
import { attributeFields } from './attributeMessage';
import { readObjectHeader } from './objectHeader';
import { Hdf5Error } from '../types';

export { Cursor, openStoredFile, readBlock, UNDEFINED, type ReadAt, type StoredFile } from './fileCursor';

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
const EXTERNAL = 0x07;

/** Why a dataset with external storage is not read (its layout says contiguous, at no address). */
export const EXTERNAL_STORAGE =
  'its data is kept in files outside this HDF5 file (external storage), which are not read';

/** The layout, filters and fill value in the object header at `address`. */
export function readStoredLayout(file: StoredFile, address: number, rank: number): StoredLayout {
  const messages = new Map<number, Uint8Array>();
  for (const [type, body] of headerMessages(file, address)) if (!messages.has(type)) messages.set(type, body);
  const layout = messages.get(LAYOUT);
  // Else its undefined address would read as never written: the fill value instead of its data.
  if (messages.has(EXTERNAL)) throw new Hdf5Error('unsupported-layout', EXTERNAL_STORAGE);
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
    const { nameBytes, value } = attributeFields(file, body);
    if (nameBytes.length !== wanted.length || nameBytes.some((b, i) => b !== wanted[i])) continue;
    return value.take(nbytes);
  }
  throw new Hdf5Error(
    'unsupported-layout',
    `reading the stored bytes of attribute ${name}: it is not in the object header (dense attribute storage is not supported)`,
  );
}

/** Every message of the header (type, body), following continuation blocks. */
function headerMessages(file: StoredFile, address: number): [number, Uint8Array][] {
  return readObjectHeader(file, address).messages.map(m => [m.type, m.body]);
}

export function parseLayout(c: Cursor, rank: number): Layout {
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

export function parseFilters(c: Cursor): PipelineFilter[] {
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
      const raw = c.take(version === 1 ? align8(nameLength) : nameLength);
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
