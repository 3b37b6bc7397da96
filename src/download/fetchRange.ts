import { pause, retryDelay } from '../net/retry';
import {
  classifyNetworkError,
  ExpiredUrlError,
  TransientError,
  redactUrl,
  type Transport,
} from './transport';
import { abortError, DownloadError } from './types';

/** Receives a range's bytes in order. */
export interface RangeSink {
  data(chunk: Buffer, position: number): Promise<void> | void;
  /** The server ignored Range: drop what was received for this range and start again at its start. */
  restart(): Promise<void> | void;
}

/** Where an object's bytes come from: an API URL answering 302 to a presigned URL. */
export interface ObjectSource {
  /** Cache key of the presigned URL (asset id, or Zarr id + entry key). */
  key: string;
  resolveUrl: string;
  /** Where the bytes are publicly (an open blob's unsigned URL): tried before `resolveUrl`. */
  directUrl?: string;
  /** The API root (`https://api.dandiarchive.org/api`): its key goes there and nowhere else. */
  apiUrl: string;
  size: number;
}

export interface FetchContext {
  transport: Transport;
  signal?: AbortSignal;
  maxAttempts: number;
  maxBackoffMs: number;
  /** Slower than this over the window, a response is dropped and its attempt is not free. */
  minimumRate: { bytesPerSec: number; windowMs: number };
  /** Every body byte received, including bytes later thrown away. */
  onBytes(count: number): void;
  log(level: 'info' | 'warn', message: string): void;
}

export function isAbort(err: unknown, signal?: AbortSignal): boolean {
  return Boolean(signal?.aborted) || (err instanceof Error && err.name === 'AbortError');
}

/** The download's back-off: the HTTP layer's policy with the caller's bound (Retry-After up to 5 min). */
function waitBefore(attempt: number, maxBackoffMs: number, retryAfterMs?: number): number {
  return retryDelay(
    attempt,
    { baseDelayMs: 500, maxDelayMs: maxBackoffMs, maxRetryAfterMs: 5 * 60_000 },
    retryAfterMs,
  );
}

/**
 * Fetches bytes [start, end) of an object into `sink`, surviving dropped connections (resumes
 * from the last byte received), 429/5xx (back-off, Retry-After), expired presigned URLs
 * (re-resolved) and servers that ignore Range (restart from `start`, never appending a whole body).
 */
export async function fetchRange(
  ctx: FetchContext,
  source: ObjectSource,
  start: number,
  end: number,
  sink: RangeSink,
): Promise<void> {
  let position = start;
  let attempts = 0;
  while (position < end) {
    if (ctx.signal?.aborted) throw abortError();
    let url = '';
    const before = position;
    // Errors of the sink (the disk) are never retried; everything else on the wire may be.
    let sinkFailure: unknown;
    // A trickle moves forward forever without ever going idle: such attempts are not free.
    let tooSlow = false;
    try {
      url = await ctx.transport.blobUrl(source.key, source.resolveUrl, source.apiUrl, source.directUrl);
      const res = await ctx.transport.getBlob(url, position, end, source.size, source.apiUrl);
      if (res.kind === 'whole' && position !== 0) {
        res.body.discard();
        if (position !== start) await sink.restart();
        position = start;
        // A whole body from byte 0 is only usable when the range starts at 0; otherwise ask again.
        throw new TransientError(`the blob host ignored Range (200 instead of 206) at byte ${before}`);
      }
      ctx.transport.confirmed(source.key);
      const { bytesPerSec, windowMs } = ctx.minimumRate;
      let windowStart = Date.now();
      let windowPosition = position;
      for (let chunk = await res.body.read(); chunk; chunk = await res.body.read()) {
        ctx.onBytes(chunk.length);
        const usable = Math.min(chunk.length, end - position);
        if (usable > 0) {
          try {
            await sink.data(usable === chunk.length ? chunk : chunk.subarray(0, usable), position);
          } catch (err) {
            sinkFailure = err;
            res.body.discard();
            throw err;
          }
          position += usable;
        }
        if (position >= end) {
          // A 200 body goes past the range; stop reading it.
          res.body.discard();
          break;
        }
        const now = Date.now();
        if (now - windowStart >= windowMs) {
          const moved = position - windowPosition;
          if (moved * 1000 < bytesPerSec * (now - windowStart)) {
            res.body.discard();
            tooSlow = true;
            throw new TransientError(
              `too slow: ${moved} bytes in ${((now - windowStart) / 1000).toFixed(1)} s (less than ${bytesPerSec} bytes/s)`,
            );
          }
          windowStart = now;
          windowPosition = position;
        }
      }
      if (position < end) throw new TransientError(`the connection closed after ${position - before} bytes`);
    } catch (caught) {
      if (caught === sinkFailure) throw caught;
      if (isAbort(caught, ctx.signal)) throw abortError();
      const err = classifyNetworkError(caught, url || source.resolveUrl);
      if (err instanceof ExpiredUrlError) {
        ctx.log(
          'info',
          `the blob host refused the URL of ${source.key} (expired, or not public); asking the archive for a new one`,
        );
        await ctx.transport.invalidate(source.key, err.url);
        continue;
      }
      if (!(err instanceof TransientError)) throw err;
      // Attempts that moved forward are free (dandi-cli's "aggressive retry"), unless too slowly.
      attempts = position > before && !tooSlow ? 1 : attempts + 1;
      if (attempts >= ctx.maxAttempts) {
        throw new DownloadError(`gave up after ${attempts} attempts: ${err.message}`, false);
      }
      const wait = waitBefore(attempts, ctx.maxBackoffMs, err.retryAfterMs);
      ctx.log(
        'warn',
        `${err.message} (${redactUrl(url || source.resolveUrl)}); retry ${attempts} in ${Math.round(wait)} ms`,
      );
      await pause(wait, ctx.signal).catch(() => {
        throw abortError();
      });
    }
  }
}
