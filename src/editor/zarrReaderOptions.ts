/**
 * How the extension opens a Zarr store, for both Zarr viewers (OME-Zarr images and the NWB
 * viewer): chunks decode in the Zarr worker, off the extension host's thread, and metadata is
 * cached on disk under the extension's storage within `dandi.hdf5.metadataCacheSizeMB`. What was
 * read with the API key is deleted at sign-out (registerViewer.ts).
 */
import * as vscode from 'vscode';
import { Settings } from '../constants';
import type { RemoteAssetRef } from '../dandi/assetUri';
import type { ExtensionServices } from '../services';
import { zarrSpecForAsset } from '../zarr/assetSpec';
import { ZarrMetadataCache } from '../zarr/metadataCache';
import type { OpenZarrOptions } from '../zarr/reader';
import type { ZarrStoreSpec } from '../zarr/types';
import { WorkerDecoder } from '../zarr/workerDecoder';

const MiB = 1024 * 1024;

export function zarrCacheDir(context: vscode.ExtensionContext): string {
  return vscode.Uri.joinPath(context.globalStorageUri, 'zarr-metadata').fsPath;
}

/** The metadata cache's size in bytes (0: no cache). */
export function zarrMetadataCacheBytes(): number {
  return (
    vscode.workspace.getConfiguration(Settings.section).get<number>(Settings.metadataCacheSizeMB, 200) * MiB
  );
}

export function zarrReaderOptions(services: ExtensionServices, signal?: AbortSignal): OpenZarrOptions {
  const cacheBytes = zarrMetadataCacheBytes();
  const options: OpenZarrOptions = {
    decoder: new WorkerDecoder(
      vscode.Uri.joinPath(services.context.extensionUri, 'dist', 'zarrWorker.js').fsPath,
    ),
  };
  if (signal) options.signal = signal;
  if (cacheBytes > 0) {
    options.metadataCacheDir = zarrCacheDir(services.context);
    options.metadataCacheMaxBytes = cacheBytes;
  }
  return options;
}

/** The store of an archive Zarr asset: its zarr id, public prefix and checksum come with its info. */
export async function zarrSpecOfAsset(
  services: ExtensionServices,
  ref: Pick<RemoteAssetRef, 'apiUrl' | 'assetId' | 'dandisetId' | 'version'>,
  signal?: AbortSignal,
): Promise<{ spec: ZarrStoreSpec; size: number }> {
  const info = await services
    .client()
    .getAssetInfo(ref.assetId, { dandisetId: ref.dandisetId, version: ref.version }, signal);
  return { spec: zarrSpecForAsset(info, ref.apiUrl, await services.apiKey(ref.apiUrl)), size: info.size };
}

/** Deletes the Zarr metadata read with the API key (sign-out); the count of entries removed. */
export function forgetPrivateZarrMetadata(context: vscode.ExtensionContext): Promise<number> {
  return new ZarrMetadataCache(zarrCacheDir(context), 0).deletePrivate();
}
