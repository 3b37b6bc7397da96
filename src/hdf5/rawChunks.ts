/**
 * A dataset's stored pieces (chunkPlan.ts) read straight from the byte source on the host thread,
 * not through h5wasm's one thread: adjacent pieces coalesced into range requests sized by the link
 * (LinkMeter), several requests in flight, each piece inflated on libuv's thread pool (node:zlib's
 * async inflate, so every core decodes), shuffle undone, Fletcher-32 checked, and its elements
 * converted to the typed array read() would give. Memory in flight is bounded by the requests.
 */
import { availableParallelism } from 'node:os';
import { promisify } from 'node:util';
import { inflate, type InputType, type ZlibOptions } from 'node:zlib';
import { checkedFletcher32, DEFLATE, FLETCHER32, SHUFFLE, unshuffle } from './chunkFilters';
import type { LinkMeter } from './sources/linkMeter';
import type { ByteSource } from './sources/source';
import {
  Hdf5Error,
  type ChunkPlan,
  type DecodedChunk,
  type Dtype,
  type NumericArray,
  type StoredPiece,
} from './types';
import { halfToFloat } from './values';

const inflateAsync = promisify<InputType, ZlibOptions, Buffer>(inflate);

const MiB = 1024 * 1024;
/** Request size bounds: the link's round-trip bytes, within these (unknown link: the least). */
const MIN_REQUEST = 4 * MiB;
const MAX_REQUEST = 32 * MiB;
/** A local file has no round trip: reads of this size keep the decoders fed. */
const LOCAL_REQUEST = 8 * MiB;
/** Fetched bytes not yet decoded and handed over, at most (the requests in flight share it). */
const IN_FLIGHT_BYTES = 96 * MiB;
const MAX_REQUESTS = 6;
/** Bytes an inflated chunk may hold past its size (a checksum, padding). */
const INFLATE_SLACK = 64 * 1024;
/** Pieces inflating at once: one per core, leaving libuv's other threads to file I/O. */
const DECODERS = Math.max(2, Math.min(4, availableParallelism()));

export interface RawReadOptions {
  signal?: AbortSignal;
  /** Each request's deadline, in milliseconds. */
  deadlineMs: number;
}

/** One range request: [start, end) of the file and the pieces (plan indices) it holds. */
interface Range {
  start: number;
  end: number;
  pieces: number[];
}

/** Reads and decodes the pieces `which` of `plan`, calling `visit` as each is ready (see Hdf5File.readChunks). */
export async function readRawChunks(
  source: ByteSource,
  plan: ChunkPlan,
  which: readonly number[],
  visit: (chunk: DecodedChunk) => void,
  options: RawReadOptions,
): Promise<void> {
  if (options.signal?.aborted) throw new Hdf5Error('aborted', 'the read was cancelled');
  const size = requestBytes(source.link);
  const ranges = coalesce(plan.chunks, which, size);
  const slots = Math.max(1, Math.min(MAX_REQUESTS, Math.floor(IN_FLIGHT_BYTES / size), ranges.length));

  const stop = new AbortController();
  const onAbort = () => stop.abort();
  options.signal?.addEventListener('abort', onAbort, { once: true });
  const decoders = new Limiter(DECODERS);
  let next = 0;
  let failure: unknown = null;
  const fail = (error: unknown) => {
    failure ??= error;
    stop.abort();
  };
  const decodeRange = async (range: Range, bytes: Uint8Array) => {
    await Promise.all(
      range.pieces.map(index =>
        decoders.run(async () => {
          if (stop.signal.aborted) return;
          const piece = plan.chunks[index];
          const at = piece.address - range.start;
          const chunk = await decodePiece(plan, index, bytes.subarray(at, at + piece.size));
          if (!stop.signal.aborted) visit(chunk);
        }),
      ),
    );
  };
  const slot = async () => {
    while (next < ranges.length && !stop.signal.aborted) {
      const range = ranges[next++];
      const bytes = await source.read(range.start, range.end, {
        signal: stop.signal,
        deadline: Date.now() + options.deadlineMs,
      });

      if (bytes.length !== range.end - range.start)
        throw new Hdf5Error(
          'corrupt',
          `${plan.path}: the file ends inside bytes ${range.start}-${range.end - 1}`,
        );
      // The slot is held until its pieces are handed over: that bounds the bytes in memory.
      await decodeRange(range, bytes);
    }
  };
  try {
    await Promise.all(Array.from({ length: slots }, () => slot().catch(fail)));
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
  }
  if (options.signal?.aborted) throw new Hdf5Error('aborted', 'the read was cancelled');
  if (failure) throw failure;
}

/** Bytes per request: what one round trip on the link transfers, within bounds. */
function requestBytes(link: LinkMeter | undefined): number {
  if (!link) return LOCAL_REQUEST;
  return Math.min(MAX_REQUEST, Math.max(MIN_REQUEST, link.roundTripBytes()));
}

