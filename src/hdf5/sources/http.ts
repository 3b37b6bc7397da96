/**
 * HTTP range source (undici, keep-alive). Redirects are followed by hand so headers (the DANDI API
 * token) only go to the origin they were given for, never to the blob host. Every ranged answer
 * must be a 206 with the Content-Range asked for; a 200 (whole body) is an error, never data.
 * 429, 5xx and dropped connections are retried with back-off (honouring Retry-After); a 403 from
 * the redirect target (an expired presigned URL) re-resolves the redirect once.
 */
import { Agent, request, type Dispatcher } from 'undici';
import { Hdf5Error, type Hdf5ErrorCode } from '../types';
import type { ByteSource, ReadOptions, SourceOpenResult } from './source';

export interface HttpSourceOptions {
  url: string;
  /** Sent only to `url`'s origin. */
  headers?: Record<string, string>;
  /**
   * Where `url` is known to lead (an open blob's unsigned URL): read first, saving the redirect;
   * a 403 or 404 from it falls back to `url` for good.
   */
  directUrl?: string;
  /** Bytes the size probe asks for (the file's start comes along for free). */
  probeBytes: number;
  /** Deadline of one request when the caller gives none. */
  requestTimeoutMs?: number;
  maxAttempts?: number;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const MAX_REDIRECTS = 5;
const BACKOFF_MS = 200;
const BACKOFF_MAX_MS = 8000;

/** Where a streamed body goes: `target` from index `at` on, reporting each arrival. */
interface BodySink {
  target: Uint8Array;
  at: number;
  progress(filled: number): void;
}

class RetryableError extends Error {
  constructor(
    message: string,
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}

export class HttpSource implements ByteSource {
  requests = 0;
  bytesFetched = 0;
  readonly label: string;
  private readonly agent = new Agent({ keepAliveTimeout: 30_000, connections: 8 });
  /** Where the last redirect pointed (presigned blob URL); re-resolved after a 403. */
  private resolved: string | null = null;
  /** `resolved` is still the caller's direct URL (not an answer of `url`). */
  private direct = false;
  private size = -1;

  constructor(private readonly options: HttpSourceOptions) {
    const u = new URL(options.url);
    this.label = `${u.origin}${u.pathname}`;
    if (options.directUrl) {
      this.resolved = new URL(options.directUrl).href;
      this.direct = true;
    }
  }

  async open(known: { size?: number; identity?: string }, options: ReadOptions = {}): Promise<SourceOpenResult> {
    if (known.size !== undefined && known.identity !== undefined) {
      this.size = known.size;
      return { size: known.size, identity: known.identity };
    }
    const probe = await this.withRetries(() => this.rangedGet(0, this.options.probeBytes, options), options);
    this.size = probe.total;
    // The origin is part of it: another server must not be able to claim a known blob's cache entry.
    const origin = new URL(this.options.url).origin;
    const identity = known.identity ?? (probe.etag ? `etag:${origin}:${probe.etag}:${probe.total}` : `url:${this.label}:${probe.total}`);
    return { size: probe.total, identity, head: { offset: 0, bytes: probe.bytes } };
  }

  async read(start: number, end: number, options: ReadOptions = {}): Promise<Uint8Array> {
    const answer = await this.withRetries(() => this.rangedGet(start, end, options), options);
    if (answer.bytes.length !== end - start) {
      throw new Hdf5Error('network', `short answer: ${answer.bytes.length} of ${end - start} bytes`);
    }
    return answer.bytes;
  }

  async readInto(start: number, end: number, target: Uint8Array, progress: (filled: number) => void, options: ReadOptions = {}): Promise<void> {
    if (target.length < end - start) throw new Hdf5Error('network', `a buffer of ${target.length} bytes cannot hold ${end - start}`);
    let filled = 0;
    const report = (n: number) => {
      filled = n;
      progress(n);
    };
    // A retry after a dropped connection asks only for what has not arrived yet.
    await this.withRetries(() => this.rangedGet(start + filled, end, options, { target, at: filled, progress: report }), options);
  }

  async close(): Promise<void> {
    await this.agent.close().catch(() => undefined);
  }

  private async withRetries<T>(attempt: () => Promise<T>, options: ReadOptions): Promise<T> {
    const maxAttempts = this.options.maxAttempts ?? 5;
    for (let n = 1; ; n++) {
      try {
        return await attempt();
      } catch (error) {
        if (!(error instanceof RetryableError)) throw error;
        if (options.signal?.aborted) throw new Hdf5Error('aborted', 'the read was cancelled');
        const wait = error.retryAfterMs ?? Math.min(BACKOFF_MAX_MS, BACKOFF_MS * 2 ** (n - 1));
        const deadline = options.deadline ?? Infinity;
        if (n >= maxAttempts || Date.now() + wait >= deadline) {
          const code: Hdf5ErrorCode = Date.now() + wait >= deadline && n < maxAttempts ? 'timeout' : 'network';
          throw new Hdf5Error(code, `${error.message} (${this.label}, gave up after ${n} attempt${n > 1 ? 's' : ''})`);
        }
        await delay(wait, options.signal);
      }
    }
  }

