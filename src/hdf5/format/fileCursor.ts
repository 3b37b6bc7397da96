/**
 * Reading an HDF5 file's own structures: the two field widths its superblock chose, and a cursor
 * over little-endian fields of a block read at a file address.
 */
import { Hdf5Error } from '../types';

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
