/**
 * What says a metadata block is what it should be: its 4-byte signature, and the checksum of
 * HDF5's newer metadata (superblock versions 2-3, fractal heaps, version 2
 * B-trees, version 2 object headers): Bob Jenkins' lookup3 `hashlittle` with an initial value of
 * 0, as libhdf5's H5_checksum_lookup3. libhdf5 refuses a structure whose checksum fails; so do we.
 */
import { Hdf5Error } from '../types';

function lookup3(bytes: Uint8Array, from: number, to: number): number {
  let length = to - from;
  let a = (0xdeadbeef + length) | 0;
  let b = a;
  let c = a;
  let k = from;
  while (length > 12) {
    a = (a + (bytes[k] | (bytes[k + 1] << 8) | (bytes[k + 2] << 16) | (bytes[k + 3] << 24))) | 0;
    b = (b + (bytes[k + 4] | (bytes[k + 5] << 8) | (bytes[k + 6] << 16) | (bytes[k + 7] << 24))) | 0;
    c = (c + (bytes[k + 8] | (bytes[k + 9] << 8) | (bytes[k + 10] << 16) | (bytes[k + 11] << 24))) | 0;
    a = (a - c) | 0;
    a ^= (c << 4) | (c >>> 28);
    c = (c + b) | 0;
    b = (b - a) | 0;
    b ^= (a << 6) | (a >>> 26);
    a = (a + c) | 0;
    c = (c - b) | 0;
    c ^= (b << 8) | (b >>> 24);
    b = (b + a) | 0;
    a = (a - c) | 0;
    a ^= (c << 16) | (c >>> 16);
    c = (c + b) | 0;
    b = (b - a) | 0;
    b ^= (a << 19) | (a >>> 13);
    a = (a + c) | 0;
    c = (c - b) | 0;
    c ^= (b << 4) | (b >>> 28);
    b = (b + a) | 0;
    length -= 12;
    k += 12;
  }
  if (length === 0) return c >>> 0;
  // The last 1-12 bytes, zero-padded, as the reference's fall-through switch adds them.
  const tail = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
  for (let i = 0; i < length; i++) tail[i] = bytes[k + i];
  a = (a + (tail[0] | (tail[1] << 8) | (tail[2] << 16) | (tail[3] << 24))) | 0;
  b = (b + (tail[4] | (tail[5] << 8) | (tail[6] << 16) | (tail[7] << 24))) | 0;
  c = (c + (tail[8] | (tail[9] << 8) | (tail[10] << 16) | (tail[11] << 24))) | 0;
  c ^= b;
  c = (c - ((b << 14) | (b >>> 18))) | 0;
  a ^= c;
  a = (a - ((c << 11) | (c >>> 21))) | 0;
  b ^= a;
  b = (b - ((a << 25) | (a >>> 7))) | 0;
  c ^= b;
  c = (c - ((b << 16) | (b >>> 16))) | 0;
  a ^= c;
  a = (a - ((c << 4) | (c >>> 28))) | 0;
  b ^= a;
  b = (b - ((a << 14) | (a >>> 18))) | 0;
  c ^= b;
  c = (c - ((b << 24) | (b >>> 8))) | 0;
  return c >>> 0;
}

/** Checks the little-endian checksum stored at `at` against bytes [0, at) (or [from, at)). */
export function verifyChecksum(bytes: Uint8Array, at: number, what: string, from = 0): void {
  if (at + 4 > bytes.length) throw new Hdf5Error('corrupt', `${what} ends before its checksum`);
  const stored = (bytes[at] | (bytes[at + 1] << 8) | (bytes[at + 2] << 16) | (bytes[at + 3] << 24)) >>> 0;
  if (lookup3(bytes, from, at) !== stored) throw new Hdf5Error('corrupt', `${what} fails its checksum`);
}

/** Checks a block whose checksum field at `at` is counted as zeros over the whole block (a fractal heap direct block). */
export function verifyBlockChecksum(bytes: Uint8Array, at: number, what: string): void {
  const stored = bytes.slice(at, at + 4);
  bytes.fill(0, at, at + 4);
  const computed = lookup3(bytes, 0, bytes.length);
  bytes.set(stored, at);
  if (computed !== (stored[0] | (stored[1] << 8) | (stored[2] << 16) | (stored[3] << 24)) >>> 0)
    throw new Hdf5Error('corrupt', `${what} fails its checksum`);
}

/** Whether `bytes` hold the 4-letter signature `text` at `at` (compared as bytes: no string built). */
export function isSignature(bytes: Uint8Array, at: number, text: string): boolean {
  return (
    bytes[at] === text.charCodeAt(0) &&
    bytes[at + 1] === text.charCodeAt(1) &&
    bytes[at + 2] === text.charCodeAt(2) &&
    bytes[at + 3] === text.charCodeAt(3)
  );
}
