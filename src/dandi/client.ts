import { ApiReader, checkAssetId, isPublished, versionSubject } from './apiReader';
import { DandiApiError } from './errors';
import { ApiTransport, type RetryPolicy } from './http';
import { instanceLabel, trimSlashes } from './instances';
import * as listings from './listings';
import { asPaginated } from './paging';
import type { DandiReference } from './references';
import { resolveReference, type ResolvedReference } from './resolveReference';
import { ResponseCache } from './responseCache';
import type {
  AssetInfo,
  AssetMetadata,
  AssetRecord,
  DandiInstance,
  DandisetMetadata,
  DandisetRecord,
  IterateAssetsOptions,
  ListDandisetsOptions,
  Page,
  PathRecord,
  ServerInfo,
  UserRecord,
  VersionInfo,
  VersionRecord,
  ZarrFileRecord,
} from './types';

export type * from './types';
export type { ResolvedReference } from './resolveReference';

export interface DandiClientOptions {
  instance: DandiInstance;
  /** Sent as `Authorization: token <key>` to the API origin only. */
  apiKey?: string;
  userAgent?: string;
  retry?: Partial<RetryPolicy>;
  timeoutMs?: number;
  /** Pages fetched at once after page 1 when the count is known (default 4). */
  concurrency?: number;
  /** Page size of full listings (assets, paths, versions); default 1000, the server's maximum. */
  pageSize?: number;
  /** Shared across clients so instance switches keep published-version responses. */
  cache?: ResponseCache;
  log?: (message: string) => void;
}

/**
 * The DANDI REST client (dandi-api.md section 1). No VS Code dependency. Published versions and
 * assets (immutable) are cached in memory; drafts are always fetched (call {@link clearDrafts}
 * only to drop in-flight de-duplication, nothing of a draft is cached).
 */
export class DandiClient {
  readonly instance: DandiInstance;
  readonly apiUrl: string;
  readonly signedIn: boolean;
  private readonly transport: ApiTransport;
  private readonly api: ApiReader;
  private readonly cache: ResponseCache;
  private readonly label: string;
  private readonly log?: (message: string) => void;

  constructor(options: DandiClientOptions) {
    this.instance = options.instance;
    this.apiUrl = trimSlashes(options.instance.apiUrl);
    this.signedIn = Boolean(options.apiKey);
    this.label = instanceLabel(options.instance);
    this.log = options.log;
    this.transport = new ApiTransport({
      apiUrl: this.apiUrl,
      instanceLabel: this.label,
      apiKey: options.apiKey,
      userAgent: options.userAgent ?? 'dandi-vscode/0.1.0',
      retry: options.retry,
      timeoutMs: options.timeoutMs,
      log: options.log,
    });
    this.cache = options.cache ?? new ResponseCache();
    this.api = new ApiReader(
      this.transport,
      this.cache,
      Math.max(1, options.concurrency ?? 4),
      Math.min(1000, Math.max(1, options.pageSize ?? 1000)),
    );
  }

  /** Requests sent so far (retries included). */
  get requestCount(): number {
    return this.transport.requestCount;
  }

  /** The API URL of a path, e.g. `assets/<id>/download/`. */
  urlOf(path: string, params?: Record<string, string | number | boolean | undefined>): string {
    return this.transport.url(path, params);
  }

  info(signal?: AbortSignal): Promise<ServerInfo> {
    return this.api.get<ServerInfo>('info/', undefined, { subject: 'the server information' }, signal, true);
  }

  /** Checks the API key (`/auth/token/`) and returns who it belongs to (`/users/me/`). */
  async validateApiKey(signal?: AbortSignal): Promise<UserRecord> {
    if (!this.signedIn) throw new DandiApiError('unauthorized', `No API key is set for ${this.label}.`);
    await this.transport.getJson<unknown>(
      this.transport.url('auth/token/'),
      { subject: 'the API key check' },
      signal,
    );
    return this.currentUser(signal);
  }