/** The pieces in file order, adjacent ones (small gaps included) in one request up to `size` bytes. */
function coalesce(chunks: readonly StoredPiece[], which: readonly number[], size: number): Range[] {
  const gap = Math.min(256 * 1024, size / 16);
  const order = [...which].sort((a, b) => chunks[a].address - chunks[b].address);
  const ranges: Range[] = [];
  let current: Range | null = null;
  for (const index of order) {
    const { address, size: bytes } = chunks[index];
    const end = address + bytes;
    if (current && address >= current.end && address - current.end <= gap && end - current.start <= size) {
      current.end = end;
      current.pieces.push(index);
      continue;
    }
    current = { start: address, end, pieces: [index] };
    ranges.push(current);
  }
  return ranges;
}

/** One piece's stored bytes through the pipeline (last filter first) into its elements. */
async function decodePiece(plan: ChunkPlan, index: number, stored: Uint8Array): Promise<DecodedChunk> {
  const piece = plan.chunks[index];
  const where = () =>
    `${plan.path}: the ${plan.layout === 'chunked' ? 'chunk' : 'rows'} at [${piece.origin.join(', ')}]`;
  const elementSize = plan.dtype.size;
  const chunkBytes = plan.chunkShape.reduce((a, b) => a * b, 1) * elementSize;
  // One output buffer of the chunk's size (zlib's default 16 KiB would cost a thread-pool round
  // trip every 16 KiB); a chunk inflating far past its size is damaged, not a reason to fill memory.
  const inflating = { chunkSize: chunkBytes + INFLATE_SLACK, maxOutputLength: chunkBytes + INFLATE_SLACK };
  let data = stored;
  try {
    for (let i = plan.filters.length - 1; i >= 0; i--) {
      if (piece.filterMask & (1 << i)) continue;
      const filter = plan.filters[i];
      if (filter.id === DEFLATE) {
        try {
          data = await inflateAsync(data, inflating);
        } catch (error) {
          throw new Hdf5Error('corrupt', `a deflated chunk does not inflate (${(error as Error).message})`);
        }
      } else if (filter.id === SHUFFLE) data = unshuffle(data, filter.clientData[0] || elementSize);
      else if (filter.id === FLETCHER32) data = checkedFletcher32(data);
      else throw new Hdf5Error('unsupported-filter', `filter ${filter.id} cannot be decoded here`);
    }
  } catch (error) {
    if (!(error instanceof Hdf5Error)) throw error;
    throw new Hdf5Error(
      error.code,
      `${where()} (bytes ${piece.address}-${piece.address + piece.size - 1}): ${error.message}`,
    );
  }
  const shape =
    plan.layout === 'chunked'
      ? plan.chunkShape
      : [piece.size / (plan.shape.slice(1).reduce((a, b) => a * b, 1) * elementSize), ...plan.shape.slice(1)];
  const count = shape.reduce((a, b) => a * b, 1);
  if (data.length < count * elementSize)
    throw new Hdf5Error('corrupt', `${where()} holds ${data.length} of its ${count * elementSize} bytes`);
  return {
    index,
    origin: piece.origin,
    shape,
    data: typedArrayOf(data.subarray(0, count * elementSize), plan.dtype),
  };
}

/** The elements as read() gives them: native byte order, float16 widened to float32. */
function typedArrayOf(bytes: Uint8Array, dtype: Dtype): NumericArray {
  const size = dtype.size;
  // Views need their element alignment: bytes at an odd offset are copied first.
  const own = bytes.byteOffset % size === 0 ? bytes : bytes.slice();
  if (dtype.littleEndian === false && size > 1) swapInPlace(own, size);
  const { buffer, byteOffset } = own;
  const n = own.length / size;
  if (dtype.class === 'float') {
    if (size === 8) return new Float64Array(buffer, byteOffset, n);
    if (size === 4) return new Float32Array(buffer, byteOffset, n);
    return Float32Array.from(new Uint16Array(buffer, byteOffset, n), halfToFloat);
  }
  const signed = dtype.signed !== false;
  switch (size) {
    case 1:
      return signed ? new Int8Array(buffer, byteOffset, n) : new Uint8Array(buffer, byteOffset, n);
    case 2:
      return signed ? new Int16Array(buffer, byteOffset, n) : new Uint16Array(buffer, byteOffset, n);
    case 4:
      return signed ? new Int32Array(buffer, byteOffset, n) : new Uint32Array(buffer, byteOffset, n);
    default:
      return signed ? new BigInt64Array(buffer, byteOffset, n) : new BigUint64Array(buffer, byteOffset, n);
  }
}

function swapInPlace(bytes: Uint8Array, size: number): void {
  for (let at = 0; at + size <= bytes.length; at += size) {
    for (let i = 0, j = at + size - 1, k = at; i < size >> 1; i++, j--, k++) {
      const b = bytes[k];
      bytes[k] = bytes[j];
      bytes[j] = b;
    }
  }
}

/** Runs at most `max` tasks at once, the rest in arrival order. */
class Limiter {
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly max: number) {}

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.active >= this.max) await new Promise<void>(resolve => this.waiting.push(resolve));
    else this.active++;
    try {
      return await task();
    } finally {
      const next = this.waiting.shift();
      // The slot passes straight to the next task.
      if (next) next();
      else this.active--;
    }
  }
}
