/**
 * The ZarrStoreSpec of an archive Zarr asset: its S3 prefix from `contentUrl` (public chunks read
 * by key there), the zarr id, the API it lives on (the embargoed path: per-key presigned
 * redirects with the user's key) and the dandi-zarr-checksum that keys the metadata cache.
 */
import type { ZarrStoreSpec } from './types';

/** What of an asset the spec needs: the list item's `zarr` id and (optionally) its metadata. */
export interface ZarrAssetLike {
  zarr: string | null;
  metadata?: {
    contentUrl?: string[];
    digest?: { [algorithm: string]: string | undefined };
    access?: { status?: string }[];
  };
}

const ZARR_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The public prefix among `contentUrl`: the URL ending in `zarr/{id}/` that is not on the API. */
export function zarrPrefixFrom(
  contentUrl: readonly string[] | undefined,
  zarrId: string,
  apiUrl: string,
): string | undefined {
  const api = new URL(apiUrl);
  for (const url of contentUrl ?? []) {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      continue;
    }
    if (parsed.origin === api.origin && parsed.pathname.startsWith(api.pathname)) continue;
    if (parsed.search || !parsed.pathname.replace(/\/?$/, '/').endsWith(`/zarr/${zarrId}/`)) continue;
    return `${parsed.origin}${parsed.pathname.replace(/\/?$/, '/')}`;
  }
  return undefined;
}

/**
 * The spec for an archive Zarr asset. An embargoed asset (its access status says so, or no public
 * prefix is known) is read through the API with `apiKey`; an open one from its S3 prefix.
 */
export function zarrSpecForAsset(asset: ZarrAssetLike, apiUrl: string, apiKey?: string): ZarrStoreSpec {
  const zarrId = asset.zarr;
  if (!zarrId || !ZARR_ID.test(zarrId))
    throw new Error(`not a Zarr asset (zarr id ${JSON.stringify(zarrId)})`);
  const api = apiUrl.replace(/\/+$/, '');
  const spec: ZarrStoreSpec = { kind: 'dandi', apiUrl: api, zarrId };
  const embargoed = asset.metadata?.access?.some(a => /embargo/i.test(a.status ?? '')) ?? false;
  const prefix = embargoed ? undefined : zarrPrefixFrom(asset.metadata?.contentUrl, zarrId, api);
  if (prefix) spec.baseUrl = prefix;
  if (apiKey) spec.apiKey = apiKey;
  const checksum = asset.metadata?.digest?.['dandi:dandi-zarr-checksum'];
  if (checksum) spec.checksum = checksum;
  return spec;
}
