/**
 * DANDI asset source: `GET {apiUrl}/assets/{id}/download/` answers 302 to a presigned blob URL.
 * The HTTP layer resolves it with the API key on the API origin only, and renews it after a 403
 * (presigned URLs expire). With a known identity and size (from the asset listing) opening sends
 * no request at all. An open asset's unsigned blob URL, when known, is read directly (one round
 * trip per read instead of two on the first); a 403 or 404 there falls back to the API.
 */
import { vouchedHints, type RemoteAssetRef } from '../../dandi/assetUri';
import { trimSlashes } from '../../dandi/instances';
import type { SourceSpec } from '../types';
import { HttpSource } from './http';

export type DandiSourceSpec = Omit<Extract<SourceSpec, { kind: 'dandi' }>, 'kind'>;

export function dandiDownloadUrl(apiUrl: string, assetId: string): string {
  if (!/^[A-Za-z0-9-]+$/.test(assetId)) throw new Error(`invalid asset id: ${JSON.stringify(assetId)}`);
  return `${trimSlashes(apiUrl)}/assets/${assetId}/download/`;
}

/**
 * How to read the asset a `dandi-asset:` link names. Its size and blob URL are used only when the
 * API vouched for them (assetUri.ts); then the cache identity is the blob's origin + path and size
 * (or the asset on this API, for an embargoed one read through the API), and a second open sends
 * nothing. Otherwise the source asks the API, and the identity comes from the blob that answered.
 */
export function assetSourceSpec(ref: RemoteAssetRef, apiKey: string | undefined): SourceSpec {
  const spec: SourceSpec = { kind: 'dandi', apiUrl: ref.apiUrl, assetId: ref.assetId };
  if (apiKey) spec.apiKey = apiKey;
  const hints = vouchedHints(ref);
  if (hints.size === undefined) return spec;
  spec.size = hints.size;
  if (hints.blobUrl !== undefined) {
    const blob = new URL(hints.blobUrl);
    spec.blobUrl = hints.blobUrl;
    // Only open assets have a public blob URL: their cached metadata is no secret.
    spec.private = false;
    spec.identity = `blob:${blob.origin}${blob.pathname}:${hints.size}`;
  } else {
    spec.identity = `asset:${trimSlashes(ref.apiUrl)}/${ref.assetId}:${hints.size}`;
  }
  return spec;
}

export function createDandiSource(spec: DandiSourceSpec, probeBytes: number): HttpSource {
  return new HttpSource({
    url: dandiDownloadUrl(spec.apiUrl, spec.assetId),
    dandi: { credentials: { apiUrl: spec.apiUrl, apiKey: spec.apiKey } },
    directUrl: spec.blobUrl,
    probeBytes,
  });
}
