import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { parse as parseYaml } from 'yaml';
import { generatedBlob } from './blobs';
import { uuidFrom } from './content';
import {
  type ArchiveStore,
  type Json,
  type JsonObject,
  type StoredAsset,
  type StoredBlob,
  type StoredDandiset,
  type StoredVersion,
  zulu,
} from './model';
import { GENERATED_ZARR_SIZE, generateZarr } from './zarr';

/** Seed data from ../shared/fixtures/dandi-api (see its MANIFEST.md). */

/** Username that owns the real Dandisets (it has no API key). */
export const CURATOR = 'curator';

interface Fixture370 {
  identifier: string;
  created: string;
  modified: string;
  name: string;
  status: string;
  validation_errors: { field: string; message: string }[];
  version_created: string;
  version_modified: string;
  draft_metadata: JsonObject;
  assets: {
    asset_id: string;
    path: string;
    created: string;
    modified: string;
    size: number;
    blob_id: string;
    metadata: JsonObject;
  }[];
}

interface ListingAsset {
  asset_id: string;
  blob?: string;
  created?: string;
  modified: string;
  path: string;
  size: number;
  metadata: JsonObject;
}

interface DerivedAsset {
  path: string;
  type: 'file' | 'zarr';
  size?: number;
  blob?: string;
  zarr?: string;
}

/** Timestamps in the API's form: UTC `Z` with microseconds (`2021-07-02T17:53:13.890062Z`). */
function isoZ(ts: string): string {
  let z = zulu(ts);
  if (!/(Z|[+-]\d\d:\d\d)$/.test(z)) z = `${z}Z`;
  if (!z.endsWith('Z')) z = new Date(z).toISOString();
  const m = /^(.*T\d\d:\d\d:\d\d)(?:\.(\d+))?Z$/.exec(z);
  return m ? `${m[1]}.${(m[2] ?? '').padEnd(6, '0').slice(0, 6)}Z` : z;
}

/** Fields the server computes at serialisation time (they must match what the blob host serves). */
const COMPUTED_FIELDS = ['digest', 'contentUrl', 'contentSize', 'id', 'identifier', 'path'];

function stripComputed(metadata: JsonObject): JsonObject {
  const out: JsonObject = { ...metadata };
  for (const k of COMPUTED_FIELDS) delete out[k];
  return out;
}

const ENCODINGS: Record<string, string> = {
  nwb: 'application/x-nwb',
  json: 'application/json',
  tsv: 'text/tab-separated-values',
  md: 'text/markdown',
  txt: 'text/plain',
  tif: 'image/tiff',
  tiff: 'image/tiff',
  png: 'image/png',
  jpg: 'image/jpeg',
  mp4: 'video/mp4',
  m4v: 'video/mp4',
  mov: 'video/quicktime',
  webm: 'video/webm',
  mkv: 'video/x-matroska',
  avi: 'video/x-msvideo',
  // SLEAP label files are HDF5.
  slp: 'application/x-hdf5',
  zarr: 'application/x-zarr',
  h5: 'application/x-hdf5',
  hdf5: 'application/x-hdf5',
};

export function encodingFor(path: string): string {
  const ext = /\.([A-Za-z0-9]+)$/.exec(path)?.[1]?.toLowerCase() ?? '';
  return ENCODINGS[ext] ?? 'application/octet-stream';
}

class BlobPool {
  private readonly dates = new Map<string, Date>();
  constructor(private readonly store: ArchiveStore) {}
  get(blobId: string, size: number, lastModified: string): StoredBlob {
    const existing = this.store.blobs.get(blobId);
    if (existing && existing.content.size === size) return existing;
    let date = this.dates.get(lastModified);
    if (!date) {
      date = new Date(lastModified);
      this.dates.set(lastModified, date);
    }
    const blob = generatedBlob(blobId, size, date);
    this.store.blobs.set(blobId, blob);
    return blob;
  }
}

/** One shared (never mutated) metadata object per encoding: 000026 alone has 57k assets. */
const derivedMetadata = new Map<string, JsonObject>();
function metadataFor(encodingFormat: string): JsonObject {
  let m = derivedMetadata.get(encodingFormat);
  if (!m) {
    m = Object.freeze({ schemaKey: 'Asset', schemaVersion: '0.6.4', encodingFormat }) as JsonObject;
    derivedMetadata.set(encodingFormat, m);
  }
  return m;
}

/**
 * Parsed seed files keyed by path + size + mtime in .cache/archive: YAML parsing and gunzipping
 * 000026 cost most of the start-up time otherwise.
 */
class SeedCache {
  private entries: Record<string, { size: number; mtimeMs: number; value: Json }> = {};
  private dirty = false;

  constructor(private readonly file: string | undefined) {
    if (!file) return;
    try {
      this.entries = JSON.parse(readFileSync(file, 'utf8')) as typeof this.entries;
    } catch {
      this.entries = {};
    }
  }

