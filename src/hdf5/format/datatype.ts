/**
 * The datatype message (0x03) as the HDF5 File Format Specification lays it out, described as
 * h5wasm's get_dtype_metadata describes the type libhdf5 hands out: a copy set to memory
 * location, so a vlen string is a 4-byte pointer and a vlen sequence an 8-byte {length,
 * pointer} (wasm32), and a compound holding them shrinks (members after them move down).
 * Order and sign follow H5Tget_order / H5Tget_sign: derived types answer for their base type,
 * a compound for its members (mixed orders are no order).
 */
import type { CompoundMember, Metadata } from 'h5wasm';
import { Hdf5Error } from '../types';
import { align8, Cursor, UNDEFINED, type StoredFile } from './fileCursor';
import { firstMessage, FormatUnsupported, readObjectHeader } from './objectHeader';

/** H5T class numbers (H5T_class_t). */
const INTEGER = 0;
const FLOAT = 1;
const TIME = 2;
export const STRING = 3;
const BITFIELD = 4;
const OPAQUE = 5;
export const COMPOUND = 6;
const REFERENCE = 7;
const ENUM = 8;
export const VLEN = 9;
export const ARRAY = 10;

const DATATYPE_MESSAGE = 0x03;
/** wasm32 sizes of a vlen string's pointer and of a vlen sequence's {length, pointer}. */
const VLEN_STRING_MEMORY = 4;
const VLEN_SEQUENCE_MEMORY = 8;
/** Nested types (array of compound of vlen...) deeper than this are taken as damage. */
const MAX_DEPTH = 32;
/** HDF5's limit on array and dataspace rank. */
export const MAX_RANK = 32;
/** Committed datatypes kept per file before the cache starts over. */
const COMMITTED_CACHE = 256;

type Order = 'le' | 'be' | 'none' | 'mixed';

/** A parsed type with what h5wasm does not report: its stored order and size in the file. */
interface Parsed {
  meta: Metadata;
  order: Order;
  /** Whether libhdf5 forces a conversion (vlen or reference inside): compounds then sort. */
  forceConversion: boolean;
}

const utf8 = new TextDecoder('utf-8');

/** Names (members, attributes) as h5wasm hands them to JavaScript: UTF-8, whatever the character set. */
export function decodeName(bytes: Uint8Array): string {
  // Most names are short ASCII, which TextDecoder takes several times longer to decode.
  if (bytes.length <= 64 && bytes.every(b => b < 0x80)) return String.fromCharCode(...bytes);
  return utf8.decode(bytes);
}
const committed = new WeakMap<StoredFile, Map<number, Parsed>>();
/** Types by their message body, per file (short bodies only). */
const sameTypes = new WeakMap<StoredFile, Map<string, Parsed>>();
const SAME_TYPE_BYTES = 64;
const SAME_TYPE_CACHE = 1024;

export function parseDatatype(file: StoredFile, body: Uint8Array, shared: boolean): Metadata {
  return guard(() => ({ ...parseMessage(file, body, shared, 0).meta }), 'datatype message');
}

/** A type as stored: its byte count in the file (vlen fields hold a length and a heap id). */
export function storedSize(meta: Metadata, offsetSize: number): number {
  if ((meta.type === STRING && meta.vlen) || meta.type === VLEN) return 8 + offsetSize;
  if (meta.type === ARRAY && meta.array_type) {
    const count = (meta.array_type.shape ?? []).reduce((a, b) => a * b, 1);
    return storedSize(meta.array_type, offsetSize) * count;
  }
  if (meta.type === COMPOUND) return meta.size - memoryGrowth(meta, offsetSize);
  return meta.size;
}

/** Each compound member's offset in the file (members ascend by offset where sizes differ). */
export function storedOffsets(meta: Metadata, offsetSize: number): number[] {
  let growth = 0;
  return (meta.compound_type?.members ?? []).map(member => {
    const at = member.offset - growth;
    growth += member.size - storedSize(member, offsetSize);
    return at;
  });
}

function memoryGrowth(meta: Metadata, offsetSize: number): number {
  return (meta.compound_type?.members ?? []).reduce(
    (sum, member) => sum + member.size - storedSize(member, offsetSize),
    0,
  );
}

/** Wraps a parse: a field read past its block is damage, not a RangeError. */
export function guard<T>(parse: () => T, what: string): T {
  try {
    return parse();
  } catch (error) {
    if (error instanceof RangeError) throw new Hdf5Error('corrupt', `a ${what} runs past its end`);
    throw error;
  }
}

