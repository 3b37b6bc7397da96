/**
 * The container index (src/video) as the video viewer uses it: indexes cached under the extension's global storage (bounded like the HDF5 metadata cache; those
 * read with an API key deleted at sign-out).
 */
import * as vscode from 'vscode';
import { Settings } from '../constants';
import type { ExtensionServices } from '../services';
import { VideoIndexCache } from '../video/indexCache';
import { planFrame } from '../video/plan';
import { readVideoIndex } from '../video/readIndex';
import type { VideoIndexer } from './videoDocument';

const MiB = 1024 * 1024;

/** The indexer with its persistent cache; registers the sign-out cleanup. */
export function videoIndexer(services: ExtensionServices): VideoIndexer {
  const dir = vscode.Uri.joinPath(services.context.globalStorageUri, 'video-index').fsPath;
  const cacheFor = (keyed: boolean): VideoIndexCache | undefined => {
    const config = vscode.workspace.getConfiguration(Settings.section);
    const megabytes = config.get<number>(Settings.metadataCacheSizeMB, 200);
    return megabytes > 0 ? new VideoIndexCache(dir, megabytes * MiB, { private: keyed }) : undefined;
  };
  services.context.subscriptions.push(
    services.session.onDidSignOut(async () => {
      const removed = await new VideoIndexCache(dir, 0).forgetPrivate();
      if (removed > 0)
        services.log.info(`Signed out: deleted ${removed} cached video indexes read with the key.`);
    }),
  );
  return {
    index: (source, { known, keyed, signal }) =>
      readVideoIndex(source, { known, signal, cache: cacheFor(keyed) }),
    plan: planFrame,
  };
}
