/** Shared helpers of the HDF5 engine tests: fixture lists, a full recursive walk, read digests. */
import { readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { StandInArchive } from '../../archive/types';
import { openHdf5 } from '../../../src/hdf5/engine';
import type {
  DatasetInfo,
  H5Attribute,
  H5Entry,
  Hdf5File,
  NumericArray,
  OpenOptions,
  SourceSpec,
} from '../../../src/hdf5/types';

export const FIXTURES = resolve(process.cwd(), '..', 'shared', 'fixtures', 'nwb');
/** The worker as the extension ships it: tests go through the built bundle on purpose. */
export const WORKER = resolve(process.cwd(), 'dist', 'hdf5Worker.js');

export function fixtureFiles(): string[] {
  return readdirSync(FIXTURES)
    .filter(name => /\.(nwb|h5)$/.test(name) && statSync(join(FIXTURES, name)).isFile())
    .sort();
}

export const PLUGIN_FILES = new Set(['hdf5plugin__blosc.h5', 'hdf5plugin__zfp_054.h5']);

export function open(spec: SourceSpec, options: OpenOptions = {}): Promise<Hdf5File> {
  return openHdf5(spec, { workerPath: WORKER, deadlineMs: 20_000, ...options });
}

export interface Snapshot {
  entries: H5Entry[];
  attributes: Record<string, H5Attribute[]>;
  infos: Record<string, DatasetInfo>;
}

/** Every entry, every attribute and every dataset info, depth first (links are not followed). */
export async function walk(
  file: Hdf5File,
  path = '/',
  snapshot: Snapshot = { entries: [], attributes: {}, infos: {} },
): Promise<Snapshot> {
  snapshot.attributes[path] = await file.attributes(path);
  for (const entry of await file.list(path)) {
    snapshot.entries.push(entry);
    if (entry.kind === 'group') await walk(file, entry.path, snapshot);
    else if (entry.kind === 'dataset') {
      snapshot.attributes[entry.path] = await file.attributes(entry.path);
      snapshot.infos[entry.path] = await file.datasetInfo(entry.path);
    }
  }
  return snapshot;
}

/** Count, sum, first and last of a numeric read (exact for integers, order-stable for floats). */
export function digest(data: NumericArray): { n: number; sum: string; first: string; last: string } {
  let sum = 0;
  let bigSum = 0n;
  const big = data instanceof BigInt64Array || data instanceof BigUint64Array;
  for (const v of data) {
    if (typeof v === 'bigint') bigSum += v;
    else if (!Number.isNaN(v)) sum += v;
  }
  const text = (v: number | bigint | undefined) => (v === undefined ? '' : String(v));
  return {
    n: data.length,
    sum: big ? bigSum.toString() : String(sum),
    first: text(data[0]),
    last: text(data[data.length - 1]),
  };
}

export function isNumericInfo(info: DatasetInfo): boolean {
  return (
    ['integer', 'float', 'enum', 'boolean', 'bitfield'].includes(info.dtype.class) &&
    [1, 2, 4, 8].includes(info.dtype.size)
  );
}

/** Asset id and size of each corpus file in the stand-in archive, by file name. */
/** The corpus Dandiset's assets by file name: id, size and the unsigned blob URL (contentUrl[1]). */
export async function corpusAssets(
  archive: StandInArchive,
): Promise<Map<string, { id: string; size: number; blobUrl: string }>> {
  const url = `${archive.apiUrl}/dandisets/${archive.ids.corpus}/versions/draft/assets/?page_size=1000&metadata=true`;
  const response = await fetch(url);
  if (!response.ok) throw new Error(`asset list: HTTP ${response.status}`);
  const body = (await response.json()) as {
    results: { asset_id: string; path: string; size: number; metadata: { contentUrl: string[] } }[];
  };
  const out = new Map<string, { id: string; size: number; blobUrl: string }>();
  for (const asset of body.results) {
    out.set(asset.path.split('/').pop() as string, {
      id: asset.asset_id,
      size: asset.size,
      blobUrl: asset.metadata.contentUrl[1],
    });
  }
  return out;
}

/**
 * A corpus asset opened as the tree opens it: its size and unsigned blob URL known, so no API
 * request; `identity` names it in the engine's caches (a test that must not find another's uses its own).
 */
export function knownAsset(
  archive: StandInArchive,
  asset: { id: string; size: number; blobUrl: string },
  identity: string,
): Extract<SourceSpec, { kind: 'dandi' }> {
  return {
    kind: 'dandi',
    apiUrl: archive.apiUrl,
    assetId: asset.id,
    size: asset.size,
    identity,
    blobUrl: asset.blobUrl,
  };
}
