/**
 * Remote assets open in the NWB viewer through URIs of the `dandi-asset` scheme, so VS Code picks
 * the custom editor by file name while the bytes are streamed from the archive:
 *
 *   dandi-asset://<api host>/<dandiset id>/<version>/<asset path>?asset=<asset id>&api=<API URL>&size=<bytes>&blob=<S3 URL>
 *
 * The path ends with the asset's real file name (for `*.nwb` editor selection and tab titles).
 * This module is shared by the tree (which builds the URI) and the editor (which resolves it).
 *
 * Anyone can write such a link (a README, a chat message), so `size=` and `blob=` are only hints:
 * they are used when this process vouched for them from the API's own answer (the tree's listing,
 * {@link vouchForAsset}); otherwise the viewer asks the API where the bytes are and how many.
 */
import { isHttpUrl } from './instances';

export interface RemoteAssetRef {
  /** API base URL, e.g. `https://api.dandiarchive.org/api`. */
  apiUrl: string;
  assetId: string;
  /** Asset path within the Dandiset, e.g. `sub-01/sub-01_ses-1.nwb`. */
  path: string;
  dandisetId: string;
  /** `draft` or a published version; the asset id alone identifies the blob. */
  version: string;
  /** Size in bytes when known (shown before the first request). */
  size?: number;
  /**
   * The blob's unsigned S3 URL (`asset.url` of the paths listing) for open assets: read directly,
   * it saves the API's redirect round trip; a refusal falls back to the API (dandi-api.md 2.2).
   */
  blobUrl?: string;
}

/** URI scheme of remote assets opened in the NWB viewer without downloading (package.json's menus name it too). */
export const ASSET_URI_SCHEME = 'dandi-asset';

export function formatAssetUri(ref: RemoteAssetRef): string {
  const host = new URL(ref.apiUrl).host;
  const path = ref.path
    .split('/')
    .map(seg => encodeURIComponent(seg))
    .join('/');
  const query = new URLSearchParams({ asset: ref.assetId, api: ref.apiUrl });
  if (ref.size !== undefined) query.set('size', String(ref.size));
  if (ref.blobUrl !== undefined && isHttpUrl(ref.blobUrl)) query.set('blob', ref.blobUrl);
  return `${ASSET_URI_SCHEME}://${host}/${encodeURIComponent(ref.dandisetId)}/${encodeURIComponent(ref.version)}/${path}?${query}`;
}

/** Parses what {@link formatAssetUri} wrote; throws a clear error for anything else. */
export function parseAssetUri(uri: string): RemoteAssetRef {
  const url = new URL(uri);
  if (url.protocol !== `${ASSET_URI_SCHEME}:`) throw new Error(`not a ${ASSET_URI_SCHEME} URI: ${uri}`);
  const assetId = url.searchParams.get('asset');
  const apiUrl = url.searchParams.get('api');
  const segments = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
  if (!assetId || !apiUrl || segments.length < 3)
    throw new Error(`incomplete ${ASSET_URI_SCHEME} URI: ${uri}`);
  const [dandisetId, version, ...rest] = segments;
  const sizeText = url.searchParams.get('size');
  const ref: RemoteAssetRef = { apiUrl, assetId, dandisetId, version, path: rest.join('/') };
  if (sizeText !== null && /^\d+$/.test(sizeText)) ref.size = Number(sizeText);
  const blobUrl = url.searchParams.get('blob');
  if (blobUrl !== null && isHttpUrl(blobUrl)) ref.blobUrl = blobUrl;
  return ref;
}

/** What the API said about an asset: its blob's unsigned URL (open assets) and its size. */
interface VouchedFacts {
  blobUrl?: string;
  size: number;
}

/** Bounded: a long session browsing many folders keeps only the most recent assets. */
const MAX_VOUCHED = 20_000;
const vouched = new Map<string, VouchedFacts>();

function vouchKey(apiUrl: string, assetId: string): string {
  return `${apiUrl.replace(/\/+$/, '')} ${assetId}`;
}

/** Records what the API answered for this asset, so a link built from it opens without asking again. */
export function vouchForAsset(ref: RemoteAssetRef): void {
  if (ref.size === undefined) return;
  const key = vouchKey(ref.apiUrl, ref.assetId);
  vouched.delete(key);
  vouched.set(key, { size: ref.size, ...(ref.blobUrl !== undefined ? { blobUrl: ref.blobUrl } : {}) });
  if (vouched.size > MAX_VOUCHED) vouched.delete(vouched.keys().next().value as string);
}

/**
 * The link's size and blob URL when they are exactly what the API said for this asset; nothing
 * otherwise (a foreign `blob=` or a wrong `size=` is ignored, never half used).
 */
export function vouchedHints(ref: RemoteAssetRef): { size?: number; blobUrl?: string } {
  const facts = vouched.get(vouchKey(ref.apiUrl, ref.assetId));
  if (!facts || facts.size !== ref.size || facts.blobUrl !== ref.blobUrl) return {};
  return facts.blobUrl !== undefined ? { size: facts.size, blobUrl: facts.blobUrl } : { size: facts.size };
}
