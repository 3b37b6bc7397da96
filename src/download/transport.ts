import type { ApiCredentials } from '../net/credentials';
import { NetError, redactUrl } from '../net/errors';
import { HttpStatusError, PresignedUrl, statusError } from '../net/presigned';
import { discard, expectLength, httpGet, readText, type GetOptions, type NetResponse } from '../net/request';
import { DownloadError, type Timeouts } from './types';

export { redactUrl };

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

/** A blob body, read chunk by chunk. */
export interface BodyReader {
  /** The body's next bytes (undici's buffer, valid until the next call); undefined at the end. */
  read(): Promise<Buffer | undefined>;
  /** Drops the rest. */
  discard(): void;
}

export type BlobResponse =
  /** 206 whose Content-Range matched the request. */
  | { kind: 'partial'; body: BodyReader }
  /** 200 with the whole object (a request without Range, or a server that ignored it). */
  | { kind: 'whole'; body: BodyReader };

/** Largest Zarr listing page read (a page of 1000 entries is ~200 KB). */
const MAX_LISTING_BYTES = 32 * 1024 * 1024;
/** undici buffers this much ahead of the reader: fewer, larger chunks for the part writers. */
const HIGH_WATER_MARK = 1024 * 1024;

function bodyReader(response: NetResponse): BodyReader {
  const chunks = (response.body as AsyncIterable<Buffer>)[Symbol.asyncIterator]();
  return {
    read: async () => {
      const next = await chunks.next();
      return next.done ? undefined : next.value;
    },
    discard: () => discard(response.body),
  };
}

/**
 * HTTP for downloads, through the shared HTTP layer (src/net): presigned-URL resolution and
 * renewal per object key, and classification of every status into success, transient or
 * permanent failure. The API key goes where src/net/credentials.ts says, nowhere else.
 */
export class Transport {
  /** Object URLs by key (asset id, or Zarr id + entry key). */
  private readonly locations = new Map<string, PresignedUrl>();
  private readonly credentials: ApiCredentials | undefined;

  constructor(
    private readonly options: { apiKey?: string; apiUrl?: string; timeouts: Timeouts; signal?: AbortSignal },
  ) {
    this.credentials = options.apiUrl ? { apiUrl: options.apiUrl, apiKey: options.apiKey } : undefined;
  }

  private get requestOptions(): GetOptions {
    return {
      signal: this.options.signal,
      headersTimeoutMs: this.options.timeouts.headersMs,
      idleTimeoutMs: this.options.timeouts.idleMs,
    };
  }

  /** The credentials for an API root (the engine learns it from each file's download URL). */
  private credentialsFor(apiUrl: string): ApiCredentials {
    return this.credentials ?? { apiUrl, apiKey: this.options.apiKey };
  }

  /**
   * The URL to read an object from (cached under `key`, usually the asset id): `directUrl` the
   * first time when given, else the presigned URL behind the API download URL.
   */
  async blobUrl(key: string, apiDownloadUrl: string, apiUrl: string, directUrl?: string): Promise<string> {
    let location = this.locations.get(key);
    if (!location) {
      location = new PresignedUrl(apiDownloadUrl, {
        ...this.requestOptions,
        credentials: this.credentialsFor(apiUrl),
        headers: { accept: 'application/json' },
        directUrl,
      });
      this.locations.set(key, location);
    }
    try {
      return await location.current();
    } catch (err) {
      throw await classify(err, 'the archive', apiDownloadUrl);
    }
  }

  /** Forgets a URL the blob host refused, unless a newer one replaced it already. */
  async invalidate(key: string, url: string): Promise<void> {
    try {
      await this.locations.get(key)?.renew(url);
    } catch {
      throw new DownloadError('the blob host keeps refusing fresh presigned URLs (403)');
    }
  }

  /** Bytes came through `key`'s URL: its renewal budget starts again. */
  confirmed(key: string): void {
    this.locations.get(key)?.succeeded();
  }

