/**
 * The tools that read the archive's listings: `dandi_searchDandisets` (the Dandiset list with the
 * tree's search, operators included) and `dandi_listAssets` (a version's folders and assets under a
 * path, a page at a time). Both ask the active instance through the session's client.
 */
import type { DandiClient } from '../dandi/client';
import type { DandisetOrdering } from '../dandi/types';
import type { ExtensionServices } from '../services';
import { listOptions, normaliseQuery } from '../tree/query';
import { shownVersion } from '../tree/model';
import { jsonResult, ToolInput, ToolInputError, type ToolBody } from './toolKit';

export const DANDISET_ID = { pattern: /^\d{6}$/, expected: 'six digits, e.g. "000027"' };
export const VERSION = {
  pattern: /^(draft|\d+\.\d{6}\.\d{4})$/,
  expected: '"draft" or a published version such as "0.210831.2033"',
};
const ORDERINGS: readonly DandisetOrdering[] = [
  'id',
  '-id',
  'name',
  '-name',
  'modified',
  '-modified',
  'size',
  '-size',
  'stars',
  '-stars',
];

export function searchDandisetsTool(services: ExtensionServices): ToolBody {
  return {
    async run(raw, signal) {
      const input = new ToolInput(raw);
      const search = input.string('query', { maxLength: 1024 }) ?? '';
      const query = normaliseQuery({
        search,
        ordering: input.oneOf('ordering', ORDERINGS, '-modified'),
        includeDrafts: input.boolean('includeDrafts', true),
        includeEmpty: input.boolean('includeEmpty', false),
      });
      const page = input.integer('page', { min: 1, max: 10_000, default: 1 });
      const pageSize = input.integer('pageSize', { min: 1, max: 50, default: 20 });
      input.done();
      const client = services.client();
      const result = await client.listDandisets({
        ...listOptions(query, client.signedIn),
        page,
        pageSize,
        signal,
      });
      return jsonResult({
        instance: client.instance.name,
        query: search,
        total: result.count,
        page,
        nextPage: result.nextPage,
        dandisets: result.items.map(record => {
          const version = shownVersion(record);
          return {
            id: record.identifier,
            name: version?.name ?? '',
            version: version?.version ?? null,
            draftOnly: record.most_recent_published_version === null,
            size: version?.size ?? 0,
            assetCount: version?.asset_count ?? 0,
            modified: version?.modified ?? record.modified,
            ...(record.embargo_status !== 'OPEN' ? { embargo: record.embargo_status } : {}),
          };
        }),
      });
    },
  };
}

/** The version asked for, else the most recent published one, else the draft (dandi-cli's rule). */
export async function versionOrLatest(
  client: DandiClient,
  dandisetId: string,
  version: string | undefined,
  signal: AbortSignal,
): Promise<string> {
  return version ?? (await client.latestVersion(dandisetId, signal));
}

export function listAssetsTool(services: ExtensionServices): ToolBody {
  return {
    async run(raw, signal) {
      const input = new ToolInput(raw);
      const dandisetId = input.string('dandisetId', { required: true, ...DANDISET_ID });
      const asked = input.string('version', VERSION);
      const folder = (input.string('path', { maxLength: 4096 }) ?? '').replace(/^\/+|\/+$/g, '');
      const page = input.integer('page', { min: 1, max: 100_000, default: 1 });
      const pageSize = input.integer('pageSize', { min: 1, max: 200, default: 100 });
      input.done();
      if (folder.split('/').some(part => part === '.' || part === '..'))
        throw new ToolInputError(`"path" must be a folder path inside the Dandiset; got "${folder}".`);
      const client = services.client();
      const version = await versionOrLatest(client, dandisetId, asked, signal);
      const listing = await client.listPaths(dandisetId, version, folder, page, { pageSize, signal });
      const entries = listing.items.map(item =>
        item.asset
          ? { type: 'asset', path: item.path, size: item.aggregate_size, assetId: item.asset.asset_id }
          : {
              type: 'folder',
              path: `${item.path}/`,
              size: item.aggregate_size,
              files: item.aggregate_files,
            },
      );
      const result: Record<string, unknown> = {
        dandisetId,
        version,
        path: folder ? `${folder}/` : '',
        total: listing.count,
        page,
        nextPage: listing.nextPage,
        entries,
      };
      if (entries.length === 0 && folder) {
        const asset = await client.findAssetByPath(dandisetId, version, folder, signal);
        result.note = asset
          ? `"${folder}" is an asset (${asset.size} bytes, id ${asset.asset_id}), not a folder.`
          : `No folder "${folder}" in ${dandisetId}/${version}.`;
      }
      return jsonResult(result);
    },
  };
}
