/**
 * Raw bytes read by HDF5 to typed arrays or JSON-safe values (dtypes.ts describes their types).
 * Conversion runs while vlen pointers still point into the wasm heap (before reclaim), and
 * references are resolved to the paths they point to.
 */
import type { Metadata } from 'h5wasm';
import {
  ARRAY,
  BITFIELD,
  COMPOUND,
  ENUM,
  FLOAT,
  INTEGER,
  isBoolEnum,
  OPAQUE,
  REFERENCE,
  STRING,
  TIME,
  VLEN,
} from './dtypes';
import { regionText } from './regionText';
import type { H5Region, H5Value, NumericArray } from './types';

/** What conversion needs from the worker: the heap (vlen strings) and reference resolution. */
export interface ValueContext {
  heap(): Uint8Array;
  /** Path of the object a reference points to; null for a null or dangling reference. */
  resolveRef(bytes: Uint8Array, isObject: boolean): string | null;
  /** The selection a region reference holds. */
  region(bytes: Uint8Array): H5Region;
}

/** Whether values of this type come back as a typed array. */
export function isNumeric(meta: Metadata): boolean {
  if (meta.type === INTEGER || meta.type === BITFIELD) return [1, 2, 4, 8].includes(meta.size);
  if (meta.type === FLOAT) return [2, 4, 8].includes(meta.size);
  if (meta.type === ENUM) return [1, 2, 4, 8].includes(meta.size);
  return false;
}

/** Typed array over `count` little-endian elements (float16 widened to float32). */
export function toTypedArray(bytes: Uint8Array, meta: Metadata): NumericArray {
  const buffer =
    bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength
      ? bytes.buffer
      : bytes.slice().buffer;
  const n = bytes.byteLength / meta.size;
  if (meta.type === FLOAT) {
    if (meta.size === 8) return new Float64Array(buffer, 0, n);
    if (meta.size === 4) return new Float32Array(buffer, 0, n);
    const halves = new Uint16Array(buffer, 0, n);
    return Float32Array.from(halves, halfToFloat);
  }
  // An enum's `signed` is its base integer type's (h5py's bool is an int8 enum).
  const signed = meta.signed;
  switch (meta.size) {
    case 1:
      return signed ? new Int8Array(buffer, 0, n) : new Uint8Array(buffer, 0, n);
    case 2:
      return signed ? new Int16Array(buffer, 0, n) : new Uint16Array(buffer, 0, n);
    case 4:
      return signed ? new Int32Array(buffer, 0, n) : new Uint32Array(buffer, 0, n);
    default:
      return signed ? new BigInt64Array(buffer, 0, n) : new BigUint64Array(buffer, 0, n);
  }
}

export function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exponent = (h >> 10) & 0x1f;
  const fraction = h & 0x3ff;
  if (exponent === 0) return sign * 2 ** -14 * (fraction / 1024);
  if (exponent === 0x1f) return fraction ? NaN : sign * Infinity;
  return sign * 2 ** (exponent - 15) * (1 + fraction / 1024);
}

function numberValue(value: number | bigint): number | string {
  if (typeof value === 'number') return value;
  return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER)
    ? Number(value)
    : value.toString();
}

/** Variable-length strings: in memory, one pointer to a NUL-terminated string per element. */
export function isVlenString(meta: Metadata): boolean {
  return meta.type === STRING && meta.vlen === true;
}

