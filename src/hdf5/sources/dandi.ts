/**
 * DANDI asset source: `GET {apiUrl}/assets/{id}/download/` answers 302 to a presigned blob URL.
 * The HTTP layer resolves it with the API key on the API origin only, and renews it after a 403
 * (presigned URLs expire). With a known identity and size (from the asset listing) opening sends
 * no request at all. An open asset's unsigned blob URL, when known, is read directly (one round
 * trip per read instead of two on the first); a 403 or 404 there falls back to the API.
 */
import { trimSlashes } from '../../dandi/instances';
import type { SourceSpec } from '../types';
import { HttpSource } from './http';

export type DandiSourceSpec = Omit<Extract<SourceSpec, { kind: 'dandi' }>, 'kind'>;

export function dandiDownloadUrl(apiUrl: string, assetId: string): string {
  if (!/^[A-Za-z0-9-]+$/.test(assetId)) throw new Error(`invalid asset id: ${JSON.stringify(assetId)}`);
  return `${trimSlashes(apiUrl)}/assets/${assetId}/download/`;
}

export function createDandiSource(spec: DandiSourceSpec, probeBytes: number): HttpSource {
  return new HttpSource({
    url: dandiDownloadUrl(spec.apiUrl, spec.assetId),
    dandi: { credentials: { apiUrl: spec.apiUrl, apiKey: spec.apiKey } },
    directUrl: spec.blobUrl,
    probeBytes,
  });
}