function parseMessage(file: StoredFile, body: Uint8Array, shared: boolean, depth: number): Parsed {
  if (!shared) {
    // Most of a file's attributes share a handful of types (a vlen UTF-8 string, a float64):
    // a short body is parsed once per file. Parsed types are never changed, so sharing is safe.
    if (body.length > SAME_TYPE_BYTES) return parseType(new Cursor(body, file), depth);
    const key = String.fromCharCode(...body);
    let known = sameTypes.get(file);
    const parsed = known?.get(key);
    if (parsed) return parsed;
    const fresh = parseType(new Cursor(body, file), depth);
    if (!known || known.size >= SAME_TYPE_CACHE) sameTypes.set(file, (known = new Map()));
    known.set(key, fresh);
    return fresh;
  }
  return committedType(file, sharedAddress(new Cursor(body, file)), depth);
}

/** The object header address a shared message points to (a committed datatype). */
export function sharedAddress(c: Cursor): number {
  const version = c.u8();
  const type = c.u8();
  if (version === 1) c.skip(6);
  else if (version === 3 && type !== 2)
    throw new FormatUnsupported(`a shared message of type ${type} (shared-message table)`);
  else if (version !== 2 && version !== 3)
    throw new Hdf5Error('corrupt', `unknown shared message version ${version}`);
  const address = c.offset();
  if (address === UNDEFINED) throw new Hdf5Error('corrupt', 'a shared message points nowhere');
  return address;
}

function committedType(file: StoredFile, address: number, depth: number): Parsed {
  if (depth > 4) throw new Hdf5Error('corrupt', `committed datatypes refer to each other at ${address}`);
  let cache = committed.get(file);
  const known = cache?.get(address);
  if (known) return known;
  const message = firstMessage(readObjectHeader(file, address), DATATYPE_MESSAGE);
  if (!message)
    throw new Hdf5Error('corrupt', `the committed datatype at ${address} has no datatype message`);
  const parsed = parseMessage(file, message.body, (message.flags & 0x02) !== 0, depth + 1);
  if (!cache || cache.size >= COMMITTED_CACHE) committed.set(file, (cache = new Map()));
  cache.set(address, parsed);
  return parsed;
}

function parseType(c: Cursor, depth: number): Parsed {
  if (depth > MAX_DEPTH) throw new Hdf5Error('corrupt', 'datatypes nest too deeply');
  const head = c.u8();
  const typeClass = head & 0x0f;
  const version = head >> 4;
  const bits = c.u8() | (c.u8() << 8) | (c.u8() << 16);
  const size = c.u32();
  if (version < 1 || version > 4) throw new Hdf5Error('corrupt', `unknown datatype version ${version}`);
  if (size === 0) throw new Hdf5Error('corrupt', 'a datatype of size 0');
  // h5wasm describes a type without shape, maxshape, chunks and total_size: the caller adds them.
  const base = { signed: false, type: typeClass, vlen: false, littleEndian: false, size } as Metadata;
  switch (typeClass) {
    case INTEGER:
    case BITFIELD:
    case TIME:
      return numberType(c, base, bits);
    case FLOAT:
      return floatType(c, base, bits);
    case STRING:
      return atomic({ ...base, cset: (bits >> 4) & 0x0f, strpad: bits & 0x0f }, 'none');
    case OPAQUE:
      c.take(bits & 0xff); // its tag
      return atomic(base, 'none');
    case COMPOUND:
      return compoundType(c, base, bits & 0xffff, version, depth);
    case REFERENCE:
      return referenceType(c, base, bits & 0x0f, version);
    case ENUM:
      return enumType(c, base, bits & 0xffff, version, depth);
    case VLEN:
      return vlenType(c, base, bits, depth);
    case ARRAY:
      return arrayType(c, base, version, depth);
    default:
      throw new FormatUnsupported(`datatype class ${typeClass}`);
  }
}

function atomic(meta: Metadata, order: Order, forceConversion = false): Parsed {
  return { meta, order, forceConversion };
}

function numberType(c: Cursor, base: Metadata, bits: number): Parsed {
  const littleEndian = (bits & 1) === 0;
  if (base.type === TIME) {
    c.u16(); // precision
    return atomic({ ...base, littleEndian }, littleEndian ? 'le' : 'be');
  }
  const offset = c.u16();
  const precision = c.u16();
  // Other sizes come back as their bytes (values.ts gives hex), converted only in order.
  if (offset !== 0 || precision !== base.size * 8)
    throw new FormatUnsupported(`a ${base.size}-byte integer of ${precision} bits at bit ${offset}`);
  const signed = base.type === INTEGER && (bits & 0x08) !== 0;
  return atomic({ ...base, signed, littleEndian }, littleEndian ? 'le' : 'be');
}

