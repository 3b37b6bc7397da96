import { DandiApiError } from './errors';
import type { ApiTransport, RequestSubject } from './http';
import { asPaginated, walkPages } from './paging';
import type { ResponseCache } from './responseCache';
import type { Paginated } from './types';

/**
 * The read layer under DandiClient's public methods: GETs that cache immutable responses, full
 * listings walked page by page, and the small helpers that name and gate those requests. Kept
 * apart from client.ts so the listing module can share it without importing the client.
 */

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const PUBLISHED = /^\d+\.\d+\.\d+$/;

export class ApiReader {
  readonly transport: ApiTransport;
  /** Page size of full listings (1..1000). */
  readonly pageSize: number;
  private readonly cache: ResponseCache;
  private readonly concurrency: number;

  constructor(transport: ApiTransport, cache: ResponseCache, concurrency: number, pageSize: number) {
    this.transport = transport;
    this.cache = cache;
    this.concurrency = concurrency;
    this.pageSize = pageSize;
  }

  async get<T>(
    path: string,
    params: Record<string, string | number | boolean | undefined> | undefined,
    about: RequestSubject,
    signal?: AbortSignal,
    cacheable = false,
  ): Promise<T> {
    const url = this.transport.url(path, params);
    if (!cacheable) return this.transport.getJson<T>(url, about, signal);
    // Keyed by the full URL (instance + Dandiset + version + request); only immutable responses.
    return this.cache.getOrFetch(url, () => this.transport.getJson<T>(url, about, signal)) as Promise<T>;
  }

  /** Pages of a full listing; a 404 "Invalid page." after page 1 means the listing shrank. */
  pages<T>(
    path: string,
    params: Record<string, string | undefined>,
    about: RequestSubject,
    signal?: AbortSignal,
    cacheable = false,
    pageSize = this.pageSize,
  ): AsyncGenerator<Paginated<T>> {
    const first = this.transport.url(path, { ...params, page: 1, page_size: Math.min(1000, pageSize) });
    const fetchPage = async (url: string, pageSignal?: AbortSignal): Promise<Paginated<T> | null> => {
      const load = async () => {
        const response = await this.transport.getJsonOrStatus(url, about, pageSignal);
        if (response.status === 404 && response.detail === 'Invalid page.' && url !== first) return null;
        if (response.status >= 400)
          throw this.transport.errorFor(response.status, { isJson: true, json: response.json }, about, url);
        return asPaginated<T>(response.json, about.subject);
      };
      return cacheable ? (this.cache.getOrFetch(url, load) as Promise<Paginated<T> | null>) : load();
    };
    return walkPages(first, fetchPage, this.concurrency, signal);
  }
}

export function isPublished(version: string): boolean {
  return PUBLISHED.test(version);
}

export function versionSubject(id: string, version: string): string {
  return version === 'draft' ? `the draft of Dandiset ${id}` : `version ${version} of Dandiset ${id}`;
}

export function checkAssetId(assetId: string): void {
  if (!UUID.test(assetId))
    throw new DandiApiError('bad-request', `"${assetId}" is not an asset id (a lower-case UUID).`);
}
