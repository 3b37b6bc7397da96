import { type ApiReader, isPublished, versionSubject, checkAssetId } from './apiReader';
import { DandiApiError } from './errors';
import { asPaginated } from './paging';
import type {
  AssetRecord,
  IterateAssetsOptions,
  Page,
  PathRecord,
  VersionRecord,
  ZarrFileRecord,
} from './types';

/**
 * The archive's multi-item listings behind DandiClient: a Dandiset's versions, a folder's direct
 * children (`paths`), a version's assets (walked again when a draft shifts under it) and a Zarr's
 * files, and the exact-path lookups made by walking them. Split from client.ts, which keeps
 * single-object requests and delegates its listing methods here.
 */

/** Every version, oldest first (the draft is among them). */
export async function listVersions(
  api: ApiReader,
  id: string,
  signal?: AbortSignal,
): Promise<VersionRecord[]> {
  const out: VersionRecord[] = [];
  for await (const page of api.pages<VersionRecord>(
    `dandisets/${id}/versions/`,
    { order: 'created' },
    { subject: `the versions of Dandiset ${id}` },
    signal,
  )) {
    for (const version of page.results) out.push(version); // a spread of a hostile page overflows the stack
  }
  return out;
}

/** A `paths` prefix without its outer slashes, and what its listing is called in messages. */
function pathsQuery(id: string, version: string, prefix: string): { folder: string; subject: string } {
  const folder = prefix.replace(/^\/+|\/+$/g, '');
  const subject = folder
    ? `folder "${folder}" in ${versionSubject(id, version)}`
    : `the files of ${versionSubject(id, version)}`;
  return { folder, subject };
}

/** One page of a folder's direct children, in the server's byte order. */
export async function listPaths(
  api: ApiReader,
  id: string,
  version: string,
  prefix: string,
  page: number,
  options: { pageSize?: number; signal?: AbortSignal },
): Promise<Page<PathRecord>> {
  const pageSize = Math.min(1000, options.pageSize ?? api.pageSize);
  const { folder, subject } = pathsQuery(id, version, prefix);
  const body = await api.get<unknown>(
    `dandisets/${id}/versions/${version}/assets/paths/`,
    { path_prefix: folder || undefined, page, page_size: pageSize },
    { subject },
    options.signal,
    isPublished(version),
  );
  const paginated = asPaginated<PathRecord>(body, subject);
  return { items: paginated.results, count: paginated.count, nextPage: paginated.next ? page + 1 : null };
}

/** All direct children of a folder, pages fetched concurrently, yielded in order, duplicates dropped. */
export async function* iteratePaths(
  api: ApiReader,
  id: string,
  version: string,
  prefix: string,
  signal?: AbortSignal,
): AsyncGenerator<PathRecord> {
  const { folder, subject } = pathsQuery(id, version, prefix);
  const seen = new Set<string>();
  for await (const page of api.pages<PathRecord>(
    `dandisets/${id}/versions/${version}/assets/paths/`,
    { path_prefix: folder || undefined },
    { subject },
    signal,
    isPublished(version),
  )) {
    for (const item of page.results) {
      if (seen.has(item.path)) continue;
      seen.add(item.path);
      yield item;
    }
  }
}

/**
 * Every asset of a version, pages yielded in order. If a draft changes while it is listed, items
 * that shifted between pages are yielded once, and the listing is walked once more to pick up
 * what the shift hid.
 */
export async function* iterateAssets(
  api: ApiReader,
  id: string,
  version: string,
  options: IterateAssetsOptions,
  log?: (message: string) => void,
): AsyncGenerator<AssetRecord> {
  const params = {
    path: options.path || undefined,
    glob: options.glob || undefined,
    metadata: options.metadata ? 'true' : undefined,
    order: options.order ?? 'path',
  };
  const subject = { subject: `the assets of ${versionSubject(id, version)}` };
  // `path` is a case-insensitive prefix on the server; keep only exact-case matches.
  const keep = (a: AssetRecord) => !options.path || a.path.startsWith(options.path);
  const seen = new Set<string>();
  let shifted = false;
  for (let pass = 0; pass < 2; pass++) {
    shifted = false;
    for await (const page of api.pages<AssetRecord>(
      `dandisets/${id}/versions/${version}/assets/`,
      params,
      subject,
      options.signal,
      false,
      options.pageSize,
    )) {
      for (const asset of page.results) {
        if (seen.has(asset.asset_id)) {
          shifted = true;
          continue;
        }
        seen.add(asset.asset_id);
        if (keep(asset)) yield asset;
      }
    }
    if (!shifted || isPublished(version)) return;
    log?.(`The draft of Dandiset ${id} changed while it was listed; listing it once more.`);
  }
}

/** An asset's exact path → its record (null when no asset has exactly that path). */
export async function findAssetByPath(
  api: ApiReader,
  id: string,
  version: string,
  path: string,
  signal?: AbortSignal,
  log?: (message: string) => void,
): Promise<AssetRecord | null> {
  for await (const asset of iterateAssets(api, id, version, { path, signal }, log)) {
    if (asset.path === path) return asset;
  }
  return null;
}

/** The entry of folder `path` in its parent's listing, or null. */
export async function findFolder(
  api: ApiReader,
  id: string,
  version: string,
  path: string,
  signal?: AbortSignal,
): Promise<PathRecord | null> {
  const folder = path.replace(/^\/+|\/+$/g, '');
  if (!folder) return null;
  const parent = folder.includes('/') ? folder.slice(0, folder.lastIndexOf('/')) : '';
  try {
    for await (const entry of iteratePaths(api, id, version, parent, signal)) {
      if (entry.path === folder && entry.asset === null) return entry;
    }
  } catch (e) {
    if (e instanceof DandiApiError && e.kind === 'not-found' && parent) return null;
    throw e;
  }
  return null;
}

/** Files of a Zarr asset under a plain string prefix (cursor pagination, `next` followed). */
export async function* listZarrFiles(
  api: ApiReader,
  zarrId: string,
  prefix: string,
  signal?: AbortSignal,
): AsyncGenerator<ZarrFileRecord> {
  checkAssetId(zarrId);
  let url: string | null = api.transport.url(`zarr/${zarrId}/files/`, {
    prefix: prefix || undefined,
    limit: 1000,
  });
  const seen = new Set<string>();
  while (url && !seen.has(url)) {
    seen.add(url);
    const body: { next?: string | null; results?: ZarrFileRecord[] } = await api.transport.getJson(
      url,
      { subject: `the files of Zarr ${zarrId}` },
      signal,
    );
    if (!Array.isArray(body.results))
      throw new DandiApiError(
        'invalid-response',
        `The archive sent an unexpected Zarr listing for ${zarrId}.`,
      );
    yield* body.results;
    url = typeof body.next === 'string' ? body.next : null;
  }
}
