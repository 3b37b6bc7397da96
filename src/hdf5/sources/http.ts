/**
 * HTTP range source, through the shared HTTP layer (src/net). Every ranged answer must be a 206
 * with the Content-Range and Content-Length asked for; a 200 (whole body) is an error, never data.
 * A DANDI download URL is resolved to its presigned blob URL once (the API key goes to the API
 * only) and renewed after the blob host refuses it; a plain URL's redirects are followed with its
 * headers bound to its own origin. 429, 5xx and dropped connections are retried with the layer's
 * back-off (honouring Retry-After) within the read's deadline.
 */
import type { ApiCredentials } from '../../net/credentials';
import { NetError } from '../../net/errors';
import { HttpStatusError, PresignedUrl } from '../../net/presigned';
import { discard, expectLength, httpGet, type NetResponse } from '../../net/request';
import { DEFAULT_RETRY, parseRetryAfter, pause, retryDelay } from '../../net/retry';
import { Hdf5Error, type Hdf5ErrorCode } from '../types';
import { linkMeterFor, type LinkMeter } from './linkMeter';
import type { ByteSource, ReadOptions, SourceOpenResult } from './source';

export interface HttpSourceOptions {
  url: string;
  /** Sent only to `url`'s origin. */
  headers?: Record<string, string>;
  /**
   * `url` is a DANDI download URL of this API: resolved to the presigned blob URL (with the key
   * on the API only) and re-resolved when the blob host refuses it.
   */
  dandi?: { credentials: ApiCredentials };
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

const POLICY = { ...DEFAULT_RETRY, baseDelayMs: 200 };

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
  readonly link: LinkMeter;
  private readonly location: PresignedUrl | undefined;
  /** Where a plain URL's redirects led last time: read there directly until it refuses. */
  private followed: string | undefined;
  private size = -1;

  constructor(private readonly options: HttpSourceOptions) {
    const u = new URL(options.url);
    this.label = `${u.origin}${u.pathname}`;
    this.link = linkMeterFor(options.url);
    const direct = options.directUrl ? new URL(options.directUrl).href : undefined;
    if (options.dandi || direct) {
      this.location = new PresignedUrl(options.url, {
        credentials: options.dandi?.credentials,
        directUrl: direct,
        onRequest: () => this.requests++,
      });
    }
  }

  async open(
    known: { size?: number; identity?: string },
    options: ReadOptions = {},
  ): Promise<SourceOpenResult> {
    if (known.size !== undefined && known.identity !== undefined) {
      this.size = known.size;
      return { size: known.size, identity: known.identity };
    }
    const probe = await this.withRetries(() => this.rangedGet(0, this.options.probeBytes, options), options);
    this.size = probe.total;
    // Where the bytes came from is part of it (origin and path, never a signature's query): another
    // server, or another object of the same one, must not be able to claim a blob's cache entry.
    const from = new URL(probe.from);
    const where = `${from.origin}${from.pathname}`;
    const identity =
      known.identity ??
      (probe.etag ? `etag:${where}:${probe.etag}:${probe.total}` : `url:${where}:${probe.total}`);
    return { size: probe.total, identity, head: { offset: 0, bytes: probe.bytes } };
  }

  async read(start: number, end: number, options: ReadOptions = {}): Promise<Uint8Array> {
    const answer = await this.withRetries(() => this.rangedGet(start, end, options), options);
    if (answer.bytes.length !== end - start) {
      throw new Hdf5Error('network', `short answer: ${answer.bytes.length} of ${end - start} bytes`);
    }
    return answer.bytes;
  }

  async readInto(
    start: number,
    end: number,
    target: Uint8Array,
    progress: (filled: number, attempt: number) => void,
    options: ReadOptions = {},
  ): Promise<void> {
    if (target.length < end - start)
      throw new Hdf5Error('network', `a buffer of ${target.length} bytes cannot hold ${end - start}`);
    let filled = 0;
    let attempt = 0;
    const report = (n: number) => {
      filled = n;
      progress(n, attempt);
    };
    // A retry after a dropped connection asks only for what has not arrived yet.
    await this.withRetries(() => {
      attempt++;
      return this.rangedGet(start + filled, end, options, { target, at: filled, progress: report });
    }, options);
  }

