/**
 * A hostile case the archive serves: a `dandi-asset:` link that names a genuine asset but whose
 * `blob=` (and `size=`) point at another file of the archive, as anyone could write one in a
 * README. `GET /__control/poisoned-link?dandiset=&path=&foreign=[&version=draft]` answers
 * `{link, genuine: {assetId, blobUrl, size}, foreign: {assetId, blobUrl, size}}`.
 */
import { formatAssetUri } from '../../src/dandi/assetUri';
import { type ArchiveContext } from './context';
import { assetSize, draftOf, ensureLoaded, type StoredAsset } from './model';
import { s3Url } from './serialize';

interface LinkedAsset {
  assetId: string;
  blobUrl: string;
  size: number;
}

export async function poisonedLink(
  archive: ArchiveContext,
  query: URLSearchParams,
): Promise<{ link: string; genuine: LinkedAsset; foreign: LinkedAsset }> {
  const dandisetId = query.get('dandiset') ?? '';
  const version = query.get('version') ?? 'draft';
  const dandiset = archive.store.dandisets.get(dandisetId);
  const stored =
    version === 'draft' ? dandiset && draftOf(dandiset) : dandiset?.versions.find(v => v.version === version);
  if (!stored) throw new Error(`no version ${version} of Dandiset ${dandisetId}`);
  await ensureLoaded(stored);
  const find = (path: string | null): StoredAsset => {
    const asset = stored.assets.find(a => a.path === path && a.blob);
    if (!asset) throw new Error(`no blob asset ${String(path)} in ${dandisetId}/${version}`);
    return asset;
  };
  const describe = (a: StoredAsset): LinkedAsset => ({
    assetId: a.assetId,
    blobUrl: s3Url(archive, a),
    size: assetSize(a),
  });
  const genuine = describe(find(query.get('path')));
  const foreign = describe(find(query.get('foreign')));
  const link = formatAssetUri({
    apiUrl: archive.apiUrl,
    assetId: genuine.assetId,
    dandisetId,
    version,
    path: query.get('path') ?? '',
    size: foreign.size,
    blobUrl: foreign.blobUrl,
  });
  return { link, genuine, foreign };
}
