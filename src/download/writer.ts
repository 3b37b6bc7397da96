import { open } from 'node:fs/promises';
import type { PositionalWriter } from './types';

/** Positional writes to a file opened for update (created when missing, never truncated). */
export async function openPositionalWriter(path: string): Promise<PositionalWriter> {
  const handle = await open(path, 'a+').then(h => h.close()).then(() => open(path, 'r+'));
  return {
    async write(data, position) {
      let done = 0;
      while (done < data.length) {
        const { bytesWritten } = await handle.write(data, done, data.length - done, position + done);
        done += bytesWritten;
      }
    },
    close: () => handle.close(),
  };
}

/**
 * Gathers a range's network chunks into large positional writes (fewer system calls), with one
 * write in flight while the next buffer fills. `flushed` counts bytes known to be on disk. With
 * `shared`, the buffers are shared memory that a hash worker reads in place; a buffer is refilled
 * only after both the disk and the hasher are done with it.
 */
export class BufferedRangeWriter {
  private buffers: [Buffer, Buffer];
  private fill = 0;
  /** File position of the first byte of the current buffer. */
  private bufferStart: number;
  private inFlight: Promise<void> = Promise.resolve();
  private inFlightEnd: number;
  flushed = 0;

  constructor(
    private readonly writer: PositionalWriter,
    private readonly rangeStart: number,
    startAt: number,
    bufferSize: number,
    /** Sees every byte once, in order, as it is handed to the disk (the part's MD5). */
    private readonly onWrite: (data: Uint8Array) => void | Promise<void> = () => undefined,
    shared = false,
  ) {
    const allocate = () => (shared ? Buffer.from(new SharedArrayBuffer(bufferSize)) : Buffer.allocUnsafe(bufferSize));
    this.buffers = [allocate(), allocate()];
    this.bufferStart = startAt;
    this.inFlightEnd = startAt;
    this.flushed = startAt - rangeStart;
  }

  async write(chunk: Buffer, position: number): Promise<void> {
    if (position !== this.bufferStart + this.fill) throw new Error(`non-contiguous write at ${position}`);
    const buffer = this.buffers[0];
    if (this.fill + chunk.length > buffer.length) await this.flush();
    if (chunk.length >= buffer.length) {
      await this.inFlight;
      await Promise.all([this.onWrite(chunk), this.writer.write(chunk, position)]);
      this.bufferStart = position + chunk.length;
      this.inFlightEnd = this.bufferStart;
      this.flushed = this.bufferStart - this.rangeStart;
      return;
    }
    chunk.copy(this.buffers[0], this.fill);
    this.fill += chunk.length;
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
  }

  /** Writes everything received so far; afterwards `flushed` covers every byte given to write(). */
  async drain(): Promise<void> {
    await this.flush();
    await this.inFlight;
    this.flushed = this.inFlightEnd - this.rangeStart;
  }

  /** Forgets buffered bytes and starts again at `position` (the range's start); reset the hash too. */
  async reset(position: number): Promise<void> {
    await this.inFlight.catch(() => undefined);
    this.fill = 0;
    this.bufferStart = position;
    this.inFlightEnd = position;
    this.flushed = position - this.rangeStart;
  }
}
