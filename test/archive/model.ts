import { type BlobDigests, type ByteSource } from './content';

/** In-memory model of the stand-in archive's database. */

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export interface User {
  username: string;
  name: string;
  email: string;
  apiKey: string;
  admin: boolean;
}

export interface StoredBlob {
  blobId: string;
  content: ByteSource;
  embargoed: boolean;
  /** HTTP Last-Modified of the S3 object. */
  lastModified: Date;
  /** Real files are hashed in the background; generated blobs resolve at once. */
  digests(): Promise<BlobDigests>;
}

export interface ZarrEntry {
  key: string;
  data: Buffer;
  md5: string;
  /** The stored size when known without building `data` (computed chunks). */
  readonly size?: number;
}

export interface StoredZarr {
  zarrId: string;
  name: string;
  dandisetId: string;
  /** Sorted by key (code-point order). */
  entries: ZarrEntry[];
  checksum: string;
  size: number;
  embargoed: boolean;
}

export interface StoredAsset {
  assetId: string;
  path: string;
  blob: StoredBlob | null;
  zarr: StoredZarr | null;
  created: string;
  modified: string;
  /** Asset metadata without the fields the server computes (digest, contentUrl, ...). */
  metadata: JsonObject;
}

export interface VersionTotals {
  assetCount: number;
  size: number;
}

export interface StoredVersion {
  version: string;
  name: string;
  status: string;
  created: string;
  modified: string;
  metadata: JsonObject;
  validationErrors: { field: string; message: string }[];
  /** In creation order (the default asset list order). */
  assets: StoredAsset[];
  /** Loader of a big listing (000026), run on first need; see ensureLoaded. */
  load?: () => Promise<void>;
  loading?: Promise<void>;
  /** Totals known before a deferred listing is built (so lists need not build it). */
  pendingTotals?: VersionTotals;
  /** Bumped whenever `assets` changes; caches key on it. */
  generation: number;
}

export interface StoredDandiset {
  identifier: string;
  created: string;
  embargoStatus: 'OPEN' | 'EMBARGOED' | 'UNEMBARGOING';
  /** Usernames. */
  owners: string[];
  starredBy: Set<string>;
  /** Draft first, then published versions oldest first. */
  versions: StoredVersion[];
}

export function assetSize(asset: StoredAsset): number {
  return asset.blob ? asset.blob.content.size : (asset.zarr?.size ?? 0);
}

export function draftOf(d: StoredDandiset): StoredVersion | undefined {
  return d.versions.find(v => v.version === 'draft');
}

export function publishedOf(d: StoredDandiset): StoredVersion[] {
  return d.versions.filter(v => v.version !== 'draft');
}

/** The most recently created version: the newest published one, else the draft. */
export function mostRecentVersion(d: StoredDandiset): StoredVersion | undefined {
  const published = publishedOf(d);
  return published.length > 0 ? published[published.length - 1] : draftOf(d);
}

const totalsCache = new WeakMap<StoredVersion, { generation: number; totals: VersionTotals }>();

export function versionTotals(v: StoredVersion): VersionTotals {
  if (v.pendingTotals) return v.pendingTotals;
  const hit = totalsCache.get(v);
  if (hit && hit.generation === v.generation) return hit.totals;
  let size = 0;
  for (const a of v.assets) size += assetSize(a);
  const totals = { assetCount: v.assets.length, size };
  totalsCache.set(v, { generation: v.generation, totals });
  return totals;
}

/** Runs a version's deferred loader once; every route that reads assets awaits this. */
export async function ensureLoaded(v: StoredVersion): Promise<void> {
  if (!v.load) return;
  v.loading ??= v.load();
  await v.loading;
}

export function dandisetModified(d: StoredDandiset): string {
  let latest = d.created;
  for (const v of d.versions) if (v.modified > latest) latest = v.modified;
  return latest;
}

/** Every Dandiset, asset, blob and Zarr, with the id indexes the routes need. */
export class ArchiveStore {
  readonly dandisets = new Map<string, StoredDandiset>();
  readonly users: User[] = [];
  private readonly assetIndex = new Map<string, { asset: StoredAsset; dandiset: StoredDandiset }>();
  readonly blobs = new Map<string, StoredBlob>();
  readonly zarrs = new Map<string, StoredZarr>();
  private readonly lazy: StoredVersion[] = [];

  addDandiset(d: StoredDandiset): void {
    this.dandisets.set(d.identifier, d);
    for (const v of d.versions) this.indexAssets(d, v.assets);
  }

  indexAssets(d: StoredDandiset, assets: StoredAsset[]): void {
    for (const a of assets) {
      if (!this.assetIndex.has(a.assetId)) this.assetIndex.set(a.assetId, { asset: a, dandiset: d });
      if (a.blob) this.blobs.set(a.blob.blobId, a.blob);
      if (a.zarr) this.zarrs.set(a.zarr.zarrId, a.zarr);
    }
  }

  /** Registers a lazily loaded version; `whenLoaded` loads all of them. */
  trackLazy(v: StoredVersion): void {
    this.lazy.push(v);
  }

  async whenLoaded(): Promise<void> {
    await Promise.all(this.lazy.map(ensureLoaded));
  }

  async findAsset(assetId: string): Promise<{ asset: StoredAsset; dandiset: StoredDandiset } | undefined> {
    const hit = this.assetIndex.get(assetId);
    if (hit) return hit;
    await this.whenLoaded();
    return this.assetIndex.get(assetId);
  }

  /** Dandisets in identifier order. */
  sorted(): StoredDandiset[] {
    return [...this.dandisets.values()].sort((a, b) => (a.identifier < b.identifier ? -1 : 1));
  }

  userByKey(key: string): User | undefined {
    return this.users.find(u => u.apiKey === key);
  }

  userByName(username: string): User | undefined {
    return this.users.find(u => u.username === username);
  }
}

/** Normalises `+00:00` timestamps to the API's `Z` form. */
export function zulu(ts: string): string {
  return ts.endsWith('+00:00') ? `${ts.slice(0, -6)}Z` : ts;
}