/** IEEE layouts libhdf5 converts by swapping bytes alone: [size, exponent at, size, mantissa size, bias]. */
const IEEE: Record<number, number[]> = { 2: [10, 5, 10, 15], 4: [23, 8, 23, 127], 8: [52, 11, 52, 1023] };

function floatType(c: Cursor, base: Metadata, bits: number): Parsed {
  if (bits & 0x40) throw new FormatUnsupported('a VAX-ordered float');
  const littleEndian = (bits & 1) === 0;
  const offset = c.u16();
  const precision = c.u16();
  const layout = [c.u8(), c.u8(), c.u8(), c.u8(), c.u32()];
  const ieee = IEEE[base.size];
  const standard =
    ieee !== undefined &&
    ((bits >> 8) & 0xff) === base.size * 8 - 1 && // the sign bit
    ((bits >> 4) & 0x03) === 2 && // the mantissa's leading 1 implied
    offset === 0 &&
    precision === base.size * 8 &&
    layout[0] === ieee[0] &&
    layout[1] === ieee[1] &&
    layout[2] === 0 &&
    layout[3] === ieee[2] &&
    layout[4] === ieee[3];
  // Other layouts (x87 extended, quads) come back as stored only when nothing converts them.
  if (!standard && (!littleEndian || base.size < 10))
    throw new FormatUnsupported(`a ${base.size}-byte float of ${precision} bits`);
  return atomic({ ...base, littleEndian }, littleEndian ? 'le' : 'be');
}

function referenceType(c: Cursor, base: Metadata, kind: number, version: number): Parsed {
  if (version >= 4 || kind > 1) throw new FormatUnsupported(`reference type ${kind} (version ${version})`);
  const offsetSize = c.file.offsetSize;
  // Stored as an address (object) or a global heap id (region), as libhdf5 hands them out on
  // 64-bit builds only when addresses are 8 bytes.
  if (offsetSize !== 8 || base.size !== (kind === 0 ? 8 : 12))
    throw new FormatUnsupported(`a ${base.size}-byte reference with ${offsetSize}-byte addresses`);
  return atomic({ ...base, ref_type: kind === 0 ? 'object' : 'region' }, 'none', true);
}

/** A name NUL-terminated in a field padded to 8 bytes (versions 1-2) or not padded (3). */
function memberName(c: Cursor, padded: boolean): string {
  const start = c.at;
  const end = c.bytes.indexOf(0, start);
  if (end < 0) throw new Hdf5Error('corrupt', 'a datatype member name has no end');
  const name = decodeName(c.bytes.subarray(start, end));
  c.at = padded ? start + align8(end - start + 1) : end + 1;
  return name;
}

function compoundType(c: Cursor, base: Metadata, count: number, version: number, depth: number): Parsed {
  const members: CompoundMember[] = [];
  let order: Order = 'none';
  let forceConversion = false;
  const offsetBytes = version >= 3 ? byteCount(base.size) : 4;
  for (let i = 0; i < count; i++) {
    const name = memberName(c, version < 3);
    const offset = c.sized(offsetBytes);
    if (version === 1) {
      const rank = c.u8();
      c.skip(3 + 4 + 4 + 16); // reserved, permutation, reserved, dimension sizes
      if (rank !== 0) throw new FormatUnsupported(`a version 1 compound member of rank ${rank}`);
    }
    const member = parseType(c, depth + 1);
    if (offset < 0 || offset + member.meta.size > base.size)
      throw new Hdf5Error('corrupt', `compound member ${name} lies outside its ${base.size} bytes`);
    members.push({ ...member.meta, name, offset, shape: [] });
    forceConversion ||= member.forceConversion;
    order = combine(order, member.order);
  }
  const meta: Metadata = { ...base, compound_type: { nmembers: count, members } };
  if (forceConversion) toMemoryLayout(meta, c.file.offsetSize);
  return { meta: { ...meta, littleEndian: order === 'le' }, order, forceConversion };
}

