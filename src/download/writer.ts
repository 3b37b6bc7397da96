import { constants } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import type { PositionalWriter } from './types';

/** Direct I/O needs addresses, positions and lengths that are multiples of this (4 KiB sectors). */
const DIRECT_ALIGNMENT = 4096;

async function writeAll(handle: FileHandle, data: Uint8Array, position: number): Promise<void> {
  let done = 0;
  while (done < data.length) {
    const { bytesWritten } = await handle.write(data, done, data.length - done, position + done);
    done += bytesWritten;
  }
}

const aligned = (data: Uint8Array, position: number): boolean =>
  data.length > 0 &&
  data.length % DIRECT_ALIGNMENT === 0 &&
  position % DIRECT_ALIGNMENT === 0 &&
  data.byteOffset % DIRECT_ALIGNMENT === 0;

/**
 * Positional writes to a file opened for update (created when missing, never truncated).
 *
 * With `direct`, aligned writes bypass the page cache (O_DIRECT, Linux): a large download then
 * neither evicts everything else cached nor pays for copying into the cache and allocating its
 * pages, which on virtual machines costs more than receiving the bytes (1 GiB on the CI machine:
 * 2.7 s of CPU through the cache, 0.1 s direct). Unaligned writes (a file's tail) go through the
 * cache; where the file system refuses direct I/O (tmpfs, some FUSE), everything does.
 */
export async function openPositionalWriter(
  path: string,
  options: { direct?: boolean } = {},
): Promise<PositionalWriter & { readonly directBytes: number }> {
  const handle = await open(path, 'a+')
    .then(h => h.close())
    .then(() => open(path, 'r+'));
  const oDirect = (constants as { O_DIRECT?: number }).O_DIRECT;
  let direct =
    options.direct && oDirect
      ? await open(path, constants.O_WRONLY | oDirect).catch(() => undefined)
      : undefined;
  let directBytes = 0;
  return {
    get directBytes() {
      return directBytes;
    },
    async write(data, position) {
      if (direct && aligned(data, position)) {
        try {
          await writeAll(direct, data, position);
          directBytes += data.length;
          return;
        } catch (err) {
          if ((err as { code?: string }).code !== 'EINVAL') throw err;
          // Alignment this file system does not accept after all: use the cache from now on.
          await direct.close().catch(() => undefined);
          direct = undefined;
        }
      }
      await writeAll(handle, data, position);
    },
    async sync() {
      // One inode: syncing either descriptor flushes the file's data and size.
      await handle.datasync();
    },
    async close() {
      await direct?.close();
      await handle.close();
    },
  };
}

/**
 * Gathers a range's network chunks into large positional writes (fewer system calls), with one
 * write in flight while the other buffer fills. Buffers are written full, at multiples of their
 * size from the range's start (aligned for direct I/O), except the range's last bytes. `flushed`
 * counts bytes known to be on disk. A buffer is refilled only after both the disk and `onWrite`
 * (the part's hasher, which may read it in place) are done with it.
 */
export class BufferedRangeWriter {
  private buffers: [Buffer, Buffer];
  private fill = 0;
  /** Bytes the current buffer takes before it is written (less than its size after a resume). */
  private capacity: number;
  /** File position of the first byte of the current buffer. */
  private bufferStart: number;
  private inFlight: Promise<void> = Promise.resolve();
  private inFlightEnd: number;
  flushed = 0;

  constructor(
    private readonly writer: PositionalWriter,
    private readonly rangeStart: number,
    startAt: number,
    buffers: [Buffer, Buffer],
    /** Sees every byte once, in order, as it is handed to the disk (the part's MD5). */
    private readonly onWrite: (data: Uint8Array) => void | Promise<void> = () => undefined,
  ) {
    this.buffers = buffers;
    this.bufferStart = startAt;
    this.inFlightEnd = startAt;
    this.flushed = startAt - rangeStart;
    this.capacity = this.capacityAt(startAt);
  }

  /** Room up to the next multiple of the buffer size from the range's start. */
  private capacityAt(position: number): number {
    const size = this.buffers[0].length;
    return size - ((position - this.rangeStart) % size);
  }

  /** Where the next bytes can be received in place: then pass that very view to write(). */
  space(): Buffer {
    return this.buffers[0].subarray(this.fill, this.capacity);
  }

  async write(chunk: Buffer, position: number): Promise<void> {
    if (position !== this.bufferStart + this.fill) throw new Error(`non-contiguous write at ${position}`);
    const current = this.buffers[0];
    if (
      chunk.buffer === current.buffer &&
      chunk.byteOffset === current.byteOffset + this.fill &&
      chunk.length <= this.capacity - this.fill
    ) {
      this.fill += chunk.length; // received in place (space())
    } else {
      for (let taken = 0; taken < chunk.length;) {
        if (this.fill === this.capacity) await this.flush();
        const count = Math.min(chunk.length - taken, this.capacity - this.fill);
        chunk.copy(this.buffers[0], this.fill, taken, taken + count);
        this.fill += count;
        taken += count;
      }
    }
    // A full buffer goes now, so that space() always has room.
    if (this.fill === this.capacity) await this.flush();
  }

  /** Starts writing the current buffer (waiting for the previous write first) and swaps buffers. */
  private async flush(): Promise<void> {
    await this.inFlight;
    this.flushed = this.inFlightEnd - this.rangeStart;
    if (this.fill === 0) return;
    const [full, spare] = this.buffers;
    const start = this.bufferStart;
    const length = this.fill;
    this.inFlightEnd = start + length;
    const hashed = this.onWrite(full.subarray(0, length));
    const written = this.writer.write(full.subarray(0, length), start);
    this.inFlight = Promise.all([hashed, written]).then(() => undefined);
    // Awaited at the next flush; marked handled now so a disk error is not reported as unhandled.
    this.inFlight.catch(() => undefined);
    this.buffers = [spare, full];
    this.bufferStart = start + length;
    this.fill = 0;
    this.capacity = this.capacityAt(this.bufferStart);
  }

  /** Writes everything received so far; afterwards `flushed` covers every byte given to write(). */
  async drain(): Promise<void> {
    await this.flush();
    await this.inFlight;
    this.flushed = this.inFlightEnd - this.rangeStart;
  }

  /** Waits for the write and hash in flight, if any (their buffer may be in use until then). */
  async settle(): Promise<void> {
    await this.inFlight.catch(() => undefined);
  }

  /** Forgets buffered bytes and starts again at `position` (the range's start); reset the hash too. */
  async reset(position: number): Promise<void> {
    await this.settle();
    this.fill = 0;
    this.bufferStart = position;
    this.inFlightEnd = position;
    this.flushed = position - this.rangeStart;
    this.capacity = this.capacityAt(position);
  }
}