  /** The pools are shared by every source (src/net); nothing of this source's own stays open. */
  async close(): Promise<void> {}

  private async withRetries<T>(attempt: () => Promise<T>, options: ReadOptions): Promise<T> {
    const maxAttempts = this.options.maxAttempts ?? 5;
    for (let n = 1; ; n++) {
      try {
        return await attempt();
      } catch (error) {
        if (!(error instanceof RetryableError)) throw error;
        if (options.signal?.aborted) throw new Hdf5Error('aborted', 'the read was cancelled');
        const wait = error.retryAfterMs === 0 ? 0 : retryDelay(n, POLICY, error.retryAfterMs);
        const deadline = options.deadline ?? Infinity;
        if (n >= maxAttempts || Date.now() + wait >= deadline) {
          const code: Hdf5ErrorCode =
            Date.now() + wait >= deadline && n < maxAttempts ? 'timeout' : 'network';
          throw new Hdf5Error(
            code,
            `${error.message} (${this.label}, gave up after ${n} attempt${n > 1 ? 's' : ''})`,
          );
        }
        try {
          await pause(wait, options.signal);
        } catch {
          throw new Hdf5Error('aborted', 'the read was cancelled');
        }
      }
    }
  }

  /** One ranged GET; resolves with the verified body. */
  private async rangedGet(
    start: number,
    end: number,
    options: ReadOptions,
    sink?: BodySink,
  ): Promise<{ bytes: Uint8Array; total: number; etag?: string; from: string }> {
    const signal = this.signalFor(options);
    let url = this.followed ?? this.options.url;
    try {
      if (this.location) url = await this.location.current(signal);
    } catch (error) {
      throw this.failure(error, options);
    }
    let response: NetResponse;
    const asked = performance.now();
    try {
      response = await httpGet(url, {
        headers: { range: `bytes=${start}-${end - 1}` },
        originHeaders: { url: this.options.url, headers: this.options.headers },
        signal,
        headersTimeoutMs: this.timeoutFor(options),
        idleTimeoutMs: this.timeoutFor(options),
        onRequest: () => this.requests++,
      });
    } catch (error) {
      throw this.failure(error, options);
    }
    const status = response.status;
    if (!this.location) this.followed = response.url === this.options.url ? undefined : response.url;
    if (status === 206) {
      this.location?.succeeded();
      const answered = performance.now();
      const body = await this.readBody(response, start, end, options, sink);
      this.link.record(answered - asked, performance.now() - answered, body.bytes.length);
      return { ...body, from: response.url };
    }
    discard(response.body);
    if (status === 200) throw new RetryableError('the server ignored the Range header (200 instead of 206)');
    if (url !== this.options.url && !this.location && (status === 403 || status === 404)) {
      // Where the URL redirected before refuses now (an expired signature): ask the URL again.
      this.followed = undefined;
      throw new RetryableError(`the redirect target answered ${status}`, 0);
    }
    if (this.location?.isResolved(url) && (status === 403 || status === 404)) {
      // A presigned URL expired, or a direct URL is not public after all (embargoed, moved):
      // the download URL knows where the bytes are now.
      try {
        await this.location.renew(url);
      } catch (error) {
        throw this.failure(error, options);
      }
      throw new RetryableError(`the blob URL answered ${status}`, 0);
    }
    throw this.failure(
      new HttpStatusError(status, url, '', parseRetryAfter(response.headers['retry-after'])),
      options,
      start,
      end,
    );
  }

  private timeoutFor(options: ReadOptions): number {
    return Math.max(
      1,
      Math.min(this.options.requestTimeoutMs ?? 30_000, (options.deadline ?? Infinity) - Date.now()),
    );
  }

  private signalFor(options: ReadOptions): AbortSignal {
    const signals = [
      AbortSignal.timeout(this.timeoutFor(options)),
      ...(options.signal ? [options.signal] : []),
    ];
    return AbortSignal.any(signals);
  }

