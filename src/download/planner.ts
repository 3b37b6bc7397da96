import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import type { DandiClient, ResolvedReference } from '../dandi/client';
import { isHttpUrl } from '../dandi/instances';
import type { AssetRecord } from '../dandi/types';
import { localTarget, renderDandisetYaml, type LayoutScope } from './layout';
import { prepareTarget } from './paths';
import type { PlannedFile } from './types';

/** What to download, in archive terms (from a tree element, a reference or an open viewer). */
export type DownloadTarget =
  | { kind: 'dandiset'; dandisetId: string; version: string }
  /** A folder path ending in `/`. */
  | { kind: 'folder'; dandisetId: string; version: string; path: string }
  /** The asset list's `?path=` prefix (dandi-cli: relative to dirname(prefix)). */
  | { kind: 'path-prefix'; dandisetId: string; version: string; path: string }
  | { kind: 'glob'; dandisetId: string; version: string; path: string }
  | { kind: 'asset'; assetId: string; dandisetId?: string | null; version?: string; asset?: AssetRecord };

export type PlanningClient = Pick<
  DandiClient,
  'apiUrl' | 'instance' | 'iterateAssets' | 'getAssetInfo' | 'assetDownloadUrl' | 'getVersionMetadata'
>;

export interface DownloadPlan {
  /** For messages: "Dandiset 000027 (draft)", "folder sub-01/ of 000027/draft", ... */
  title: string;
  files: PlannedFile[];
  /** Written beside the assets of a whole-Dandiset download. */
  dandisetYaml?: { localPath: string; content: string };
}

/** Turns a reference resolved by the client into a download target. */
export function targetFromResolved(resolved: ResolvedReference): DownloadTarget {
  const ref = resolved.reference;
  const id = resolved.dandiset?.identifier ?? ref.dandisetId;
  if (resolved.asset)
    return {
      kind: 'asset',
      assetId: resolved.asset.asset_id,
      dandisetId: id,
      version: resolved.version,
      asset: resolved.asset,
    };
  if (!id) throw new Error('the reference names no Dandiset');
  const base = { dandisetId: id, version: resolved.version };
  switch (ref.kind) {
    case 'folder':
      return { kind: 'folder', ...base, path: ref.path ?? '' };
    case 'path-prefix':
      return { kind: 'path-prefix', ...base, path: ref.path ?? '' };
    case 'glob':
      return { kind: 'glob', ...base, path: ref.path ?? '*' };
    default:
      return { kind: 'dandiset', ...base };
  }
}

function plannedFrom(client: PlanningClient, asset: AssetRecord, localPath: string): PlannedFile {
  const digest = asset.metadata?.digest ?? {};
  const file: PlannedFile = {
    assetId: asset.asset_id,
    path: asset.path,
    localPath,
    size: asset.size,
    etag: digest['dandi:dandi-etag'],
    blobDateModified: asset.metadata?.blobDateModified ?? asset.modified,
    downloadUrl: client.assetDownloadUrl(asset.asset_id),
  };
  const blobUrl = openBlobUrl(asset.metadata, file.downloadUrl);
  if (blobUrl && !asset.zarr) file.blobUrl = blobUrl;
  if (asset.zarr) {
    file.zarr = { zarrId: asset.zarr, apiUrl: client.apiUrl, checksum: digest['dandi:dandi-zarr-checksum'] };
  }
  return file;
}

/** The unsigned S3 entry of `contentUrl` for an open asset (never the API's own URL). */
function openBlobUrl(metadata: AssetRecord['metadata'], downloadUrl: string): string | undefined {
  if (!metadata) return undefined;
  const access: unknown[] = Array.isArray(metadata.access) ? metadata.access : [];
  const embargoed = access.some(a =>
    /embargo/i.test(String((a as { status?: unknown } | null)?.status ?? '')),
  );
  if (embargoed) return undefined;
  const apiOrigin = new URL(downloadUrl).origin;
  return (metadata.contentUrl ?? []).find(url => isHttpUrl(url) && new URL(url).origin !== apiOrigin);
}

/** Lists what a target covers (with metadata, one request per 1000 assets) and lays it out. */
export async function buildPlan(
  client: PlanningClient,
  target: DownloadTarget,
  signal?: AbortSignal,
): Promise<DownloadPlan> {
  if (target.kind === 'asset') {
    const where =
      target.dandisetId && target.version
        ? { dandisetId: target.dandisetId, version: target.version }
        : undefined;
    const info = await client.getAssetInfo(target.assetId, where, signal);
    return {
      title: info.path,
      files: [plannedFrom(client, info, localTarget({ kind: 'asset' }, info.path))],
    };
  }
  const { dandisetId, version } = target;
  let scope: LayoutScope;
  let title: string;
  const listing: { path?: string; glob?: string } = {};
  switch (target.kind) {
    case 'dandiset':
      scope = { kind: 'dandiset', dandisetId };
      title = `Dandiset ${dandisetId} (${version})`;
      break;
    case 'folder':
      scope = { kind: 'prefix', prefix: target.path };
      listing.path = target.path.endsWith('/') ? target.path : `${target.path}/`;
      title = `${listing.path} of ${dandisetId}/${version}`;
      break;
    case 'path-prefix':
      scope = { kind: 'prefix', prefix: target.path };
      listing.path = target.path;
      title = `${target.path}* of ${dandisetId}/${version}`;
      break;
    case 'glob':
      scope = { kind: 'glob' };
      listing.glob = target.path;
      title = `${target.path} in ${dandisetId}/${version}`;
      break;
  }
  const files: PlannedFile[] = [];
  for await (const asset of client.iterateAssets(dandisetId, version, {
    ...listing,
    metadata: true,
    signal,
  })) {
    files.push(plannedFrom(client, asset, localTarget(scope, asset.path)));
  }
  const plan: DownloadPlan = { title, files };
  if (target.kind === 'dandiset') {
    const metadata = await client.getVersionMetadata(dandisetId, version, signal);
    const webUrl = client.instance.webUrl ?? 'https://dandiarchive.org';
    plan.dandisetYaml = {
      localPath: `${dandisetId}/dandiset.yaml`,
      content: renderDandisetYaml(metadata, dandisetId, webUrl),
    };
  }
  return plan;
}

/** Writes dandiset.yaml unless it already holds exactly this text (dandi-cli: "no change"). */
export async function writeDandisetYaml(
  destination: string,
  yaml: { localPath: string; content: string },
): Promise<'written' | 'unchanged'> {
  const target = await prepareTarget(destination, yaml.localPath);
  const current = await readFile(target, 'utf8').catch(() => undefined);
  if (current === yaml.content) return 'unchanged';
  await mkdir(destination, { recursive: true });
  // Written beside it and renamed over it: a link planted at the target is replaced, not followed.
  const temp = `${target}.${process.pid}.tmp`;
  await writeFile(temp, yaml.content);
  await rename(temp, target);
  return 'written';
}
