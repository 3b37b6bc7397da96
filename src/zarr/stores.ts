/**
 * Zarr stores as zarrita `AsyncReadable`s: keys are fetched by name, never listed to be shown.
 * Remote stores go through the project's one HTTP layer (src/net): retries with its back-off,
 * deadlines, capped bodies, and the API key only on the API's origin.
 *
 * A missing key is `undefined` (zarrita then uses the fill value): 404 or 403 from a public prefix
 * (S3 answers 403 for an absent key without list permission). Anything else that is not the bytes
 * is an error naming the key.
 */
import { open, readFile, readdir, stat } from 'node:fs/promises';
import { join, sep } from 'node:path';
import type { ApiCredentials } from '../net/credentials';
import { NetError } from '../net/errors';
import { errorDetail } from '../net/presigned';
import { discard, httpGet, readBody, type NetResponse } from '../net/request';
import { DEFAULT_RETRY, parseRetryAfter, pause, retryDelay, TRANSIENT_STATUS } from '../net/retry';
import { ZarrError } from './errors';

/** The store interface zarrita reads through (`@zarrita/storage`'s AsyncReadable, keys `/a/b`). */
export interface ZarrStore {
  readonly label: string;
  get(key: `/${string}`, options?: { signal?: AbortSignal }): Promise<Uint8Array | undefined>;
  /** Part of a key (sharded arrays read a shard's index and inner chunks this way). */
  getRange(
    key: `/${string}`,
    range: ByteRange,
    options?: { signal?: AbortSignal },
  ): Promise<Uint8Array | undefined>;
  /** Names directly under a prefix ("" is the root), or undefined when this store cannot list cheaply. */
  list?(prefix: string, signal?: AbortSignal): Promise<string[] | undefined>;
  /** Listing sends no request (a local readdir): worth doing even when consolidated metadata exists. */
  readonly listingIsFree?: boolean;
  requests: number;
  bytesFetched: number;
}

/** zarrita's RangeQuery: an offset and length, or the last `suffixLength` bytes. */
export type ByteRange = { offset: number; length: number } | { suffixLength: number };

export interface RemoteStoreOptions {
  /** Largest object one key may hold (a chunk, `.zmetadata`). */
  maxObjectBytes?: number;
  requestTimeoutMs?: number;
  maxAttempts?: number;
}

const DEFAULT_MAX_OBJECT_BYTES = 512 * 1024 * 1024;
const POLICY = { ...DEFAULT_RETRY, baseDelayMs: 200 };

/** `/a/b` → `a/b`, refusing keys that climb out of the store. */
function storeKey(key: string): string {
  const relative = key.replace(/^\/+/, '');
  if (relative.split('/').some(part => part === '..' || part === '.'))
    throw new ZarrError('bad-key', `invalid Zarr key ${JSON.stringify(key)}`);
  return relative;
}

/** A fresh, unshared Uint8Array (zarrita's vlen decoders read `bytes.buffer` from offset 0). */
function own(buffer: Buffer): Uint8Array {
  const out = new Uint8Array(buffer.length);
  out.set(buffer);
  return out;
}

/** A local folder. Listing is a readdir: cheap, so `children()` may use it. */
export class LocalStore implements ZarrStore {
  requests = 0;
  bytesFetched = 0;
  readonly label: string;
  readonly listingIsFree = true;

  constructor(private readonly root: string) {
    this.label = root;
  }

  async get(key: `/${string}`): Promise<Uint8Array | undefined> {
    const file = join(this.root, ...storeKey(key).split('/'));
    this.requests++;
    try {
      const data = await readFile(file);
      this.bytesFetched += data.length;
      return own(data);
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'EISDIR') return undefined;
      throw new ZarrError('io', `cannot read ${key} in ${this.root}: ${(error as Error).message}`);
    }
  }

  async getRange(key: `/${string}`, range: ByteRange): Promise<Uint8Array | undefined> {
    const file = join(this.root, ...storeKey(key).split('/'));
    this.requests++;
    let handle;
    try {
      handle = await open(file, 'r');
    } catch {
      return undefined;
    }
    try {
      const size = (await handle.stat()).size;
      const start = 'suffixLength' in range ? Math.max(0, size - range.suffixLength) : range.offset;
      const length = 'suffixLength' in range ? size - start : Math.min(range.length, size - start);
      const out = new Uint8Array(Math.max(0, length));
      await handle.read(out, 0, out.length, start);
      this.bytesFetched += out.length;
      return out;
    } finally {
      await handle.close();
    }
  }

  async list(prefix: string): Promise<string[] | undefined> {
    const dir = join(this.root, ...storeKey(prefix).split('/').filter(Boolean));
    try {
      return (await readdir(dir)).sort();
    } catch {
      return [];
    }
  }

  /**
   * A local store's cache identity: its path and the size and mtime of its consolidated metadata
   * (`.zmetadata`, or a root `zarr.json` holding `consolidated_metadata`), which change whenever the
   * hierarchy is consolidated again. Without consolidated metadata there is none: any nested
   * document may change unseen, and reading them locally is cheap anyway.
   */
  static async consolidatedStamp(root: string): Promise<string | undefined> {
    const where = root.split(sep).join('/');
    for (const key of ['.zmetadata', 'zarr.json']) {
      const file = join(root, key);
      const info = await stat(file).catch(() => null);
      if (!info?.isFile()) continue;
      if (key === 'zarr.json' && !(await readFile(file, 'utf8')).includes('"consolidated_metadata"'))
        return undefined;
      return `${where}|${key}:${info.size}:${info.mtimeMs}`;
    }
    return undefined;
  }
}

