/**
 * Reading an HDF5 file's own structures: the two field widths its superblock chose, and a cursor
 * over little-endian fields of a block read at a file address.
 */
import { Hdf5Error } from '../types';

/** Reads [position, position + target.length) of the file; returns the bytes read. */
export type ReadAt = (position: number, target: Uint8Array) => number;

/** An address field of all ones: nothing allocated there. */
export const UNDEFINED = -1;

/** `n` rounded up to a multiple of 8: the padding of version 1 fields and of global heap headers. */
export function align8(n: number): number {
  return Math.ceil(n / 8) * 8;
}

/** The file and the two field widths its superblock chose; addresses count from `base`. */
export interface StoredFile {
  readAt: ReadAt;
  base: number;
  offsetSize: number;
  lengthSize: number;
  /** The file's size in bytes, when known: no block is read past it. */
  size?: number;
}

/** Without a known size, no one structure is read larger than this (the worker heap is 2 GiB). */
const MAX_BLOCK_LENGTH = 2 ** 30;

/** Little-endian fields of a byte block, in the widths the superblock chose. */
export class Cursor {
  // Bytes are read by index, not through a DataView: a walk makes a cursor per message, and
  // creating a DataView cost more than the fields it read.
  constructor(
    readonly bytes: Uint8Array,
    readonly file: Pick<StoredFile, 'offsetSize' | 'lengthSize'>,
    public at = 0,
  ) {}
  get remaining(): number {
    return this.bytes.length - this.at;
  }
  /** Throws a RangeError (as a DataView read past the end does) unless `n` more bytes are there. */
  private need(n: number): number {
    const at = this.at;
    if (at + n > this.bytes.length) throw new RangeError(`${n} bytes at ${at} run past ${this.bytes.length}`);
    this.at = at + n;
    return at;
  }
  u8(): number {
    return this.bytes[this.need(1)];
  }
  u16(): number {
    const at = this.need(2);
    const b = this.bytes;
    return b[at] | (b[at + 1] << 8);
  }
  u32(): number {
    const at = this.need(4);
    const b = this.bytes;
    return (b[at] | (b[at + 1] << 8) | (b[at + 2] << 16) | (b[at + 3] << 24)) >>> 0;
  }
  /** An unsigned field of 1 to 8 bytes; all ones is UNDEFINED. */
  sized(size: number): number {
    const at = this.need(size);
    const bytes = this.bytes;
    let value = 0;
    let allOnes = true;
    for (let i = size - 1; i >= 0; i--) {
      const b = bytes[at + i];
      if (b !== 0xff) allOnes = false;
      value = value * 256 + b;
    }
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
  // A damaged length field must not become a huge allocation: nothing lies past the file's end.
  const tooFar =
    file.size === undefined ? length > MAX_BLOCK_LENGTH : file.base + address + length > file.size;
  if (!(length >= 0) || address < 0 || tooFar)
    throw new Hdf5Error('corrupt', `${length} bytes at address ${address} run past the end of the file`);
  const bytes = new Uint8Array(length);
  if (file.readAt(file.base + address, bytes) < length)
    throw new Hdf5Error('corrupt', `the file ends before ${length} bytes at address ${address}`);
  return bytes;
}

/** The field widths of the superblock at `base`. */
export function openStoredFile(readAt: ReadAt, base: number, size?: number): StoredFile {
  const head = new Uint8Array(16);
  readAt(base, head);
  const version = head[8];
  const [offsetSize, lengthSize] = version <= 1 ? [head[13], head[14]] : [head[9], head[10]];
  if (![2, 4, 8].includes(offsetSize) || ![2, 4, 8].includes(lengthSize))
    throw new Hdf5Error(
      'corrupt',
      `superblock version ${version} has field sizes ${offsetSize}/${lengthSize}`,
    );
  return { readAt, base, offsetSize, lengthSize, size };
}

/** The eight bytes every superblock starts with. */
export const HDF5_SIGNATURE: readonly number[] = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];

/** The superblock's offset: 0, or 512, 1024, 2048… after a user block (0 when none is found). */
export function superblockOffset(readAt: ReadAt): number {
  const probe = new Uint8Array(8);
  for (let at = 0; at < 1 << 30; at = at === 0 ? 512 : at * 2) {
    if (readAt(at, probe) < 8) break;
    if (probe.every((b, i) => b === HDF5_SIGNATURE[i])) return at;
  }
  return 0;
}