/** H5T_set_loc(memory): members sorted by offset, each moved by the size change before it. */
function toMemoryLayout(meta: Metadata, offsetSize: number): void {
  const members = meta.compound_type?.members ?? [];
  for (let i = 1; i < members.length; i++)
    if (members[i].offset < members[i - 1].offset)
      throw new FormatUnsupported('a compound with vlen members out of offset order');
  let growth = 0;
  for (const member of members) {
    member.offset += growth;
    growth += member.size - storedSize(member, offsetSize);
  }
  meta.size += growth;
}

function byteCount(value: number): number {
  let n = 1;
  while (n < 4 && value >= 2 ** (8 * n)) n++;
  return n;
}

function combine(order: Order, next: Order): Order {
  if (next === 'none' || order === 'mixed') return order;
  if (order === 'none') return next;
  return order === next ? order : 'mixed';
}

function enumType(c: Cursor, base: Metadata, count: number, version: number, depth: number): Parsed {
  const parent = parseType(c, depth + 1);
  if (parent.meta.type !== INTEGER) throw new FormatUnsupported(`an enum of class ${parent.meta.type}`);
  const names: string[] = [];
  for (let i = 0; i < count; i++) names.push(memberName(c, version < 3));
  const size = parent.meta.size;
  const values = c.take(count * size);
  const view = new DataView(values.buffer, values.byteOffset, values.byteLength);
  const members: { [name: string]: number } = {};
  for (let i = 0; i < count; i++) members[names[i]] = enumValue(view, i * size, parent.meta);
  const meta: Metadata = {
    ...base,
    signed: parent.meta.signed,
    littleEndian: parent.meta.littleEndian,
    enum_type: { type: parent.meta.type, nmembers: count, members },
  };
  return { meta, order: parent.order, forceConversion: false };
}

/** A member's value converted to a C int as h5wasm does (H5Tconvert to NATIVE_INT clamps). */
function enumValue(view: DataView, at: number, meta: Metadata): number {
  let value = 0n;
  for (let i = 0; i < meta.size; i++) {
    const byte = view.getUint8(at + (meta.littleEndian ? i : meta.size - 1 - i));
    value |= BigInt(byte) << BigInt(8 * i);
  }
  if (meta.signed) value = BigInt.asIntN(8 * meta.size, value);
  const clamped = value > 2147483647n ? 2147483647n : value < -2147483648n ? -2147483648n : value;
  return Number(clamped);
}

function vlenType(c: Cursor, base: Metadata, bits: number, depth: number): Parsed {
  const parent = parseType(c, depth + 1);
  if ((bits & 0x0f) === 1) {
    // A vlen string: a sequence of its stored base (characters), whose order and sign it reports.
    const meta = {
      ...base,
      type: STRING,
      size: VLEN_STRING_MEMORY,
      vlen: true,
      signed: parent.meta.signed,
      littleEndian: parent.order === 'le',
      cset: (bits >> 8) & 0x0f,
      strpad: (bits >> 4) & 0x0f,
    };
    return { meta, order: parent.order, forceConversion: true };
  }
  if ((bits & 0x0f) !== 0) throw new FormatUnsupported(`a vlen of kind ${bits & 0x0f}`);
  const meta = {
    ...base,
    size: VLEN_SEQUENCE_MEMORY,
    signed: parent.meta.signed,
    littleEndian: parent.order === 'le',
    vlen_type: parent.meta,
  };
  return { meta, order: parent.order, forceConversion: true };
}

function arrayType(c: Cursor, base: Metadata, version: number, depth: number): Parsed {
  // Versions before 3 (libhdf5 reads a version 1 as a 2, as PyTables wrote them) pad and permute.
  const rank = c.u8();
  if (rank > MAX_RANK) throw new Hdf5Error('corrupt', `an array datatype of rank ${rank}`);
  if (version < 3) c.skip(3);
  const shape: number[] = [];
  for (let i = 0; i < rank; i++) shape.push(c.u32());
  if (version < 3) c.skip(4 * rank);
  const parent = parseType(c, depth + 1);
  const total = shape.reduce((a, b) => a * b, 1);
  if (total * storedSize(parent.meta, c.file.offsetSize) !== base.size)
    throw new Hdf5Error('corrupt', `an array datatype of ${base.size} bytes holds ${total} elements`);
  const meta = {
    ...base,
    size: parent.meta.size * total,
    signed: parent.meta.signed,
    littleEndian: parent.order === 'le',
    array_type: { ...parent.meta, shape, total_size: total },
  };
  return { meta, order: parent.order, forceConversion: parent.forceConversion };
}