  currentUser(signal?: AbortSignal): Promise<UserRecord> {
    return this.transport.getJson<UserRecord>(
      this.transport.url('users/me/'),
      { subject: 'your user account' },
      signal,
    );
  }

  /** One page of the Dandiset list (the tree's Load more pages through it). */
  async listDandisets(options: ListDandisetsOptions = {}): Promise<Page<DandisetRecord>> {
    const page = options.page ?? 1;
    const pageSize = Math.min(1000, options.pageSize ?? 50);
    const url = this.transport.url('dandisets/', {
      page,
      page_size: pageSize,
      search: options.search?.trim() || undefined,
      ordering: options.ordering,
      draft: options.draft,
      empty: options.empty,
      embargoed: options.embargoed,
      user: options.user,
      starred: options.starred || undefined,
    });
    const response = await this.transport.getJsonOrStatus(
      url,
      { subject: 'the Dandiset list' },
      options.signal,
    );
    if (response.status === 404 && response.detail === 'Invalid page.')
      return { items: [], count: null, nextPage: null };
    if (response.status >= 400)
      throw this.transport.errorFor(
        response.status,
        { isJson: true, json: response.json },
        { subject: 'the Dandiset list' },
        url,
      );
    const body = asPaginated<DandisetRecord>(response.json, 'the Dandiset list');
    return { items: body.results, count: body.count, nextPage: body.next ? page + 1 : null };
  }

  getDandiset(id: string, signal?: AbortSignal): Promise<DandisetRecord> {
    return this.api.get<DandisetRecord>(`dandisets/${id}/`, undefined, { subject: `Dandiset ${id}` }, signal);
  }

  /** Every version, oldest first (the draft is among them). */
  listVersions(id: string, signal?: AbortSignal): Promise<VersionRecord[]> {
    return listings.listVersions(this.api, id, signal);
  }

  /** The most recent published version, else `draft` (dandi-cli's rule for an omitted version). */
  async latestVersion(id: string, signal?: AbortSignal): Promise<string> {
    const dandiset = await this.getDandiset(id, signal);
    return dandiset.most_recent_published_version?.version ?? dandiset.draft_version?.version ?? 'draft';
  }

  /** The version metadata document (what `dandiset.yaml` holds). */
  getVersionMetadata(id: string, version: string, signal?: AbortSignal): Promise<DandisetMetadata> {
    return this.api.get<DandisetMetadata>(
      `dandisets/${id}/versions/${version}/`,
      undefined,
      { subject: versionSubject(id, version) },
      signal,
      isPublished(version),
    );
  }

  getVersionInfo(id: string, version: string, signal?: AbortSignal): Promise<VersionInfo> {
    return this.api.get<VersionInfo>(
      `dandisets/${id}/versions/${version}/info/`,
      undefined,
      { subject: versionSubject(id, version) },
      signal,
      isPublished(version),
    );
  }

  /**
   * One page of a folder's direct children (the `paths` endpoint), in the server's byte order.
   * `prefix` is a folder path ('' for the root). A prefix naming a file gives an empty page.
   */
  listPaths(
    id: string,
    version: string,
    prefix: string,
    page = 1,
    options: { pageSize?: number; signal?: AbortSignal } = {},
  ): Promise<Page<PathRecord>> {
    return listings.listPaths(this.api, id, version, prefix, page, options);
  }

  /** All direct children of a folder, pages fetched concurrently, yielded in order, duplicates dropped. */
  iteratePaths(
    id: string,
    version: string,
    prefix: string,
    signal?: AbortSignal,
  ): AsyncGenerator<PathRecord> {
    return listings.iteratePaths(this.api, id, version, prefix, signal);
  }

  /**
   * Every asset of a version (optionally under a path prefix or matching a glob), with metadata
   * when asked. Pages after the first are fetched concurrently and yielded in order. If a draft
   * changes while it is listed, items that shifted between pages are yielded once, and the listing
   * is walked once more to pick up what the shift hid.
   */
  iterateAssets(
    id: string,
    version: string,
    options: IterateAssetsOptions = {},
  ): AsyncGenerator<AssetRecord> {
    return listings.iterateAssets(this.api, id, version, options, this.log);
  }

