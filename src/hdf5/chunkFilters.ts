/**
 * The filters of HDF5's own pipeline that the engine undoes outside libhdf5 (storedData.ts for the
 * types h5wasm cannot convert, rawChunks.ts for the overview's raw chunk reads), by filter id.
 */
import { Hdf5Error } from './types';

export const DEFLATE = 1;
export const SHUFFLE = 2;
export const FLETCHER32 = 3;

/** The data before its Fletcher-32 checksum, checked as libhdf5 checks it (either byte order of the sum). */
export function checkedFletcher32(data: Uint8Array): Uint8Array {
  if (data.length < 4) throw new Hdf5Error('corrupt', 'a chunk is shorter than its checksum');
  const body = data.subarray(0, data.length - 4);
  let sum1 = 0;
  let sum2 = 0;
  const words = body.length >> 1;
  for (let i = 0; i < words;) {
    const end = Math.min(words, i + 360);
    for (; i < end; i++) {
      sum1 += (body[2 * i] << 8) | body[2 * i + 1];
      sum2 += sum1;
    }
    sum1 = (sum1 & 0xffff) + (sum1 >>> 16);
    sum2 = (sum2 & 0xffff) + (sum2 >>> 16);
  }
  if (body.length % 2) {
    sum1 += body[body.length - 1] << 8;
    sum2 += sum1;
    sum1 = (sum1 & 0xffff) + (sum1 >>> 16);
    sum2 = (sum2 & 0xffff) + (sum2 >>> 16);
  }
  sum1 = (sum1 & 0xffff) + (sum1 >>> 16);
  sum2 = (sum2 & 0xffff) + (sum2 >>> 16);
  const sum = ((sum2 << 16) | sum1) >>> 0;
  const view = new DataView(data.buffer, data.byteOffset + body.length, 4);
  if (view.getUint32(0, true) !== sum && view.getUint32(0, false) !== sum)
    throw new Hdf5Error('corrupt', 'a chunk fails its Fletcher-32 checksum');
  return body;
}

/** HDF5's shuffle stores byte j of every element together; the tail past whole elements stays. */
export function unshuffle(data: Uint8Array, size: number): Uint8Array {
  if (size <= 1) return data;
  const n = Math.floor(data.length / size);
  const out = new Uint8Array(data.length);
  for (let j = 0; j < size; j++) for (let i = 0; i < n; i++) out[i * size + j] = data[j * n + i];
  out.set(data.subarray(n * size), n * size);
  return out;
}
