/**
 * The AIND NWB-Zarr store as the Zarr benchmarks read it: its asset in the stand-in archive's
 * Zarr corpus (the store spec and public S3 prefix), and every node's path from the local copy of
 * the fixture, which the one-by-one peers are given since S3 keys cannot be listed cheaply.
 */
import { resolve } from 'node:path';
import { request } from 'undici';
import { zarrSpecForAsset } from '../src/zarr/assetSpec';
import { openZarr } from '../src/zarr/reader';
import type { ZarrStoreSpec } from '../src/zarr/types';
import type { ArchiveProcess } from './archiveProcess';

export const NWB = 'zarr/aind__multiplane-ophys_eye-tracking.nwb.zarr';

export async function nwbZarrAsset(
  archive: ArchiveProcess,
): Promise<{ spec: ZarrStoreSpec; baseUrl: string; paths: string[] }> {
  const ids = archive.ids as unknown as { zarrCorpus: string };
  const list = await request(
    `${archive.apiUrl}/dandisets/${ids.zarrCorpus}/versions/draft/assets/?metadata=true&page_size=100`,
  );
  const assets = (
    (await list.body.json()) as { results: { path: string; zarr: string | null; metadata: never }[] }
  ).results;
  const asset = assets.find(a => a.path === NWB);
  if (!asset) throw new Error(`${NWB} is not served`);
  const spec = zarrSpecForAsset(asset, archive.apiUrl);
  const baseUrl = spec.kind === 'dandi' && spec.baseUrl ? spec.baseUrl : '';
  const local = await openZarr({ kind: 'local', path: resolve('..', 'shared', 'fixtures', NWB) });
  const paths: string[] = [''];
  const collect = async (p: string): Promise<void> => {
    for (const c of await local.children(p)) {
      paths.push(c.path);
      if (c.kind === 'group') await collect(c.path);
    }
  };
  await collect('');
  await local.close();
  return { spec, baseUrl, paths };
}
