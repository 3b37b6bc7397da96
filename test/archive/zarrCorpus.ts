import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { uuidFrom } from './content';
import {
  type ArchiveStore,
  type StoredAsset,
  type StoredDandiset,
  type StoredZarr,
  type ZarrEntry,
} from './model';
import { zarrChecksum } from './zarr';

/**
 * Dandiset 990010 `zarrCorpus`: every real Zarr store in ../shared/fixtures/zarr and
 * ../shared/fixtures/nwb/*.zarr as a Zarr asset, its files served by key on the blob host under
 * `zarr/{zarr_id}/`, listed by `/api/zarr/{id}/files/`, with its real dandi-zarr-checksum.
 */

export const ZARR_CORPUS_ID = '990010';
/** The store served again, embargoed, in the embargoed Dandiset when asked for (`embargoedZarr`). */
export const EMBARGOED_ZARR_SOURCE = 'neuroglancer__simple_0.4.ome.zarr';
export const EMBARGOED_ZARR_PATH = 'sub-03/sub-03_sample.ome.zarr';

const STAMP = '2025-01-01T00:00:00.000000Z';

/** Every file under `dir`, keys relative to it with `/`, in code-point order. */
function readTree(dir: string): ZarrEntry[] {
  const entries: ZarrEntry[] = [];
  const walk = (folder: string, prefix: string) => {
    for (const name of readdirSync(folder)) {
      const full = join(folder, name);
      const key = prefix ? `${prefix}/${name}` : name;
      if (statSync(full).isDirectory()) walk(full, key);
      else {
        const data = readFileSync(full);
        entries.push({ key, data, md5: createHash('md5').update(data).digest('hex') });
      }
    }
  };
  walk(dir, '');
  return entries.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

export function zarrFromFolder(
  dir: string,
  zarrId: string,
  name: string,
  dandisetId: string,
  embargoed = false,
): StoredZarr {
  const entries = readTree(dir);
  const checksum = zarrChecksum(entries.map(e => ({ key: e.key, md5: e.md5, size: e.data.length })));
  const size = entries.reduce((n, e) => n + e.data.length, 0);
  return { zarrId, name, dandisetId, entries, checksum, size, embargoed };
}

/** The store folders of the corpus: `{ path in the Dandiset, folder }`. */
export function zarrCorpusFolders(fixturesDir: string): { path: string; dir: string }[] {
  const out: { path: string; dir: string }[] = [];
  for (const [sub, pattern] of [
    ['zarr', /\.(zarr|zr)$/],
    ['nwb', /\.zarr$/],
  ] as const) {
    const folder = join(fixturesDir, sub);
    if (!existsSync(folder)) continue;
    for (const name of readdirSync(folder).sort())
      if (pattern.test(name) && statSync(join(folder, name)).isDirectory())
        out.push({ path: `${sub}/${name}`, dir: join(folder, name) });
  }
  return out;
}

function zarrAsset(dandisetId: string, path: string, zarr: StoredZarr, index: number): StoredAsset {
  const stamp = STAMP.replace('00.000000', `00.${String(index + 1).padStart(6, '0')}`);
  return {
    assetId: uuidFrom(`asset:${dandisetId}:${path}`),
    path,
    blob: null,
    zarr,
    created: stamp,
    modified: stamp,
    metadata: {
      schemaKey: 'Asset',
      schemaVersion: '0.6.4',
      encodingFormat: 'application/x-zarr',
      blobDateModified: stamp,
    },
  };
}

/** Bytes under a folder (stat only: the listing's totals before the stores are read). */
function treeSize(dir: string): number {
  let size = 0;
  for (const name of readdirSync(dir)) {
    const full = join(dir, name);
    const s = statSync(full);
    size += s.isDirectory() ? treeSize(full) : s.size;
  }
  return size;
}

/**
 * Adds Dandiset 990010 (owned by the curator: it stays out of the owner's own list). Its stores
 * (45 MB, 2,000 files to hash) are read on first need, not at every start of the archive.
 */
export function seedZarrCorpus(
  store: ArchiveStore,
  fixturesDir: string,
  makeDandiset: (id: string) => StoredDandiset,
): void {
  const d = makeDandiset(ZARR_CORPUS_ID);
  const draft = d.versions[0];
  const folders = zarrCorpusFolders(fixturesDir);
  if (!draft || folders.length === 0) return;
  draft.pendingTotals = {
    assetCount: folders.length,
    size: folders.reduce((n, f) => n + treeSize(f.dir), 0),
  };
  draft.load = async () => {
    draft.assets = folders.map(({ path, dir }, i) => {
      const name = path.slice(path.lastIndexOf('/') + 1);
      const zarrId = uuidFrom(`zarr:${d.identifier}:${path}`);
      return zarrAsset(d.identifier, path, zarrFromFolder(dir, zarrId, name, d.identifier), i);
    });
    draft.modified = draft.assets.reduce((m, a) => (a.modified > m ? a.modified : m), draft.created);
    draft.pendingTotals = undefined;
    draft.generation++;
    store.indexAssets(d, draft.assets);
  };
  store.addDandiset(d);
  store.trackLazy(draft);
}

/** An embargoed Zarr asset in the embargoed Dandiset: read only through the API's presigned redirects. */
export function addEmbargoedZarr(store: ArchiveStore, fixturesDir: string, embargoedId: string): void {
  const d = store.dandisets.get(embargoedId);
  const draft = d?.versions[0];
  const dir = join(fixturesDir, 'zarr', EMBARGOED_ZARR_SOURCE);
  if (!d || !draft || !existsSync(dir)) return;
  const zarr = zarrFromFolder(
    dir,
    uuidFrom(`zarr:${embargoedId}:${EMBARGOED_ZARR_PATH}`),
    'sub-03_sample.ome.zarr',
    embargoedId,
    true,
  );
  const asset = zarrAsset(embargoedId, EMBARGOED_ZARR_PATH, zarr, draft.assets.length);
  draft.assets.push(asset);
  store.indexAssets(d, [asset]);
  draft.generation++;
}