  get<T extends Json>(path: string, compute: () => T): T {
    const st = statSync(path);
    const hit = this.entries[path];
    if (hit && hit.size === st.size && hit.mtimeMs === st.mtimeMs) return hit.value as T;
    const value = compute();
    this.entries[path] = { size: st.size, mtimeMs: st.mtimeMs, value };
    this.dirty = true;
    return value;
  }

  save(): void {
    if (!this.file || !this.dirty) return;
    try {
      mkdirSync(dirname(this.file), { recursive: true });
      const tmp = `${this.file}.${process.pid}.tmp`;
      writeFileSync(tmp, JSON.stringify(this.entries));
      renameSync(tmp, this.file);
    } catch {
      // A read-only checkout still works, only slower to start.
    }
  }
}

function readYaml(file: string, cache: SeedCache): JsonObject {
  return cache.get(file, () => {
    const text = readFileSync(file, 'utf8')
      .split('\n')
      .filter(l => !l.startsWith('#'))
      .join('\n');
    return parseYaml(text) as JsonObject;
  });
}

function readDerivedGz(file: string): DerivedAsset[] {
  return (JSON.parse(gunzipSync(readFileSync(file)).toString('utf8')) as { assets: DerivedAsset[] }).assets;
}

function versionFromYaml(version: string, meta: JsonObject, fallbackCreated: string): StoredVersion {
  const published = typeof meta.datePublished === 'string' ? isoZ(meta.datePublished) : undefined;
  const created = version === 'draft' ? fallbackCreated : (published ?? fallbackCreated);
  return {
    version,
    name: typeof meta.name === 'string' ? meta.name : '',
    status: version === 'draft' ? 'Published' : 'Valid',
    created,
    modified: created,
    metadata: meta,
    validationErrors: [],
    assets: [],
    generation: 0,
  };
}

function listingAssets(file: string, pool: BlobPool): StoredAsset[] {
  const raw = JSON.parse(readFileSync(file, 'utf8')) as ListingAsset[];
  return raw
    .map(a => {
      // Older published listings lack `blob` (and sometimes `created`): the S3 URL names the blob.
      const urls = Array.isArray(a.metadata.contentUrl) ? a.metadata.contentUrl : [];
      const fromUrl = urls
        .map(u => /\/blobs\/[0-9a-f]{3}\/[0-9a-f]{3}\/([0-9a-f-]{36})/.exec(String(u))?.[1])
        .find(Boolean);
      const blobId = a.blob ?? fromUrl ?? uuidFrom(`blob:${a.asset_id}`);
      const created = a.created ?? a.modified;
      const blobDate =
        typeof a.metadata.blobDateModified === 'string' ? a.metadata.blobDateModified : created;
      return {
        assetId: a.asset_id,
        path: a.path,
        blob: pool.get(blobId, a.size, blobDate),
        zarr: null,
        created: isoZ(created),
        modified: isoZ(a.modified),
        metadata: stripComputed(a.metadata),
      };
    })
    .sort((x, y) => (x.created < y.created ? -1 : x.created > y.created ? 1 : 0)); // the API's default order
}

function derivedAssets(
  dandisetId: string,
  derived: DerivedAsset[],
  pool: BlobPool,
  when: string,
): StoredAsset[] {
  // Derived listings have no asset ids or dates: stable ids, and creation order = listing order
  // (one microsecond apart after the version's creation second).
  const second = isoZ(when).slice(0, 19);
  return derived.map((a, i) => {
    const ts = `${second}.${String(i).padStart(6, '0')}Z`;
    const zarr =
      a.type === 'zarr' && a.zarr
        ? generateZarr(a.zarr, a.path.split('/').pop() ?? a.path, dandisetId)
        : null;
    const blob = zarr
      ? null
      : pool.get(a.blob ?? uuidFrom(`blob:${dandisetId}:${a.path}`), a.size ?? 0, when);
    return {
      assetId: uuidFrom(`asset:${dandisetId}:${a.path}`),
      path: a.path,
      blob,
      zarr,
      created: ts,
      modified: ts,
      metadata: metadataFor(zarr ? 'application/x-zarr' : encodingFor(a.path)),
    };
  });
}

function latestModified(assets: StoredAsset[], fallback: string): string {
  let latest = fallback;
  for (const a of assets) if (a.modified > latest) latest = a.modified;
  return latest;
}

