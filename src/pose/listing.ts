/**
 * The files around a pose or video file, for matching one with the other: a local folder tree, or
 * a Dandiset version's assets through the `paths` endpoint (one folder per listing, by path prefix).
 */
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { formatAssetUri } from '../dandi/assetUri';
import type { DandiClient } from '../dandi/client';
import type { SiblingFile, SiblingListing } from './types';

/** Files under a local folder; paths are relative to `root`, `/`-separated. */
export function localListing(root: string): SiblingListing {
  return {
    async list(folder) {
      const dir = join(root, ...folder.split('/').filter(Boolean));
      const entries = await readdir(dir, { withFileTypes: true }).catch((e: NodeJS.ErrnoException) => {
        if (e.code === 'ENOENT' || e.code === 'ENOTDIR') return [];
        throw e;
      });
      const files: SiblingFile[] = [];
      const folders: string[] = [];
      for (const entry of entries) {
        const path = folder ? `${folder}/${entry.name}` : entry.name;
        const full = join(dir, entry.name);
        // Symbolic links count as what they point to (a dangling one is left out).
        const info = entry.isSymbolicLink() ? await stat(full).catch(() => undefined) : entry;
        if (info?.isDirectory()) folders.push(path);
        else if (info?.isFile())
          files.push({ path, size: (await stat(full)).size, uri: pathToFileURL(full).href });
      }
      return { files, folders };
    },
  };
}

/** Assets of one Dandiset version; `uri` is the `dandi-asset:` URI the viewers open. */
export function dandisetListing(client: DandiClient, dandisetId: string, version: string): SiblingListing {
  return {
    async list(folder, signal) {
      const files: SiblingFile[] = [];
      const folders: string[] = [];
      for await (const record of client.iteratePaths(dandisetId, version, folder, signal)) {
        if (!record.asset) {
          folders.push(record.path);
          continue;
        }
        const uri = formatAssetUri({
          apiUrl: client.apiUrl,
          assetId: record.asset.asset_id,
          path: record.path,
          dandisetId,
          version,
          size: record.aggregate_size,
        });
        files.push({ path: record.path, size: record.aggregate_size, uri });
      }
      return { files, folders };
    },
  };
}
