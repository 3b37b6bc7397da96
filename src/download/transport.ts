import { Agent, request, errors as undiciErrors, type Dispatcher } from 'undici';
import { ChunkedBodyError, RawHttpClient, type BodyReader } from './rawHttp';
import { DownloadError, type Timeouts } from './types';

/** A failure worth retrying: 429, 5xx, dropped or stalled connections. */
export class TransientError extends Error {
  constructor(
    message: string,
    /** From Retry-After, in milliseconds. */
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'TransientError';
  }
}

/** The blob host refused a presigned URL (403): it has expired; ask the API for a new one. */
export class ExpiredUrlError extends Error {
  constructor(readonly url: string) {
    super('the presigned URL was refused (expired?)');
    this.name = 'ExpiredUrlError';
  }
}

export type BlobResponse =
  /** 206 whose Content-Range matched the request. */
  | { kind: 'partial'; body: BodyReader }
  /** 200 with the whole object (a request without Range, or a server that ignored it). */
  | { kind: 'whole'; body: BodyReader };

/** A response of either client: status, headers (first values), body. */
interface AnyResponse {
  statusCode: number;
  headers: Record<string, string | string[] | undefined>;
  body: BodyReader;
}

const MAX_RETRY_AFTER_MS = 5 * 60_000;
const HIGH_WATER_MARK = 1024 * 1024;

/** Retry-After as milliseconds: delta-seconds or an HTTP date; absurd values are ignored. */
export function parseRetryAfter(value: string | string[] | undefined, now = Date.now()): number | undefined {
  const text = Array.isArray(value) ? value[0] : value;
  if (!text) return undefined;
  const ms = /^\s*\d+(\.\d+)?\s*$/.test(text) ? Number(text) * 1000 : Date.parse(text) - now;
  if (!Number.isFinite(ms) || ms < 0 || ms > MAX_RETRY_AFTER_MS) return undefined;
  return ms;
}

/** Strips query strings (presigned signatures) from URLs before they reach a log or a message. */
export function redactUrl(url: string): string {
  const q = url.indexOf('?');
  return q < 0 ? url : `${url.slice(0, q)}?…`;
}

/** Drops a response body without reading it; a destroyed body must not raise an unhandled error. */
export function discard(body: Dispatcher.ResponseData['body']): void {
  body.on('error', () => undefined);
  body.destroy();
}

/** undici's body behind the BodyReader interface (chunks are undici's own buffers). */
function undiciBody(body: Dispatcher.ResponseData['body']): BodyReader {
  const chunks = body[Symbol.asyncIterator]();
  return {
    read: async () => {
      const next = await chunks.next();
      return next.done ? undefined : (next.value as Buffer);
    },
    text: async limit => (await body.text()).slice(0, limit),
    discard: () => discard(body),
  };
}