/** Converts `bytes` (count elements of `meta`, as HDF5 wrote them to memory) to values. */
export function toValues(bytes: Uint8Array, meta: Metadata, ctx: ValueContext): H5Value[] {
  const size = meta.size;
  const count = size > 0 ? Math.floor(bytes.byteLength / size) : 0;
  const out: H5Value[] = [];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  switch (meta.type) {
    case STRING: {
      if (meta.vlen) {
        const heap = ctx.heap();
        for (let i = 0; i < count; i++)
          out.push(cString(heap, view.getUint32(i * size, true), meta.cset === 1));
      } else {
        const decoder = new TextDecoder(meta.cset === 1 ? 'utf-8' : 'latin1');
        for (let i = 0; i < count; i++) {
          let field = bytes.subarray(i * size, (i + 1) * size);
          const nul = field.indexOf(0);
          if (nul >= 0) field = field.subarray(0, nul);
          out.push(meta.strpad === 2 ? decoder.decode(field).trimEnd() : decoder.decode(field));
        }
      }
      return out;
    }
    case COMPOUND: {
      const members = meta.compound_type?.members ?? [];
      for (let i = 0; i < count; i++) {
        const row: { [key: string]: H5Value } = {};
        for (const member of members) {
          const start = i * size + member.offset;
          const value = toValues(
            bytes.slice(start, start + member.size),
            { ...member, shape: [], total_size: 1 },
            ctx,
          );
          row[member.name] = value.length === 1 ? value[0] : value;
        }
        out.push(row);
      }
      return out;
    }
    case REFERENCE: {
      const isObject = meta.ref_type !== 'region';
      for (let i = 0; i < count; i++) {
        const path = ctx.resolveRef(bytes.slice(i * size, (i + 1) * size), isObject);
        if (path === null || isObject) {
          out.push(path === null ? null : { ref: path });
          continue;
        }
        const selection = ctx.region(bytes.slice(i * size, (i + 1) * size));
        out.push({ ref: path, region: regionText(selection), selection });
      }
      return out;
    }
    case ENUM: {
      const base = toTypedArray(bytes.slice(), meta);
      const names = new Map(Object.entries(meta.enum_type?.members ?? {}).map(([name, v]) => [v, name]));
      const bool = isBoolEnum(meta);
      for (const raw of base) {
        const v = Number(raw);
        out.push(bool ? v !== 0 : (names.get(v) ?? v));
      }
      return out;
    }
    case VLEN: {
      const heap = ctx.heap();
      const inner = meta.vlen_type;
      for (let i = 0; i < count; i++) {
        const length = view.getUint32(i * size, true);
        const ptr = view.getUint32(i * size + 4, true);
        if (!inner) {
          out.push(null);
          continue;
        }
        const data = heap.slice(ptr, ptr + length * inner.size);
        out.push(toValues(data, { ...inner, shape: [length], total_size: length }, ctx));
      }
      return out;
    }
    case ARRAY: {
      const inner = meta.array_type;
      const shape = inner?.shape ?? [];
      for (let i = 0; i < count; i++) {
        if (!inner) {
          out.push(null);
          continue;
        }
        const flat = toValues(
          bytes.slice(i * size, (i + 1) * size),
          { ...inner, shape, total_size: shape.reduce((a, b) => a * b, 1) },
          ctx,
        );
        out.push(nest(flat, shape));
      }
      return out;
    }
    case OPAQUE:
    case TIME:
      for (let i = 0; i < count; i++) out.push(hex(bytes.subarray(i * size, (i + 1) * size)));
      return out;
    case FLOAT:
      if (looksExtended(view, size, count)) {
        for (let i = 0; i < count; i++) out.push(extendedToNumber(view, i * size));
        return out;
      }
      return numbersOrHex(bytes, meta, count);
    default:
      return numbersOrHex(bytes, meta, count);
  }
}

/** Numbers of a size JavaScript has, else each element's bytes as hex. */
function numbersOrHex(bytes: Uint8Array, meta: Metadata, count: number): H5Value[] {
  if (isNumeric(meta)) return Array.from(toTypedArray(bytes.slice(), meta), numberValue);
  return Array.from({ length: count }, (_, i) => hex(bytes.subarray(i * meta.size, (i + 1) * meta.size)));
}

/**
 * Whether floats of 10 to 16 bytes hold x87 80-bit extended values rather than IEEE quads (h5wasm
 * gives no precision to tell them apart): every element must be a canonical x87 encoding (the
 * explicit integer bit set exactly when the exponent is not zero) and one at least not zero or
 * denormal. A quad's low bytes rarely pass; ones that fail stay hex, as libhdf5 returns quads.
 */
function looksExtended(view: DataView, size: number, count: number): boolean {
  if (size < 10 || size > 16) return false;
  let normal = false;
  for (let i = 0; i < count; i++) {
    const integerBit = (view.getUint8(i * size + 7) & 0x80) !== 0;
    const exponent = view.getUint16(i * size + 8, true) & 0x7fff;
    if (integerBit !== (exponent !== 0)) return false;
    if (exponent !== 0) normal = true;
  }
  return normal;
}

/**
 * An x87 80-bit extended float (C's long double on x86: 10 bytes, padded to 12 or 16), as libhdf5
 * converts it to a double: 64-bit mantissa with an explicit integer bit, 15-bit exponent (bias
 * 16383), sign. The mantissa rounds to 53 bits once; the scaling by powers of two is exact.
 */
function extendedToNumber(view: DataView, at: number): number {
  const mantissa = view.getBigUint64(at, true);
  const top = view.getUint16(at + 8, true);
  const sign = top & 0x8000 ? -1 : 1;
  const exponent = top & 0x7fff;
  if (exponent === 0x7fff) return (mantissa & ((1n << 63n) - 1n)) === 0n ? sign * Infinity : NaN;
  const power = (exponent === 0 ? 1 : exponent) - 16383;
  if (power > 1023) return sign * Infinity;
  if (power < -1074) return sign * 0;
  return sign * (Number(mantissa) * 2 ** -63) * 2 ** power;
}

/** A NULL pointer is an empty string, as libhdf5 (and h5py) read it. */
function cString(heap: Uint8Array, ptr: number, utf8: boolean): string {
  if (ptr === 0) return '';
  let end = ptr;
  while (end < heap.length && heap[end] !== 0) end++;
  return (utf8 ? UTF8 : LATIN1).decode(heap.subarray(ptr, end));
}

const UTF8 = new TextDecoder('utf-8');
const LATIN1 = new TextDecoder('latin1');

function hex(bytes: Uint8Array): string {
  return Array.from(bytes, b => b.toString(16).padStart(2, '0')).join('');
}

/** Nests a row-major flat list into the given shape. */
export function nest(flat: H5Value[], shape: number[]): H5Value {
  if (shape.length <= 1) return flat;
  const [outer, ...rest] = shape;
  const step = rest.reduce((a, b) => a * b, 1);
  const out: H5Value[] = [];
  for (let i = 0; i < outer; i++) out.push(nest(flat.slice(i * step, (i + 1) * step), rest));
  return out;
}
