import { DandiApiError } from './errors';
import { ApiTransport, type RetryPolicy, type RequestSubject } from './http';
import { instanceLabel, trimSlashes } from './instances';
import { asPaginated, walkPages } from './paging';
import type { DandiReference } from './references';
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
  Paginated,
  PathRecord,
  ServerInfo,
  UserRecord,
  VersionInfo,
  VersionRecord,
  ZarrFileRecord,
} from './types';

export type * from './types';

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

/** A reference turned into concrete archive objects (versions resolved). */
export interface ResolvedReference {
  reference: DandiReference;
  /** Null only for a version-independent asset id whose Dandiset cannot be known. */
  dandiset: DandisetRecord | null;
  /** The concrete version: the one given, else the most recent published, else draft. */
  version: string;
  /** Set for asset-id and asset-path references. */
  asset?: AssetRecord;
  /** Set for folder references: the folder's own entry (sizes, counts) from its parent listing. */
  folder?: PathRecord;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const PUBLISHED = /^\d+\.\d+\.\d+$/;

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
  private readonly concurrency: number;
  private readonly pageSize: number;
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
    this.concurrency = Math.max(1, options.concurrency ?? 4);
    this.pageSize = Math.min(1000, Math.max(1, options.pageSize ?? 1000));
    this.cache = options.cache ?? new ResponseCache();
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
    return this.get<ServerInfo>('info/', undefined, { subject: 'the server information' }, signal, true);
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
    return this.get<DandisetRecord>(`dandisets/${id}/`, undefined, { subject: `Dandiset ${id}` }, signal);
  }

  /** Every version, oldest first (the draft is among them). */
  async listVersions(id: string, signal?: AbortSignal): Promise<VersionRecord[]> {
    const out: VersionRecord[] = [];
    for await (const page of this.pages<VersionRecord>(
      `dandisets/${id}/versions/`,
      { order: 'created' },
      { subject: `the versions of Dandiset ${id}` },
      signal,
    )) {
      for (const version of page.results) out.push(version); // a spread of a hostile page overflows the stack
    }
    return out;
  }

  /** The most recent published version, else `draft` (dandi-cli's rule for an omitted version). */
  async latestVersion(id: string, signal?: AbortSignal): Promise<string> {
    const dandiset = await this.getDandiset(id, signal);
    return dandiset.most_recent_published_version?.version ?? dandiset.draft_version?.version ?? 'draft';
  }

  /** The version metadata document (what `dandiset.yaml` holds). */
  getVersionMetadata(id: string, version: string, signal?: AbortSignal): Promise<DandisetMetadata> {
    return this.get<DandisetMetadata>(
      `dandisets/${id}/versions/${version}/`,
      undefined,
      { subject: versionSubject(id, version) },
      signal,
      isPublished(version),
    );
  }

  getVersionInfo(id: string, version: string, signal?: AbortSignal): Promise<VersionInfo> {
    return this.get<VersionInfo>(
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
  async listPaths(
    id: string,
    version: string,
    prefix: string,
    page = 1,
    options: { pageSize?: number; signal?: AbortSignal } = {},
  ): Promise<Page<PathRecord>> {
    const pageSize = Math.min(1000, options.pageSize ?? this.pageSize);
    const folder = prefix.replace(/^\/+|\/+$/g, '');
    const subject = folder
      ? `folder "${folder}" in ${versionSubject(id, version)}`
      : `the files of ${versionSubject(id, version)}`;
    const body = await this.get<unknown>(
      `dandisets/${id}/versions/${version}/assets/paths/`,
      { path_prefix: folder || undefined, page, page_size: pageSize },
      { subject },
      options.signal,
      isPublished(version),
    );
    const paginated = asPaginated<PathRecord>(body, subject);
    return { items: paginated.results, count: paginated.count, nextPage: paginated.next ? page + 1 : null };
  }

  /** All direct children of a folder, pages fetched concurrently, yielded in order, duplicates dropped. */
  async *iteratePaths(
    id: string,
    version: string,
    prefix: string,
    signal?: AbortSignal,
  ): AsyncGenerator<PathRecord> {
    const folder = prefix.replace(/^\/+|\/+$/g, '');
    const subject = folder
      ? `folder "${folder}" in ${versionSubject(id, version)}`
      : `the files of ${versionSubject(id, version)}`;
    const seen = new Set<string>();
    for await (const page of this.pages<PathRecord>(
      `dandisets/${id}/versions/${version}/assets/paths/`,
      { path_prefix: folder || undefined },
      { subject },
      signal,
      isPublished(version),
    )) {
      for (const item of page.results) {
        if (seen.has(item.path)) continue;
        seen.add(item.path);
        yield item;
      }
    }
  }

  /**
   * Every asset of a version (optionally under a path prefix or matching a glob), with metadata
   * when asked. Pages after the first are fetched concurrently and yielded in order. If a draft
   * changes while it is listed, items that shifted between pages are yielded once, and the listing
   * is walked once more to pick up what the shift hid.
   */
  async *iterateAssets(
    id: string,
    version: string,
    options: IterateAssetsOptions = {},
  ): AsyncGenerator<AssetRecord> {
    const params = {
      path: options.path || undefined,
      glob: options.glob || undefined,
      metadata: options.metadata ? 'true' : undefined,
      order: options.order ?? 'path',
    };
    const subject = { subject: `the assets of ${versionSubject(id, version)}` };
    // `path` is a case-insensitive prefix on the server; keep only exact-case matches.
    const keep = (a: AssetRecord) => !options.path || a.path.startsWith(options.path);
    const seen = new Set<string>();
    let shifted = false;
    for (let pass = 0; pass < 2; pass++) {
      shifted = false;
      for await (const page of this.pages<AssetRecord>(
        `dandisets/${id}/versions/${version}/assets/`,
        params,
        subject,
        options.signal,
        false,
        options.pageSize,
      )) {
        for (const asset of page.results) {
          if (seen.has(asset.asset_id)) {
            shifted = true;
            continue;
          }
          seen.add(asset.asset_id);
          if (keep(asset)) yield asset;
        }
      }
      if (!shifted || isPublished(version)) return;
      this.log?.(`The draft of Dandiset ${id} changed while it was listed; listing it once more.`);
    }
  }

  /** An asset's exact path → its record (null when no asset has exactly that path). */
  async findAssetByPath(
    id: string,
    version: string,
    path: string,
    signal?: AbortSignal,
  ): Promise<AssetRecord | null> {
    for await (const asset of this.iterateAssets(id, version, { path, signal })) {
      if (asset.path === path) return asset;
    }
    return null;
  }

  /** Asset metadata by id alone (`/assets/<id>/`); assets are immutable, so it is cached. */
  async getAsset(assetId: string, signal?: AbortSignal): Promise<AssetMetadata> {
    checkAssetId(assetId);
    return this.get<AssetMetadata>(
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
    return this.get<AssetMetadata>(
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
    return this.get<AssetInfo>(path, undefined, { subject: `asset ${assetId}` }, signal, true);
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
  async *listZarrFiles(zarrId: string, prefix = '', signal?: AbortSignal): AsyncGenerator<ZarrFileRecord> {
    checkAssetId(zarrId);
    let url: string | null = this.transport.url(`zarr/${zarrId}/files/`, {
      prefix: prefix || undefined,
      limit: 1000,
    });
    const seen = new Set<string>();
    while (url && !seen.has(url)) {
      seen.add(url);
      const body: { next?: string | null; results?: ZarrFileRecord[] } = await this.transport.getJson(
        url,
        { subject: `the files of Zarr ${zarrId}` },
        signal,
      );
      if (!Array.isArray(body.results))
        throw new DandiApiError(
          'invalid-response',
          `The archive sent an unexpected Zarr listing for ${zarrId}.`,
        );
      yield* body.results;
      url = typeof body.next === 'string' ? body.next : null;
    }
  }

  /**
   * Turns a parsed reference into archive objects: the Dandiset, the concrete version (omitted ⇒
   * most recent published, else draft), and the asset or folder it names. Throws a not-found
   * DandiApiError with a clear message when something does not exist.
   */
  async resolveReference(reference: DandiReference, signal?: AbortSignal): Promise<ResolvedReference> {
    if (reference.dandisetId === null) {
      const assetId = reference.assetId ?? '';
      const info = await this.getAssetInfo(assetId, undefined, signal);
      return { reference, dandiset: null, version: reference.version ?? 'draft', asset: stripMetadata(info) };
    }
    const dandiset = await this.getDandiset(reference.dandisetId, signal);
    const version =
      reference.version ??
      dandiset.most_recent_published_version?.version ??
      dandiset.draft_version?.version ??
      'draft';
    if (reference.version && reference.version !== 'draft')
      await this.getVersionInfo(reference.dandisetId, version, signal); // 404 ⇒ no such version
    const resolved: ResolvedReference = { reference, dandiset, version };
    const id = reference.dandisetId;
    if (reference.kind === 'asset-id' && reference.assetId) {
      resolved.asset = stripMetadata(
        await this.getAssetInfo(reference.assetId, { dandisetId: id, version }, signal),
      );
    } else if (reference.kind === 'asset-path' && reference.path) {
      const asset = await this.findAssetByPath(id, version, reference.path, signal);
      if (!asset) {
        const folder = await this.findFolder(id, version, reference.path, signal);
        if (folder)
          throw new DandiApiError(
            'not-found',
            `"${reference.path}" in ${versionSubject(id, version)} is a folder; add a trailing "/" to open it as one.`,
            404,
          );
        throw new DandiApiError(
          'not-found',
          `No asset at "${reference.path}" in ${versionSubject(id, version)} on ${this.label}.`,
          404,
        );
      }
      resolved.asset = asset;
    } else if (reference.kind === 'folder' && reference.path) {
      const folder = await this.findFolder(id, version, reference.path, signal);
      if (!folder)
        throw new DandiApiError(
          'not-found',
          `No folder "${reference.path.replace(/\/$/, '')}" in ${versionSubject(id, version)} on ${this.label}.`,
          404,
        );
      resolved.folder = folder;
    }
    return resolved;
  }

  /** The entry of folder `path` in its parent's listing, or null. */
  async findFolder(
    id: string,
    version: string,
    path: string,
    signal?: AbortSignal,
  ): Promise<PathRecord | null> {
    const folder = path.replace(/^\/+|\/+$/g, '');
    if (!folder) return null;
    const parent = folder.includes('/') ? folder.slice(0, folder.lastIndexOf('/')) : '';
    try {
      for await (const entry of this.iteratePaths(id, version, parent, signal)) {
        if (entry.path === folder && entry.asset === null) return entry;
      }
    } catch (e) {
      if (e instanceof DandiApiError && e.kind === 'not-found' && parent) return null;
      throw e;
    }
    return null;
  }

  /** Forgets cached responses (all, or of one Dandiset). Published data is otherwise kept. */
  clearCache(dandisetId?: string): void {
    this.cache.clear(dandisetId ? `${this.apiUrl}/dandisets/${dandisetId}/` : this.apiUrl);
  }

  private async get<T>(
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
  private pages<T>(
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

function isPublished(version: string): boolean {
  return PUBLISHED.test(version);
}

function versionSubject(id: string, version: string): string {
  return version === 'draft' ? `the draft of Dandiset ${id}` : `version ${version} of Dandiset ${id}`;
}

function checkAssetId(assetId: string): void {
  if (!UUID.test(assetId))
    throw new DandiApiError('bad-request', `"${assetId}" is not an asset id (a lower-case UUID).`);
}

function stripMetadata(info: AssetInfo): AssetRecord {
  const { metadata: _metadata, ...record } = info;
  return record;
}
