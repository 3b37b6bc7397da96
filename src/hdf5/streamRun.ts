/**
 * The host's side of a StreamRun (protocol.ts): one request's body written into shared memory as
 * it arrives, for the worker to read as it lands. A small file is streamed whole from its start,
 * but HDF5 writers often put metadata after the data it describes (pynwb writes each dataset's
 * header after its values): a walk then waits at the superblock's groups for bytes megabytes
 * ahead. When the worker waits that far ahead and the stream would take longer to get there than
 * a jump is worth (a slow link), the stream stops and a second request goes on from just before
 * where the worker waits. What lies between is never moved unless something reads it.
 */
import { publishStream, STREAM, STREAM_STATE, streamProgress, type StreamRun } from './protocol';
import type { LinkMeter } from './sources/linkMeter';
import type { ByteSource, ReadOptions } from './sources/source';

type ReadInto = NonNullable<ByteSource['readInto']>;

/** Where the tail starts is rounded down to this (a multiple of the block cache's pages). */
export const TAIL_ALIGN = 64 * 1024;
/**
 * The waiting a jump must save, in round trips (the stream's first byte's time): it can cost three
 * (the new request's, a new connection's as the stopped body takes its connection down, and a miss
 * between the two parts), and one more for a rate measured early. Over loopback here, by the time
 * a stream's rate is known, the rest of a 2.4 MB file lands within three of its first byte's times.
 */
const JUMP_WORTH_ROUND_TRIPS = 4;
/** The stream's rate is judged only after it has run this long (ms) past its first bytes, at least. */
const RATE_SAMPLE_MS = 1;

/** Starts streaming [0, length) into shared memory; `signal` (the file's close) stops it. */
export function startStreamRun(
  readInto: ReadInto,
  length: number,
  link: LinkMeter | undefined,
  options: Required<Pick<ReadOptions, 'signal' | 'deadline'>>,
): StreamRun {
  const run: StreamRun = {
    offset: 0,
    bytes: new Uint8Array(new SharedArrayBuffer(length)),
    progress: streamProgress(),
  };
  const { progress } = run;
  // The head's end settles the stream unless a tail went on from it; the tail's always does.
  const settle = (read: Promise<void>, settles: () => boolean) =>
    read.then(
      () => settles() && publishStream(progress, 'state', STREAM_STATE.done),
      // The worker then fetches what is missing as any miss, and reports that error if it recurs.
      () => settles() && publishStream(progress, 'state', STREAM_STATE.failed),
    );
  const head = new AbortController();
  const stopHead = () => head.abort();
  options.signal.addEventListener('abort', stopHead, { once: true });
  const asked = performance.now();
  /** The current attempt's first bytes: a retry's pause before it says nothing of the link's rate. */
  let first: { at: number; filled: number; attempt: number } | undefined;
  let tailAt = 0;
  const onHead = (filled: number, attempt: number) => {
    publishStream(progress, 'filled', filled);
    const now = performance.now();
    if (first?.attempt !== attempt) first = { at: now, filled, attempt };
    if (tailAt > 0) return;
    // What a request costs here now, the server's own time included: this one's first byte.
    const firstByteMs = first.at - asked;
    // This stream's own rate, not what earlier bodies from the same host took: a link that was
    // fast an hour ago (or another server on a reused port) says nothing of this one now.
    // Judged over as long as the first byte took at least: a stream's first chunks come in bursts.
    const bytesPerMs = rateSince(first, now, filled, Math.max(RATE_SAMPLE_MS, firstByteMs));
    tailAt = tailStart(Atomics.load(progress, STREAM.jumpTo), filled, {
      roundTripMs: firstByteMs,
      bytesPerMs,
    });
    if (tailAt === 0) return;
    head.abort();
    // The misses in what the stream skipped are sized by the link as it is now.
    link?.observeRate(bytesPerMs);
    publishStream(progress, 'tailAt', tailAt);
    settle(
      readInto(
        tailAt,
        length,
        run.bytes.subarray(tailAt),
        tail => publishStream(progress, 'tailFilled', tail),
        options,
      ),
      () => true,
    );
  };
  settle(
    readInto(0, length, run.bytes, onHead, { signal: head.signal, deadline: options.deadline }).finally(() =>
      options.signal.removeEventListener('abort', stopHead),
    ),
    () => tailAt === 0,
  );
  return run;
}

/**
 * Where the stream should go on from, or 0 to keep on: when the worker waits at `wanted` and
 * getting there at the link's rate would take longer than a jump is worth. The tail starts a round
 * trip's worth of bytes before `wanted` (metadata written together sits together, and those bytes
 * cost no more than the next round trip would).
 */
export function tailStart(
  wanted: number,
  filled: number,
  link: { roundTripMs: number; bytesPerMs: number },
): number {
  const { roundTripMs, bytesPerMs } = link;
  if (wanted <= filled || bytesPerMs <= 0) return 0;
  if ((wanted - filled) / bytesPerMs <= JUMP_WORTH_ROUND_TRIPS * roundTripMs) return 0;
  const from = Math.max(filled, wanted - Math.round(bytesPerMs * roundTripMs));
  return from - (from % TAIL_ALIGN);
}

/** Bytes per ms since the stream's first bytes; 0 until it has run for `sampleMs`. */
function rateSince(
  first: { at: number; filled: number },
  now: number,
  filled: number,
  sampleMs: number,
): number {
  return now - first.at < sampleMs ? 0 : (filled - first.filled) / (now - first.at);
}
