/**
 * ISO BMFF (MP4, QuickTime) boxes: headers (32-bit, 64-bit `largesize`, size 0 = to the end) and
 * a bounds-checked big-endian cursor. Every length read from the file is checked against the bytes
 * that hold it, so a damaged box gives a VideoError, never a read past a buffer or a huge allocation.
 */
import { VideoError } from './errors';

export interface BoxHeader {
  type: string;
  /** Offset of the box's first byte (in the file, or in the buffer it was read from). */
  start: number;
  headerSize: number;
  /** Total size, header included; for size 0, up to the end of what contains it. */
  size: number;
}

export function fourcc(bytes: Uint8Array, at: number): string {
  return String.fromCharCode(bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]);
}

/**
 * The box header at `at` in `bytes` (whose first byte is at `base` in the file), or null when
 * fewer than 16 bytes remain there and more are needed. `end` is where the enclosing space ends.
 */
export function readBoxHeader(bytes: Uint8Array, at: number, base: number, end: number): BoxHeader | null {
  if (at + 8 > bytes.length) return null;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let size = view.getUint32(at);
  const type = fourcc(bytes, at + 4);
  let headerSize = 8;
  const start = base + at;
  if (size === 1) {
    if (at + 16 > bytes.length) return null;
    size = view.getUint32(at + 8) * 2 ** 32 + view.getUint32(at + 12);
    headerSize = 16;
  } else if (size === 0) {
    size = end - start;
  }
  if (!/^[\x20-\x7e\xa9]{4}$/.test(type))
    throw new VideoError('corrupt', `no box at byte ${start}: its type is not a four-character code`);
  if (size < headerSize)
    throw new VideoError('corrupt', `box '${type}' at byte ${start} is ${size} bytes long`);
  if (start + size > end)
    throw new VideoError(
      'corrupt',
      `box '${type}' at byte ${start} (${size} bytes) runs past the end at ${end}`,
    );
  return { type, start, headerSize, size };
}

/** The child boxes of a container payload held whole in `bytes` [from, to). */
export function childBoxes(bytes: Uint8Array, from: number, to: number): BoxHeader[] {
  const out: BoxHeader[] = [];
  let at = from;
  while (at + 8 <= to) {
    const header = readBoxHeader(bytes.subarray(0, to), at, 0, to);
    if (!header) break;
    out.push(header);
    at += header.size;
  }
  return out;
}

/** A bounds-checked big-endian cursor over one box's payload. */
export class Cursor {
  private readonly view: DataView;
  at: number;

  constructor(
    readonly bytes: Uint8Array,
    from: number,
    readonly end: number,
    private readonly what: string,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.at = from;
  }

  static ofBox(bytes: Uint8Array, box: BoxHeader): Cursor {
    return new Cursor(bytes, box.start + box.headerSize, box.start + box.size, `'${box.type}'`);
  }

  get remaining(): number {
    return this.end - this.at;
  }

  need(n: number): void {
    if (n < 0 || this.at + n > this.end)
      throw new VideoError('corrupt', `${this.what} is cut short (needs ${n} more bytes at ${this.at})`);
  }

  /** Checks that `count` entries of `entryBytes` fit before the payload's end. */
  entries(count: number, entryBytes: number): void {
    if (count * entryBytes > this.remaining)
      throw new VideoError(
        'corrupt',
        `${this.what} claims ${count} entries of ${entryBytes} bytes but holds ${this.remaining} bytes`,
      );
  }

  skip(n: number): void {
    this.need(n);
    this.at += n;
  }
  u8(): number {
    this.need(1);
    return this.view.getUint8(this.at++);
  }
  u16(): number {
    this.need(2);
    const v = this.view.getUint16(this.at);
    this.at += 2;
    return v;
  }
  u24(): number {
    return this.u16() * 256 + this.u8();
  }
  u32(): number {
    this.need(4);
    const v = this.view.getUint32(this.at);
    this.at += 4;
    return v;
  }
  i32(): number {
    this.need(4);
    const v = this.view.getInt32(this.at);
    this.at += 4;
    return v;
  }
  u64(): number {
    const high = this.u32();
    return high * 2 ** 32 + this.u32();
  }
  i64(): number {
    const high = this.i32();
    return high * 2 ** 32 + this.u32();
  }
  bytesOf(n: number): Uint8Array {
    this.need(n);
    const out = this.bytes.slice(this.at, this.at + n);
    this.at += n;
    return out;
  }
  /** version (8 bits) and flags (24 bits) of a full box. */
  fullBox(): { version: number; flags: number } {
    const version = this.u8();
    return { version, flags: this.u24() };
  }
}