  /** An asset's exact path → its record (null when no asset has exactly that path). */
  findAssetByPath(
    id: string,
    version: string,
    path: string,
    signal?: AbortSignal,
  ): Promise<AssetRecord | null> {
    return listings.findAssetByPath(this.api, id, version, path, signal, this.log);
  }

  /** Asset metadata by id alone (`/assets/<id>/`); assets are immutable, so it is cached. */
  async getAsset(assetId: string, signal?: AbortSignal): Promise<AssetMetadata> {
    checkAssetId(assetId);
    return this.api.get<AssetMetadata>(
      `assets/${assetId}/`,
      undefined,
      { subject: `asset ${assetId}` },
      signal,
      true,
    );
  }

  async getAssetMetadata(
    id: string,
    version: string,
    assetId: string,
    signal?: AbortSignal,
  ): Promise<AssetMetadata> {
    checkAssetId(assetId);
    return this.api.get<AssetMetadata>(
      `dandisets/${id}/versions/${version}/assets/${assetId}/`,
      undefined,
      { subject: `asset ${assetId} of ${versionSubject(id, version)}` },
      signal,
      true,
    );
  }

  /** List item plus metadata (path, size, blob/zarr, digests, blobDateModified). */
  async getAssetInfo(
    assetId: string,
    where?: { dandisetId: string; version: string },
    signal?: AbortSignal,
  ): Promise<AssetInfo> {
    checkAssetId(assetId);
    const path = where
      ? `dandisets/${where.dandisetId}/versions/${where.version}/assets/${assetId}/info/`
      : `assets/${assetId}/info/`;
    return this.api.get<AssetInfo>(path, undefined, { subject: `asset ${assetId}` }, signal, true);
  }

  /** The API download URL (302 to a presigned blob URL); follow it without the API key. */
  assetDownloadUrl(assetId: string): string {
    checkAssetId(assetId);
    return this.transport.url(`assets/${assetId}/download/`);
  }

  /**
   * The first `maxBytes` of an asset's content (small text files shown read-only). Follows the
   * API's 302 by hand so the API key never reaches the blob host.
   */
  async readAssetBytes(
    assetId: string,
    maxBytes: number,
    signal?: AbortSignal,
  ): Promise<{ bytes: Uint8Array; truncated: boolean }> {
    const blobUrl = await this.transport.resolveRedirect(
      this.assetDownloadUrl(assetId),
      { subject: `asset ${assetId}` },
      signal,
    );
    return this.transport.readBlob(blobUrl, maxBytes, signal);
  }

  /** Files of a Zarr asset under a plain string prefix (cursor pagination, `next` followed). */
  listZarrFiles(zarrId: string, prefix = '', signal?: AbortSignal): AsyncGenerator<ZarrFileRecord> {
    return listings.listZarrFiles(this.api, zarrId, prefix, signal);
  }

  /**
   * Turns a parsed reference into archive objects: the Dandiset, the concrete version (omitted ⇒
   * most recent published, else draft), and the asset or folder it names. Throws a not-found
   * DandiApiError with a clear message when something does not exist.
   */
  resolveReference(reference: DandiReference, signal?: AbortSignal): Promise<ResolvedReference> {
    return resolveReference(this, this.label, reference, signal);
  }

  /** The entry of folder `path` in its parent's listing, or null. */
  findFolder(id: string, version: string, path: string, signal?: AbortSignal): Promise<PathRecord | null> {
    return listings.findFolder(this.api, id, version, path, signal);
  }

  /** Forgets cached responses (all, or of one Dandiset). Published data is otherwise kept. */
  clearCache(dandisetId?: string): void {
    this.cache.clear(dandisetId ? `${this.apiUrl}/dandisets/${dandisetId}/` : this.apiUrl);
  }
}