  /** One ranged GET (following redirects by hand); resolves with the verified body. */
  private async rangedGet(start: number, end: number, options: ReadOptions, sink?: BodySink): Promise<{ bytes: Uint8Array; total: number; etag?: string }> {
    let url = this.resolved ?? this.options.url;
    const origin = new URL(this.options.url).origin;
    for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
      const headers: Record<string, string> = { range: `bytes=${start}-${end - 1}` };
      if (new URL(url).origin === origin) Object.assign(headers, this.options.headers);
      const response = await this.send(url, headers, options);
      const status = response.statusCode;
      if (REDIRECTS.has(status)) {
        const location = response.headers.location;
        await response.body.dump().catch(() => undefined);
        if (typeof location !== 'string') throw new Hdf5Error('network', `redirect without Location from ${this.label}`);
        url = new URL(location, url).href;
        this.resolved = url;
        this.direct = false;
        continue;
      }
      if (status === 206) return this.readBody(response, start, end, options, sink);
      await response.body.dump().catch(() => undefined);
      if (status === 200) throw new RetryableError('the server ignored the Range header (200 instead of 206)');
      if (url === this.resolved && (status === 403 || (status === 404 && this.direct))) {
        // A presigned URL expired, or a direct URL is not public after all (embargoed, moved):
        // the original URL knows where the bytes are now.
        const why = this.direct ? `the blob URL answered ${status}` : 'the download URL expired (403)';
        this.resolved = null;
        this.direct = false;
        throw new RetryableError(why, 0);
      }
      if (status === 429 || status >= 500) throw new RetryableError(`HTTP ${status}`, retryAfter(response.headers['retry-after']));
      if (status === 404) throw new Hdf5Error('not-found', `not found (404): ${this.label}`);
      if (status === 401 || status === 403) throw new Hdf5Error('network', `access denied (${status}): ${this.label}`);
      if (status === 416) throw new Hdf5Error('network', `range ${start}-${end - 1} not satisfiable at ${this.label}`);
      throw new Hdf5Error('network', `unexpected HTTP ${status} from ${this.label}`);
    }
    throw new Hdf5Error('network', `too many redirects from ${this.label}`);
  }

  private async send(url: string, headers: Record<string, string>, options: ReadOptions): Promise<Dispatcher.ResponseData> {
    const timeout = Math.max(1, Math.min(this.options.requestTimeoutMs ?? 30_000, (options.deadline ?? Infinity) - Date.now()));
    const signals = [AbortSignal.timeout(timeout), ...(options.signal ? [options.signal] : [])];
    this.requests++;
    try {
      return await request(url, { method: 'GET', headers, dispatcher: this.agent, signal: AbortSignal.any(signals), headersTimeout: timeout, bodyTimeout: timeout });
    } catch (error) {
      throw this.transportError(error, options);
    }
  }

  private async readBody(response: Dispatcher.ResponseData, start: number, end: number, options: ReadOptions, sink?: BodySink) {
    const range = /^bytes (\d+)-(\d+)\/(\d+|\*)$/.exec(String(response.headers['content-range'] ?? ''));
    const total = range && range[3] !== '*' ? Number(range[3]) : this.size;
    const expectedEnd = total >= 0 ? Math.min(end, total) : end;
    if (!range || Number(range[1]) !== start || Number(range[2]) !== expectedEnd - 1) {
      await response.body.dump().catch(() => undefined);
      throw new RetryableError(`Content-Range "${String(response.headers['content-range'])}" does not match bytes ${start}-${expectedEnd - 1}`);
    }
    let bytes: Uint8Array;
    try {
      bytes = sink ? await this.streamBody(response, sink, expectedEnd - start) : new Uint8Array(await response.body.arrayBuffer());
    } catch (error) {
      // streamBody's own verdicts stand (a drop is retryable, an oversized body is not).
      throw error instanceof RetryableError || error instanceof Hdf5Error ? error : this.transportError(error, options);
    }
    if (bytes.length !== expectedEnd - start) throw new RetryableError(`connection dropped after ${bytes.length} of ${expectedEnd - start} bytes`);
    if (!sink) this.bytesFetched += bytes.length;
    const etag = response.headers.etag;
    return { bytes, total, etag: typeof etag === 'string' ? etag.replace(/"/g, '') : undefined };
  }

  /** Copies the body into the sink chunk by chunk; returns the part of the target it filled. */
  private async streamBody(response: Dispatcher.ResponseData, sink: BodySink, expected: number): Promise<Uint8Array> {
    const from = sink.at;
    let at = from;
    try {
      for await (const chunk of response.body as AsyncIterable<Buffer>) {
        if (at - from + chunk.length > expected) throw new Hdf5Error('network', `the server sent more than the ${expected} bytes asked for`);
        sink.target.set(chunk, at);
        at += chunk.length;
        this.bytesFetched += chunk.length;
        sink.progress(at);
      }
    } catch (error) {
      if (error instanceof Hdf5Error) throw error;
      // What arrived stays (the retry resumes after it); the drop itself is retryable.
      throw new RetryableError(`connection dropped after ${at - from} of ${expected} bytes (${error instanceof Error ? error.message : String(error)})`);
    }
    return sink.target.subarray(from, at);
  }

  private transportError(error: unknown, options: ReadOptions): Error {
    if (options.signal?.aborted) return new Hdf5Error('aborted', 'the read was cancelled');
    const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    return new RetryableError(`connection failed (${text})`);
  }
}

function retryAfter(header: string | string[] | undefined): number | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

function delay(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(timer);
      reject(new Hdf5Error('aborted', 'the read was cancelled'));
    }, { once: true });
  });
}
