/**
 * Turning zarrita's answers into the reader's values: plain typed arrays, strings or JSON items in
 * C order. float16 is read as its bits and widened here (Node 20 has no Float16Array).
 */
import * as zarr from 'zarrita';
import { ZarrError } from './errors';
import type { ZarrJson, ZarrValues } from './types';

/** The documents of an array whose dtype may be float16 (`.zarray`'s dtype or `zarr.json`'s data_type). */
interface DtypeDocuments {
  format: 2 | 3;
  array: { [key: string]: ZarrJson };
}

/** zarrita's data as the reader's values: bool as 0/1 bytes, fixed-width strings as strings. */
export function plainValues(data: unknown, count: number): ZarrValues {
  if (ArrayBuffer.isView(data) && !(data instanceof DataView)) {
    const name = data.constructor.name;
    if (name === 'Float16Array') return Float32Array.from(data as unknown as ArrayLike<number>);
    return data as Exclude<ZarrValues, string[] | ZarrJson[]>;
  }
  if (data instanceof zarr.BoolArray) {
    const out = new Uint8Array(count);
    for (let i = 0; i < count; i++) out[i] = data.get(i) ? 1 : 0;
    return out;
  }
  if (data instanceof zarr.UnicodeStringArray || data instanceof zarr.ByteStringArray) {
    const out = new Array<string>(count);
    for (let i = 0; i < count; i++) out[i] = data.get(i);
    return out;
  }
  if (Array.isArray(data)) return data as ZarrJson[];
  throw new ZarrError('corrupt', 'zarrita returned values of an unknown kind');
}

/** float16: Node 20 has no Float16Array, so the bits are read as uint16 and widened to float32 here. */
export function isFloat16(docs: DtypeDocuments): boolean {
  const dtype = docs.format === 2 ? docs.array.dtype : docs.array.data_type;
  return dtype === '<f2' || dtype === '>f2' || dtype === 'float16';
}

function halfBits(value: ZarrJson): number {
  if (typeof value !== 'number')
    return value === 'NaN' ? 0x7e00 : value === 'Infinity' ? 0x7c00 : value === '-Infinity' ? 0xfc00 : 0;
  const f32 = new Float32Array([value]);
  const bits = new Uint32Array(f32.buffer)[0] as number;
  const sign = (bits >>> 16) & 0x8000;
  const exp = ((bits >>> 23) & 0xff) - 127 + 15;
  const mant = bits & 0x7fffff;
  if (exp <= 0) return sign;
  if (exp >= 31) return sign | 0x7c00;
  return sign | (exp << 10) | (mant >>> 13);
}

export function asUint16<D extends DtypeDocuments>(docs: D): D {
  if (docs.format === 2) {
    const dtype = String(docs.array.dtype).replace('f2', 'u2');
    return { ...docs, array: { ...docs.array, dtype, fill_value: halfBits(docs.array.fill_value ?? 0) } };
  }
  return {
    ...docs,
    array: { ...docs.array, data_type: 'uint16', fill_value: halfBits(docs.array.fill_value ?? 0) },
  };
}

export function halfToFloat(bits: Uint16Array): Float32Array {
  const out = new Float32Array(bits.length);
  for (let i = 0; i < bits.length; i++) {
    const h = bits[i] as number;
    const sign = h & 0x8000 ? -1 : 1;
    const exp = (h >> 10) & 0x1f;
    const mant = h & 0x3ff;
    out[i] =
      exp === 0
        ? sign * 2 ** -14 * (mant / 1024)
        : exp === 31
          ? mant
            ? NaN
            : sign * Infinity
          : sign * 2 ** (exp - 15) * (1 + mant / 1024);
  }
  return out;
}

interface Indexable {
  length: number;
  get?(index: number): unknown;
  [index: number]: unknown;
}

/** zarrita answers an F-ordered array with F strides: copy such answers into C order. */
export function cOrder<T>(data: T, shape: number[], stride: number[]): T {
  const c = new Array<number>(shape.length);
  let step = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    c[i] = step;
    step *= shape[i] as number;
  }
  if (shape.every((n, i) => n <= 1 || stride[i] === c[i])) return data;
  const source = data as unknown as Indexable;
  const count = step;
  const read =
    typeof source.get === 'function'
      ? (i: number) => (source.get as (i: number) => unknown)(i)
      : (i: number) => source[i];
  const picked = new Array<unknown>(count);
  const index = new Array<number>(shape.length).fill(0);
  for (let n = 0; n < count; n++) {
    let offset = 0;
    for (let d = 0; d < shape.length; d++) offset += (index[d] as number) * (stride[d] as number);
    picked[n] = read(offset);
    for (let d = shape.length - 1; d >= 0; d--) {
      if (++(index[d] as number) < (shape[d] as number)) break;
      index[d] = 0;
    }
  }
  if (ArrayBuffer.isView(data)) {
    const Typed = (data as unknown as { constructor: new (values: unknown[]) => T }).constructor;
    return new Typed(picked);
  }
  if (Array.isArray(data)) return picked as T;
  // zarrita's BoolArray and string arrays take an iterable of their items.
  const Wrapper = (data as unknown as { constructor: new (...args: unknown[]) => T }).constructor;
  const chars = (data as unknown as { chars?: number }).chars;
  return chars === undefined ? new Wrapper(picked) : new Wrapper(chars, picked);
}

/** The chunk key for chunk coordinates, as the array's metadata encodes it. */
