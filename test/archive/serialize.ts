import { type ArchiveContext } from './context';
import {
  assetSize,
  dandisetModified,
  draftOf,
  type Json,
  type JsonObject,
  mostRecentVersion,
  publishedOf,
  type StoredAsset,
  type StoredDandiset,
  type StoredVersion,
  type User,
  versionTotals,
} from './model';

/** The archive's serializers (dandi-archive views/serializers.py), field for field. */

export function blobPath(blobId: string): string {
  return `/blobs/${blobId.slice(0, 3)}/${blobId.slice(3, 6)}/${blobId}`;
}

/** Unsigned S3 URL of an asset (Zarr: the prefix, ending in `/`). */
export function s3Url(archive: ArchiveContext, asset: StoredAsset): string {
  if (asset.zarr) return `${archive.blobOrigin}/zarr/${asset.zarr.zarrId}/`;
  return `${archive.blobOrigin}${blobPath(asset.blob?.blobId ?? '')}`;
}

export function contactPerson(d: StoredDandiset): string {
  const v = mostRecentVersion(d);
  const contributors = v?.metadata.contributor;
  if (!Array.isArray(contributors)) return '';
  for (const c of contributors) {
    if (c && typeof c === 'object' && !Array.isArray(c)) {
      const roles = c.roleName;
      if (Array.isArray(roles) && roles.includes('dcite:ContactPerson') && typeof c.name === 'string')
        return c.name;
    }
  }
  return '';
}

export function versionSummary(v: StoredVersion, detailed: boolean): JsonObject {
  const totals = versionTotals(v);
  const out: JsonObject = { version: v.version, name: v.name, asset_count: totals.assetCount };
  if (detailed) out.active_uploads = 0;
  Object.assign(out, { size: totals.size, status: v.status, created: v.created, modified: v.modified });
  if (detailed) out.release_notes = '';
  return out;
}

function dandisetCore(d: StoredDandiset, user: User | null): JsonObject {
  return {
    identifier: d.identifier,
    created: d.created,
    modified: dandisetModified(d),
    contact_person: contactPerson(d),
    embargo_status: d.embargoStatus,
    star_count: d.starredBy.size,
    is_starred: user !== null && d.starredBy.has(user.username),
  };
}

export function dandisetItem(d: StoredDandiset, user: User | null, detailed: boolean): JsonObject {
  const published = publishedOf(d);
  const latest = published[published.length - 1];
  const draft = draftOf(d);
  return {
    ...dandisetCore(d, user),
    most_recent_published_version: latest ? versionSummary(latest, detailed) : null,
    draft_version: draft ? versionSummary(draft, detailed) : null,
  };
}

export function versionListItem(d: StoredDandiset, v: StoredVersion, user: User | null): JsonObject {
  return { ...versionSummary(v, true), dandiset: dandisetCore(d, user) };
}

/** The version metadata document, with the totals the server keeps up to date. */
export function versionMetadata(archive: ArchiveContext, d: StoredDandiset, v: StoredVersion): JsonObject {
  const meta: JsonObject = { ...v.metadata };
  if (d.identifier.startsWith('99')) {
    const totals = versionTotals(v);
    const summary = meta.assetsSummary;
    if (summary && typeof summary === 'object' && !Array.isArray(summary)) {
      meta.assetsSummary = { ...summary, numberOfBytes: totals.size, numberOfFiles: totals.assetCount };
    }
    meta.url = `${archive.webUrl}/dandiset/${d.identifier}/${v.version}`;
  }
  if (v.version === 'draft')
    meta.manifestLocation = [`${archive.apiUrl}/dandisets/${d.identifier}/versions/draft/assets/`];
  return meta;
}

export function versionInfo(
  archive: ArchiveContext,
  d: StoredDandiset,
  v: StoredVersion,
  user: User | null,
): JsonObject {
  return {
    ...versionListItem(d, v, user),
    asset_validation_errors: [],
    version_validation_errors: v.validationErrors as Json,
    metadata: versionMetadata(archive, d, v),
    contact_person: contactPerson(d),
  };
}

export function assetItem(a: StoredAsset): JsonObject {
  return {
    asset_id: a.assetId,
    blob: a.blob?.blobId ?? null,
    zarr: a.zarr?.zarrId ?? null,
    path: a.path,
    size: assetSize(a),
    created: a.created,
    modified: a.modified,
  };
}

/** Asset metadata with the server-computed fields, always consistent with what the blob host serves. */
export async function assetMetadata(
  archive: ArchiveContext,
  d: StoredDandiset,
  a: StoredAsset,
): Promise<JsonObject> {
  let digest: JsonObject;
  if (a.zarr) digest = { 'dandi:dandi-zarr-checksum': a.zarr.checksum };
  else {
    const digests = await (a.blob as NonNullable<StoredAsset['blob']>).digests();
    digest = { 'dandi:dandi-etag': digests.etag };
    if (digests.sha256) digest['dandi:sha2-256'] = digests.sha256;
  }
  const meta: JsonObject = {
    '@context': 'https://raw.githubusercontent.com/dandi/schema/master/releases/0.6.4/context.json',
    ...a.metadata,
    id: `dandiasset:${a.assetId}`,
    identifier: a.assetId,
    path: a.path,
    contentSize: assetSize(a),
    contentUrl: [`${archive.apiUrl}/assets/${a.assetId}/download/`, s3Url(archive, a)],
    digest,
  };
  if (a.zarr) meta.encodingFormat = 'application/x-zarr';
  if (d.embargoStatus !== 'OPEN')
    meta.access = [{ schemaKey: 'AccessRequirements', status: 'dandi:EmbargoedAccess' }];
  else if (!meta.access) meta.access = [{ schemaKey: 'AccessRequirements', status: 'dandi:OpenAccess' }];
  return meta;
}

export async function assetInfo(
  archive: ArchiveContext,
  d: StoredDandiset,
  a: StoredAsset,
): Promise<JsonObject> {
  return { ...assetItem(a), metadata: await assetMetadata(archive, d, a) };
}

export function infoDocument(archive: ArchiveContext): JsonObject {
  return {
    instance_config: {
      instance_name: 'DANDI',
      instance_identifier: 'RRID:SCR_017571',
      instance_url: `${archive.webUrl}/`,
      doi_prefix: '10.48324',
      licenses: ['spdx:CC0-1.0', 'spdx:CC-BY-4.0'],
    },
    schema_version: '0.7.0',
    schema_url: `${archive.apiUrl}/schemas/?model=Dandiset`,
    allowed_schema_versions: [
      '0.4.4',
      '0.5.1',
      '0.5.2',
      '0.6.0',
      '0.6.1',
      '0.6.2',
      '0.6.3',
      '0.6.4',
      '0.6.5',
      '0.6.6',
      '0.6.7',
      '0.6.8',
      '0.6.9',
      '0.6.10',
      '0.7.0',
    ],
    version: '1.0.0',
    'cli-minimal-version': '0.74.0',
    'cli-requires-python': '>=3.10',
    'cli-bad-versions': [],
    services: {
      api: { url: archive.apiUrl },
      webui: { url: archive.webUrl },
      jupyterhub: { url: `${archive.webUrl}/hub` },
    },
  };
}