  /** Classifies a failure: retryable (network, 429, 5xx), or final as an Hdf5Error. */
  private failure(error: unknown, options: ReadOptions, start = 0, end = 0): Error {
    if (options.signal?.aborted) return new Hdf5Error('aborted', 'the read was cancelled');
    if (error instanceof HttpStatusError) {
      const status = error.status;
      if (status === 429 || status >= 500) return new RetryableError(`HTTP ${status}`, error.retryAfterMs);
      if (status === 404) return new Hdf5Error('not-found', `not found (404): ${this.label}`);
      if (status === 401 || status === 403)
        return new Hdf5Error('network', `access denied (${status}): ${this.label}`);
      if (status === 416)
        return new Hdf5Error('network', `range ${start}-${end - 1} not satisfiable at ${this.label}`);
      return new Hdf5Error('network', `unexpected HTTP ${status} from ${this.label}`);
    }
    if (error instanceof NetError) {
      if (error.code === 'tls') return new Hdf5Error('network', error.message);
      if (error.code === 'too-large') return new Hdf5Error('network', error.message);
      if (error.code === 'redirect') return new Hdf5Error('network', `${error.message} (${this.label})`);
      return new RetryableError(`connection failed (${error.message})`);
    }
    // A bug (ours, or a caller's progress callback) is not the network's: asking again repeats it.
    if (isProgrammingError(error)) return error;
    const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    return new RetryableError(`connection failed (${text})`);
  }

  private async readBody(
    response: NetResponse,
    start: number,
    end: number,
    options: ReadOptions,
    sink?: BodySink,
  ) {
    const range = /^bytes (\d+)-(\d+)\/(\d+|\*)$/.exec(response.headers['content-range'] ?? '');
    const total = range && range[3] !== '*' ? Number(range[3]) : this.size;
    const expectedEnd = total >= 0 ? Math.min(end, total) : end;
    if (!range || Number(range[1]) !== start || Number(range[2]) !== expectedEnd - 1) {
      discard(response.body);
      throw new RetryableError(
        `Content-Range "${String(response.headers['content-range'])}" does not match bytes ${start}-${expectedEnd - 1}`,
      );
    }
    try {
      expectLength(response, expectedEnd - start);
    } catch (error) {
      throw this.failure(error, options);
    }
    const buffer = sink ?? { target: new Uint8Array(expectedEnd - start), at: 0, progress: () => undefined };
    const bytes = await this.streamBody(response, buffer, expectedEnd - start, options);
    if (bytes.length !== expectedEnd - start)
      throw new RetryableError(`connection dropped after ${bytes.length} of ${expectedEnd - start} bytes`);
    const etag = response.headers.etag;
    return { bytes, total, etag: etag?.replace(/"/g, '') };
  }

  /** Copies the body into the sink chunk by chunk; returns the part of the target it filled. */
  private async streamBody(
    response: NetResponse,
    sink: BodySink,
    expected: number,
    options: ReadOptions,
  ): Promise<Uint8Array> {
    const from = sink.at;
    let at = from;
    try {
      for await (const chunk of response.body as AsyncIterable<Buffer>) {
        if (at - from + chunk.length > expected) {
          discard(response.body);
          throw new Hdf5Error('network', `the server sent more than the ${expected} bytes asked for`);
        }
        sink.target.set(chunk, at);
        at += chunk.length;
        this.bytesFetched += chunk.length;
        sink.progress(at);
      }
    } catch (error) {
      if (error instanceof Hdf5Error || isProgrammingError(error)) throw error;
      if (options.signal?.aborted) throw new Hdf5Error('aborted', 'the read was cancelled');
      // What arrived stays (the retry resumes after it); the drop itself is retryable.
      throw new RetryableError(
        `connection dropped after ${at - from} of ${expected} bytes (${error instanceof Error ? error.message : String(error)})`,
      );
    }
    return sink.target.subarray(from, at);
  }
}

/** JavaScript's own errors (the network's are UndiciError, system or abort errors): never retried. */
function isProgrammingError(error: unknown): error is Error {
  return [TypeError, RangeError, ReferenceError, SyntaxError].some(type => error instanceof type);
}