class Retryable extends Error {
  constructor(
    message: string,
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}

/** What one GET of a key came to. */
type KeyAnswer = { kind: 'bytes'; bytes: Uint8Array } | { kind: 'missing' };

/** Shared by the public-prefix and presigned stores: retries, deadlines, caps, counting. */
abstract class RemoteStore implements ZarrStore {
  requests = 0;
  bytesFetched = 0;
  abstract readonly label: string;

  constructor(protected readonly options: RemoteStoreOptions) {}

  protected abstract fetchKey(
    key: string,
    signal: AbortSignal | undefined,
    range?: ByteRange,
  ): Promise<KeyAnswer>;

  get(key: `/${string}`, opts?: { signal?: AbortSignal }): Promise<Uint8Array | undefined> {
    return this.withRetries(key, undefined, opts?.signal);
  }

  getRange(
    key: `/${string}`,
    range: ByteRange,
    opts?: { signal?: AbortSignal },
  ): Promise<Uint8Array | undefined> {
    return this.withRetries(key, range, opts?.signal);
  }

  private async withRetries(key: string, range: ByteRange | undefined, signal?: AbortSignal) {
    const relative = storeKey(key);
    const maxAttempts = this.options.maxAttempts ?? 5;
    for (let n = 1; ; n++) {
      try {
        const answer = await this.fetchKey(relative, signal, range);
        return answer.kind === 'bytes' ? answer.bytes : undefined;
      } catch (error) {
        if (error instanceof NetError && error.code === 'aborted')
          throw new ZarrError('aborted', 'the read was cancelled');
        const retryable =
          error instanceof Retryable || (error instanceof NetError && error.code !== 'too-large');
        if (!retryable) throw error;
        const message = (error as Error).message;
        if (n >= maxAttempts)
          throw new ZarrError('network', `${relative}: ${message} (gave up after ${n} attempts)`);
        const wait = retryDelay(n, POLICY, error instanceof Retryable ? error.retryAfterMs : undefined);
        try {
          await pause(wait, signal);
        } catch {
          throw new ZarrError('aborted', 'the read was cancelled');
        }
      }
    }
  }

  protected timeouts(): { headersTimeoutMs?: number; idleTimeoutMs?: number } {
    const ms = this.options.requestTimeoutMs;
    return ms ? { headersTimeoutMs: ms, idleTimeoutMs: ms } : {};
  }

  protected rangeHeaders(range: ByteRange | undefined): Record<string, string> {
    if (!range) return {};
    if ('suffixLength' in range) return { range: `bytes=-${range.suffixLength}` };
    return { range: `bytes=${range.offset}-${range.offset + range.length - 1}` };
  }

  /** 2xx → bytes (a range cut out of a 200); transient statuses → retry; others → an error naming the key. */
  protected async answer(
    key: string,
    response: NetResponse,
    signal?: AbortSignal,
    range?: ByteRange,
  ): Promise<KeyAnswer> {
    const status = response.status;
    if (status >= 200 && status < 300) {
      const body = await readBody(response, this.options.maxObjectBytes ?? DEFAULT_MAX_OBJECT_BYTES, signal);
      this.bytesFetched += body.length;
      if (range && status === 200) {
        // The server sent the whole object: cut the range out of it.
        const start = 'suffixLength' in range ? Math.max(0, body.length - range.suffixLength) : range.offset;
        const end = 'suffixLength' in range ? body.length : range.offset + range.length;
        return { kind: 'bytes', bytes: own(body.subarray(start, end)) };
      }
      return { kind: 'bytes', bytes: own(body) };
    }
    if (TRANSIENT_STATUS.has(status)) {
      discard(response.body);
      throw new Retryable(`HTTP ${status}`, parseRetryAfter(response.headers['retry-after']));
    }
    const detail = await errorDetail(response);
    throw new ZarrError(
      'http',
      `${this.label}: ${key} answered HTTP ${status}${detail ? ` (${detail})` : ''}`,
    );
  }
}

/** Public objects under a URL prefix (the archive's S3 `zarr/{id}/`), read by key. */
export class HttpStore extends RemoteStore {
  readonly label: string;
  private readonly base: string;