  /**
   * GET [start, end) of the object (the whole object when start is 0 and end is its size, without a
   * Range header). Validates 206 + Content-Range + Content-Length; a 200 to a ranged request comes
   * back as `whole`.
   */
  async getBlob(
    url: string,
    start: number,
    end: number,
    size: number,
    apiUrl: string,
  ): Promise<BlobResponse> {
    const ranged = !(start === 0 && end === size);
    const headers: Record<string, string> = ranged ? { range: `bytes=${start}-${end - 1}` } : {};
    let res: NetResponse;
    try {
      res = await httpGet(url, {
        ...this.requestOptions,
        headers,
        credentials: this.credentialsFor(apiUrl),
        highWaterMark: HIGH_WATER_MARK,
      });
    } catch (err) {
      throw await classify(err, 'the blob host', url);
    }
    if (res.status === 206) {
      const contentRange = res.headers['content-range'];
      const m = contentRange && /^bytes (\d+)-(\d+)\/(\d+|\*)$/.exec(contentRange.trim());
      if (!m || Number(m[1]) !== start || Number(m[2]) !== end - 1) {
        discard(res.body);
        throw new TransientError(
          `the blob host answered ${contentRange ?? 'no Content-Range'} to bytes=${start}-${end - 1}`,
        );
      }
      if (m[3] !== '*' && Number(m[3]) !== size) {
        discard(res.body);
        throw new DownloadError(`the blob is ${m[3]} bytes but the asset's metadata says ${size}`);
      }
      try {
        expectLength(res, end - start);
      } catch (err) {
        throw await classify(err, 'the blob host', url);
      }
      return { kind: 'partial', body: bodyReader(res) };
    }
    if (res.status === 200) {
      const length = res.headers['content-length'];
      if (length !== undefined && Number(length) !== size) {
        discard(res.body);
        throw new DownloadError(`the blob is ${length} bytes but the asset's metadata says ${size}`);
      }
      return { kind: 'whole', body: bodyReader(res) };
    }
    if (res.status === 403 && !isOnApi(url, apiUrl)) {
      // An expired presigned URL, or a direct URL that is not public after all.
      discard(res.body);
      throw new ExpiredUrlError(url);
    }
    throw await classify(await statusError(res), 'the blob host', url);
  }

  /** GET a JSON document from the API (Zarr listings), with the key when it is the API's. */
  async getJson(url: string, apiUrl: string): Promise<unknown> {
    let text: string;
    try {
      const res = await httpGet(url, {
        ...this.requestOptions,
        headers: { accept: 'application/json' },
        credentials: this.credentialsFor(apiUrl),
      });
      if (res.status !== 200) throw await statusError(res);
      text = await readText(res, MAX_LISTING_BYTES, this.options.signal);
    } catch (err) {
      throw await classify(err, 'the archive', url);
    }
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw new TransientError('the archive answered with something that is not JSON');
    }
  }
}

function isOnApi(url: string, apiUrl: string): boolean {
  return new URL(url).origin === new URL(apiUrl).origin;
}

/** Turns a failure of the HTTP layer into a transient or permanent download error; aborts pass through. */
export async function classify(err: unknown, who: string, url: string): Promise<Error> {
  if (err instanceof TransientError || err instanceof DownloadError || err instanceof ExpiredUrlError)
    return err;
  if (err instanceof HttpStatusError) {
    const status = err.status;
    const suffix = err.detail ? `: ${err.detail}` : '';
    if (status === 429 || status >= 500)
      return new TransientError(`${who} answered ${status}${suffix}`, err.retryAfterMs);
    if (status === 401)
      return new DownloadError(`${who} answered 401 (sign in to download this asset)${suffix}`);
    if (status === 403) return new DownloadError(`${who} answered 403 (no permission)${suffix}`);
    if (status === 404) return new DownloadError(`${who} answered 404 (not found)${suffix}`);
    return new DownloadError(`${who} answered ${status}${suffix}`);
  }
  return classifyNetworkError(err, url);
}

/** Network-level failures are transient, except an abort (passed through) and a refused certificate. */
export function classifyNetworkError(err: unknown, url: string): Error {
  if (err instanceof TransientError || err instanceof DownloadError || err instanceof ExpiredUrlError)
    return err;
  if (err instanceof NetError) {
    if (err.code === 'aborted') return Object.assign(new Error(err.message), { name: 'AbortError' });
    if (err.code === 'tls' || err.code === 'redirect' || err.code === 'too-large')
      return new DownloadError(err.message);
    return new TransientError(err.message);
  }
  if (err instanceof Error && err.name === 'AbortError') return err;
  const message =
    err instanceof Error ? `${(err as { code?: string }).code ?? err.name}: ${err.message}` : String(err);
  return new TransientError(`connection to ${new URL(url).host} failed (${message})`);
}