/** The 370 real draft Dandisets of dandisets-370.json, each with its `foo/bar.txt` asset. */
function load370(store: ArchiveStore, fixturesDir: string, pool: BlobPool): void {
  const file = join(fixturesDir, 'dandi-api', 'dandisets-370.json');
  if (!existsSync(file)) return;
  for (const f of JSON.parse(readFileSync(file, 'utf8')) as Fixture370[]) {
    const assets: StoredAsset[] = f.assets.map(a => ({
      assetId: a.asset_id,
      path: a.path,
      blob: pool.get(a.blob_id, a.size, a.created),
      zarr: null,
      created: isoZ(a.created),
      modified: isoZ(a.modified),
      metadata: a.metadata,
    }));
    store.addDandiset({
      identifier: f.identifier,
      created: isoZ(f.created),
      embargoStatus: 'OPEN',
      owners: [CURATOR],
      starredBy: new Set(),
      versions: [
        {
          version: 'draft',
          name: f.name,
          status: f.status,
          created: isoZ(f.version_created),
          modified: isoZ(f.version_modified),
          metadata: f.draft_metadata,
          validationErrors: f.validation_errors,
          assets,
          generation: 0,
        },
      ],
    });
  }
}

/** Real listings under dandi-api/dandisets/<id>/<version>/; 000026 (57k assets) loads in the background. */
function loadListings(store: ArchiveStore, fixturesDir: string, pool: BlobPool, cache: SeedCache): void {
  const root = join(fixturesDir, 'dandi-api', 'dandisets');
  if (!existsSync(root)) return;
  for (const id of readdirSync(root).sort()) {
    const dir = join(root, id);
    const names = readdirSync(dir).sort((a, b) => (a === 'draft' ? -1 : b === 'draft' ? 1 : a < b ? -1 : 1));
    const metas = new Map(names.map(v => [v, readYaml(join(dir, v, 'dandiset.yaml'), cache)]));
    const first = metas.values().next().value as JsonObject;
    const existing = store.dandisets.get(id);
    const created =
      typeof first.dateCreated === 'string'
        ? isoZ(first.dateCreated)
        : (existing?.created ?? '2020-01-01T00:00:00.000000Z');
    const versions: StoredVersion[] = names.map(v => versionFromYaml(v, metas.get(v) as JsonObject, created));
    const dandiset: StoredDandiset = {
      identifier: id,
      created,
      embargoStatus: 'OPEN',
      owners: [CURATOR],
      starredBy: existing?.starredBy ?? new Set(),
      versions,
    };
    let draftListing: StoredAsset[] | undefined;
    for (const v of versions) {
      const vdir = join(dir, v.version);
      if (existsSync(join(vdir, 'assets.json'))) v.assets = listingAssets(join(vdir, 'assets.json'), pool);
      else if (existsSync(join(vdir, 'assets-derived.json'))) {
        const derived = JSON.parse(readFileSync(join(vdir, 'assets-derived.json'), 'utf8')) as {
          assets: DerivedAsset[];
        };
        v.assets = derivedAssets(id, derived.assets, pool, v.created);
      } else if (existsSync(join(vdir, 'assets-derived.json.gz'))) {
        // 57k assets: the totals come from the cache; the listing is read and built on first need.
        const gz = join(vdir, 'assets-derived.json.gz');
        v.pendingTotals = cache.get(gz, () => {
          const derived = readDerivedGz(gz);
          const size = derived.reduce(
            (n, a) => n + (a.type === 'zarr' ? GENERATED_ZARR_SIZE : (a.size ?? 0)),
            0,
          );
          return { assetCount: derived.length, size };
        });
        v.load = async () => {
          v.assets = derivedAssets(id, readDerivedGz(gz), pool, v.created);
          v.modified = latestModified(v.assets, v.modified);
          v.pendingTotals = undefined;
          v.generation++;
          store.indexAssets(dandiset, v.assets);
        };
        store.trackLazy(v);
      }
      if (v.version === 'draft') draftListing = v.assets;
      if (!v.load) v.modified = latestModified(v.assets, v.modified);
    }
    // A published version without its own listing (000020) has the draft's assets.
    for (const v of versions) if (v.assets.length === 0 && !v.load && draftListing) v.assets = draftListing;
    if (!versions.some(v => v.version === 'draft'))
      versions.unshift(draftFromPublished(versions[versions.length - 1] as StoredVersion));
    store.addDandiset(dandiset);
  }
}

/** A Dandiset known only by a published version (001773) still has a draft: the same content. */
function draftFromPublished(p: StoredVersion): StoredVersion {
  const metadata: JsonObject = {
    ...p.metadata,
    version: 'draft',
    id: String(p.metadata.identifier ?? '') + '/draft',
  };
  for (const k of ['doi', 'datePublished', 'publishedBy']) delete metadata[k];
  return { ...p, version: 'draft', status: 'Published', metadata, assets: p.assets };
}

export function loadRealSeed(store: ArchiveStore, fixturesDir: string, cacheFile?: string): void {
  const pool = new BlobPool(store);
  const cache = new SeedCache(cacheFile);
  load370(store, fixturesDir, pool);
  loadListings(store, fixturesDir, pool, cache);
  cache.save();
}
