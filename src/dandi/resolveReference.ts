import { versionSubject } from './apiReader';
import { DandiApiError } from './errors';
import type { DandiReference } from './references';
import type { AssetInfo, AssetRecord, DandisetRecord, PathRecord, VersionInfo } from './types';

/**
 * Reference resolution: a parsed DandiReference (references.ts) turned into the archive objects
 * it names, through the client's own lookups. Split from client.ts; it takes the client as the
 * structural `ArchiveLookups` below so it never imports client.ts (imports stay one-way).
 */

/** A reference turned into concrete archive objects (versions resolved). */
export interface ResolvedReference {
  reference: DandiReference;
  /** Null only for a version-independent asset id whose Dandiset cannot be known. */
  dandiset: DandisetRecord | null;
  /** The concrete version: the one given, else the most recent published, else draft. */
  version: string;
  /** Set for asset-id and asset-path references. */
  asset?: AssetRecord;
  /** Set for folder references: the folder's own entry (sizes, counts) from its parent listing. */
  folder?: PathRecord;
}

/** The DandiClient methods resolution calls (the client passes itself). */
interface ArchiveLookups {
  getDandiset(id: string, signal?: AbortSignal): Promise<DandisetRecord>;
  getVersionInfo(id: string, version: string, signal?: AbortSignal): Promise<VersionInfo>;
  getAssetInfo(
    assetId: string,
    where?: { dandisetId: string; version: string },
    signal?: AbortSignal,
  ): Promise<AssetInfo>;
  findAssetByPath(
    id: string,
    version: string,
    path: string,
    signal?: AbortSignal,
  ): Promise<AssetRecord | null>;
  findFolder(id: string, version: string, path: string, signal?: AbortSignal): Promise<PathRecord | null>;
}

/**
 * Resolves `reference` through `client`: the Dandiset, the concrete version (omitted ⇒ most
 * recent published, else draft), and the asset or folder it names. `label` names the instance in
 * not-found messages.
 */
export async function resolveReference(
  client: ArchiveLookups,
  label: string,
  reference: DandiReference,
  signal?: AbortSignal,
): Promise<ResolvedReference> {
  if (reference.dandisetId === null) {
    const assetId = reference.assetId ?? '';
    const info = await client.getAssetInfo(assetId, undefined, signal);
    return { reference, dandiset: null, version: reference.version ?? 'draft', asset: stripMetadata(info) };
  }
  const dandiset = await client.getDandiset(reference.dandisetId, signal);
  const version =
    reference.version ??
    dandiset.most_recent_published_version?.version ??
    dandiset.draft_version?.version ??
    'draft';
  if (reference.version && reference.version !== 'draft')
    await client.getVersionInfo(reference.dandisetId, version, signal); // 404 ⇒ no such version
  const resolved: ResolvedReference = { reference, dandiset, version };
  const id = reference.dandisetId;
  if (reference.kind === 'asset-id' && reference.assetId) {
    resolved.asset = stripMetadata(
      await client.getAssetInfo(reference.assetId, { dandisetId: id, version }, signal),
    );
  } else if (reference.kind === 'asset-path' && reference.path) {
    const asset = await client.findAssetByPath(id, version, reference.path, signal);
    if (!asset) {
      const folder = await client.findFolder(id, version, reference.path, signal);
      if (folder)
        throw new DandiApiError(
          'not-found',
          `"${reference.path}" in ${versionSubject(id, version)} is a folder; add a trailing "/" to open it as one.`,
          404,
        );
      throw new DandiApiError(
        'not-found',
        `No asset at "${reference.path}" in ${versionSubject(id, version)} on ${label}.`,
        404,
      );
    }
    resolved.asset = asset;
  } else if (reference.kind === 'folder' && reference.path) {
    const folder = await client.findFolder(id, version, reference.path, signal);
    if (!folder)
      throw new DandiApiError(
        'not-found',
        `No folder "${reference.path.replace(/\/$/, '')}" in ${versionSubject(id, version)} on ${label}.`,
        404,
      );
    resolved.folder = folder;
  }
  return resolved;
}

function stripMetadata(info: AssetInfo): AssetRecord {
  const { metadata: _metadata, ...record } = info;
  return record;
}