function header(headers: AnyResponse['headers'], name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** Short text of an error body (JSON `detail` or a bare string), for messages; never throws. */
async function errorText(body: BodyReader): Promise<string> {
  try {
    const text = await body.text(2000);
    try {
      const parsed: unknown = JSON.parse(text);
      if (typeof parsed === 'string') return parsed;
      if (parsed && typeof parsed === 'object' && 'detail' in parsed) return String(parsed.detail);
    } catch {
      // Not JSON (an HTML error page): say so rather than dumping markup.
    }
    // S3 answers XML: <Error><Code>SlowDown</Code><Message>...</Message></Error>.
    const s3 = /<Code>([^<]*)<\/Code>(?:\s*<Message>([^<]*)<\/Message>)?/.exec(text);
    if (s3) return [s3[1], s3[2]].filter(Boolean).join(': ');
    return /<html|<!doctype/i.test(text) ? 'an HTML error page' : text.replace(/\s+/g, ' ').trim().slice(0, 200);
  } catch {
    return '';
  }
}

/**
 * HTTP for downloads: one keep-alive connection pool, presigned-URL resolution with a cache per
 * asset, and classification of every status into success, transient or permanent failure.
 */
export class Transport {
  private readonly agent: Agent;
  /** Blob bodies: read into the download's buffers (rawHttp.ts); undici for the API's answers. */
  private readonly raw: RawHttpClient;
  /** Origins that answered a blob GET with a chunked body, which only undici reads. */
  private readonly chunkedOrigins = new Set<string>();
  /** Object URLs by key: presigned answers of the API, or a direct URL on its first use. */
  private readonly objectUrls = new Map<string, Promise<string>>();
  /** Keys whose direct URL was handed out once: after a refusal the API is asked instead. */
  private readonly directTried = new Set<string>();

  constructor(
    private readonly options: { apiKey?: string; timeouts: Timeouts; connections: number; signal?: AbortSignal },
  ) {
    this.raw = new RawHttpClient({ headersTimeoutMs: options.timeouts.headersMs, idleTimeoutMs: options.timeouts.idleMs });
    this.agent = new Agent({
      connections: options.connections,
      keepAliveTimeout: 30_000,
      pipelining: 1,
      headersTimeout: options.timeouts.headersMs,
      bodyTimeout: options.timeouts.idleMs,
    });
  }

  close(): Promise<void> {
    this.raw.close();
    return this.agent.close();
  }

  /** Drops every connection at once (after a cancellation). */
  destroy(): Promise<void> {
    this.raw.destroy();
    return this.agent.destroy().catch(() => undefined);
  }

  /**
   * The URL to read an object from (cached under `key`, usually the asset id): `directUrl` the
   * first time when given, else the presigned URL behind the API download URL.
   */
  blobUrl(key: string, apiDownloadUrl: string, directUrl?: string): Promise<string> {
    let pending = this.objectUrls.get(key);
    if (!pending) {
      const direct = directUrl !== undefined && !this.directTried.has(key);
      if (direct) this.directTried.add(key);
      pending = direct ? Promise.resolve(directUrl) : this.resolveRedirect(apiDownloadUrl);
      this.objectUrls.set(key, pending);
      pending.catch(() => this.objectUrls.delete(key));
    }
    return pending;
  }

  /** Forgets a presigned URL the blob host refused, unless a newer one replaced it already. */
  async invalidate(key: string, url: string): Promise<void> {
    const pending = this.objectUrls.get(key);
    if (pending && (await pending.catch(() => undefined)) === url) this.objectUrls.delete(key);
  }

  private authFor(url: string, apiOrigin: string): Record<string, string> {
    // The key goes to the API origin only: presigned URLs carry their own signature and S3
    // refuses (or worse, logs) a foreign Authorization header.
    return this.options.apiKey && new URL(url).origin === apiOrigin
      ? { authorization: `token ${this.options.apiKey}` }
      : {};
  }

  private async resolveRedirect(apiDownloadUrl: string): Promise<string> {
    const apiOrigin = new URL(apiDownloadUrl).origin;
    let url = apiDownloadUrl;
    for (let hop = 0; hop < 5; hop++) {
      const res = await this.send(url, { accept: 'application/json', ...this.authFor(url, apiOrigin) });
      if (res.statusCode >= 300 && res.statusCode < 400) {
        res.body.resume();
        const location = header(res.headers, 'location');
        if (!location) throw new TransientError(`redirect ${res.statusCode} without a Location`);
        const next = new URL(location, url).toString();
        // 301/308 on the API itself is Django adding a slash; anything else is the presigned URL.
        if ((res.statusCode === 301 || res.statusCode === 308) && new URL(next).origin === apiOrigin) {
          url = next;
          continue;
        }
        return next;
      }
      if (res.statusCode >= 200 && res.statusCode < 300) {
        // The API serves the bytes itself (no blob host): read from the API URL.
        discard(res.body);
        return url;
      }
      throw await this.statusError(asAny(res), 'the archive');
    }
    throw new DownloadError('too many redirects from the download URL');
  }

  /**
   * GET [start, end) of the object (the whole object when start is 0 and end is its size, without a
   * Range header). Validates 206 + Content-Range; a 200 to a ranged request comes back as `whole`.
   */
  async getBlob(url: string, start: number, end: number, size: number, apiOrigin: string): Promise<BlobResponse> {
    const ranged = !(start === 0 && end === size);
    const headers: Record<string, string> = { ...this.authFor(url, apiOrigin) };
    if (ranged) headers.range = `bytes=${start}-${end - 1}`;
    const res = await this.sendBlob(url, headers);
    if (res.statusCode === 206) {
      const contentRange = header(res.headers, 'content-range');
      const m = contentRange && /^bytes (\d+)-(\d+)\/(\d+|\*)$/.exec(contentRange.trim());
      if (!m || Number(m[1]) !== start || Number(m[2]) !== end - 1) {
        res.body.discard();
        throw new TransientError(`the blob host answered ${contentRange ?? 'no Content-Range'} to bytes=${start}-${end - 1}`);
      }
      if (m[3] !== '*' && Number(m[3]) !== size) {
        res.body.discard();
        throw new DownloadError(`the blob is ${m[3]} bytes but the asset's metadata says ${size}`);
      }
      return { kind: 'partial', body: res.body };
    }
    if (res.statusCode === 200) {
      const length = header(res.headers, 'content-length');
      if (length !== undefined && Number(length) !== size) {
        res.body.discard();
        throw new DownloadError(`the blob is ${length} bytes but the asset's metadata says ${size}`);
      }
      return { kind: 'whole', body: res.body };
    }
    if (res.statusCode === 403 && new URL(url).origin !== apiOrigin) {
      res.body.discard();
      throw new ExpiredUrlError(url);
    }
    throw await this.statusError(res, 'the blob host');
  }

  /** A blob GET through the raw client, or undici for an origin that sends chunked bodies. */
  private async sendBlob(url: string, headers: Record<string, string>): Promise<AnyResponse> {
    const origin = new URL(url).origin;
    if (!this.chunkedOrigins.has(origin)) {
      try {
        return await this.raw.get(url, headers, this.options.signal);
      } catch (err) {
        if (!(err instanceof ChunkedBodyError)) throw classifyNetworkError(err, url);
        this.chunkedOrigins.add(origin);
      }
    }
    return asAny(await this.send(url, headers));
  }

  /** GET a JSON document from the API (Zarr listings), with the key when it is the API origin. */
  async getJson(url: string, apiOrigin: string): Promise<unknown> {
    const res = await this.send(url, { accept: 'application/json', ...this.authFor(url, apiOrigin) });
    if (res.statusCode !== 200) throw await this.statusError(asAny(res), 'the archive');
    const text = await res.body.text();
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw new TransientError('the archive answered with something that is not JSON');
    }
  }

  private async send(url: string, headers: Record<string, string>): Promise<Dispatcher.ResponseData> {
    try {
      return await request(url, {
        method: 'GET',
        headers,
        dispatcher: this.agent,
        signal: this.options.signal,
        highWaterMark: HIGH_WATER_MARK,
      });
    } catch (err) {
      throw classifyNetworkError(err, url);
    }
  }

  private async statusError(res: AnyResponse, who: string): Promise<Error> {
    const status = res.statusCode;
    const detail = await errorText(res.body);
    const suffix = detail ? `: ${detail}` : '';
    if (status === 429 || status >= 500) {
      return new TransientError(`${who} answered ${status}${suffix}`, parseRetryAfter(res.headers['retry-after']));
    }
    if (status === 401) return new DownloadError(`${who} answered 401 (sign in to download this asset)${suffix}`);
    if (status === 403) return new DownloadError(`${who} answered 403 (no permission)${suffix}`);
    if (status === 404) return new DownloadError(`${who} answered 404 (not found)${suffix}`);
    return new DownloadError(`${who} answered ${status}${suffix}`);
  }
}

const asAny = (res: Dispatcher.ResponseData): AnyResponse => ({ statusCode: res.statusCode, headers: res.headers, body: undiciBody(res.body) });

/** Network-level failures are transient, except an abort, which passes through unchanged. */
export function classifyNetworkError(err: unknown, url: string): Error {
  if (err instanceof Error && (err.name === 'AbortError' || err instanceof undiciErrors.RequestAbortedError)) return err;
  if (err instanceof TransientError || err instanceof DownloadError || err instanceof ExpiredUrlError) return err;
  const message = err instanceof Error ? `${(err as { code?: string }).code ?? err.name}: ${err.message}` : String(err);
  return new TransientError(`connection to ${new URL(url).host} failed (${message})`);
}