  /** `lister`: where a group's children may be listed (an archive Zarr's API); a plain prefix is never listed. */
  constructor(
    baseUrl: string,
    options: RemoteStoreOptions = {},
    private readonly lister?: DandiApiStore,
  ) {
    super(options);
    this.base = baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`;
    this.label = this.base;
  }

  async list(prefix: string, signal?: AbortSignal): Promise<string[] | undefined> {
    if (!this.lister) return undefined;
    const [requests, bytes] = [this.lister.requests, this.lister.bytesFetched];
    try {
      return await this.lister.list(prefix, signal);
    } finally {
      this.requests += this.lister.requests - requests;
      this.bytesFetched += this.lister.bytesFetched - bytes;
    }
  }

  protected async fetchKey(key: string, signal?: AbortSignal, range?: ByteRange): Promise<KeyAnswer> {
    const url = this.base + key.split('/').map(encodeURIComponent).join('/');
    const response = await httpGet(url, {
      signal,
      headers: this.rangeHeaders(range),
      ...this.timeouts(),
      onRequest: () => this.requests++,
    });
    if (response.status === 404 || response.status === 403) {
      discard(response.body);
      return { kind: 'missing' };
    }
    return this.answer(key, response, signal, range);
  }
}

/**
 * An archive Zarr read through the API (embargoed, or no public prefix known): each key is
 * `GET {api}/zarr/{id}/files/?prefix=<key>&download=true`, a redirect to a presigned URL of that
 * object. The key goes with the user's key to the API origin only (src/net decides per hop).
 * A 404 or 403 from the object host is a missing key; 401/403 from the API itself is refusal.
 */
export class DandiApiStore extends RemoteStore {
  readonly label: string;
  private readonly credentials: ApiCredentials;
  private readonly filesUrl: string;

  constructor(apiUrl: string, zarrId: string, apiKey: string | undefined, options: RemoteStoreOptions = {}) {
    super(options);
    if (!/^[0-9a-f-]{36}$/i.test(zarrId))
      throw new ZarrError('bad-key', `invalid Zarr id ${JSON.stringify(zarrId)}`);
    const api = apiUrl.replace(/\/+$/, '');
    this.credentials = { apiUrl: api, apiKey };
    this.filesUrl = `${api}/zarr/${zarrId}/files/`;
    this.label = `${api}/zarr/${zarrId}/`;
  }

  protected async fetchKey(key: string, signal?: AbortSignal, range?: ByteRange): Promise<KeyAnswer> {
    const url = `${this.filesUrl}?prefix=${encodeURIComponent(key)}&download=true`;
    const response = await httpGet(url, {
      signal,
      headers: this.rangeHeaders(range),
      credentials: this.credentials,
      ...this.timeouts(),
      onRequest: () => this.requests++,
    });
    const onApi = response.url.startsWith(this.filesUrl);
    if (response.status === 404 || (response.status === 403 && !onApi)) {
      discard(response.body);
      return { kind: 'missing' };
    }
    if (onApi && (response.status === 401 || response.status === 403)) {
      const detail = await errorDetail(response);
      throw new ZarrError(
        'forbidden',
        `the archive refused ${key} of ${this.label} (HTTP ${response.status}${detail ? `: ${detail}` : ''}); ` +
          'an embargoed Zarr needs an API key with access to its Dandiset',
      );
    }
    return this.answer(key, response, signal, range);
  }

  /** Direct children under a group: one page of the API's flat listing per 1000 keys. */
  async list(prefix: string, signal?: AbortSignal): Promise<string[] | undefined> {
    const base = prefix ? `${storeKey(prefix).replace(/\/?$/, '/')}` : '';
    const names = new Set<string>();
    let url: string | null = `${this.filesUrl}?prefix=${encodeURIComponent(base)}&limit=1000`;
    for (let page = 0; url && page < 20; page++) {
      const response = await httpGet(url, {
        signal,
        credentials: this.credentials,
        ...this.timeouts(),
        onRequest: () => this.requests++,
      });
      if (response.status !== 200) {
        discard(response.body);
        return undefined;
      }
      const body = await readBody(response, 16 * 1024 * 1024, signal);
      this.bytesFetched += body.length;
      const parsed = JSON.parse(body.toString('utf8')) as {
        next?: string | null;
        results?: { Key?: string }[];
      };
      for (const r of parsed.results ?? []) {
        const name = (r.Key ?? '').slice(base.length).split('/')[0];
        if (name) names.add(name);
      }
      url = parsed.next ?? null;
    }
    // A group holding more than 20,000 keys is not cheap to list: stop rather than walk it all.
    if (url) return undefined;
    return [...names].sort();
  }
}
