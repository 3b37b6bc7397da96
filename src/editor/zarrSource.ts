/**
 * Opening a Zarr (a local folder or an archive Zarr asset) for the NWB viewer: the Zarr reader
 * (src/zarr) under the hdmf-zarr adapter, so the viewer reads it as it reads an HDF5 file. An
 * `.nwb.zarr` gets the NWB views; any other Zarr opens in the raw HDF5-style mode.
 */
import type * as vscode from 'vscode';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { ZarrNwbBackend } from '../nwbzarr/backend';
import { ValueCache } from '../nwbzarr/valueCache';
import type { SourceDescription } from '../shared/protocol';
import type { ExtensionServices } from '../services';
import { openZarr } from '../zarr/reader';
import type { ZarrStoreSpec } from '../zarr/types';
import { zarrMetadataCacheBytes, zarrReaderOptions, zarrSpecOfAsset } from './zarrReaderOptions';

/** Whether `uri` names a Zarr store (`x.zarr`, `x.nwb.zarr`, `x.ome.zarr`, trailing `/` allowed). */
export function isZarrUri(uri: vscode.Uri): boolean {
  return /\.zarr\/?$/i.test(uri.path);
}

/** Whether the viewer should show NWB views (hdmf-zarr) or the raw tree (any other Zarr). */
export function isNwbZarr(uri: vscode.Uri): boolean {
  return /\.nwb\.zarr\/?$/i.test(uri.path);
}

export async function openZarrBackend(
  source: SourceDescription,
  services: ExtensionServices,
  signal?: AbortSignal,
): Promise<ZarrNwbBackend> {
  const { spec, size } = await zarrSpec(source, services, signal);
  const options = zarrReaderOptions(services, signal);
  const zarr = await openZarr(spec, options);
  const cacheDir = options.metadataCacheDir;
  const identity = cacheDir ? await valueIdentity(spec) : undefined;
  const values =
    cacheDir && identity
      ? await ValueCache.load(join(cacheDir, 'values'), identity, zarrMetadataCacheBytes() / 4)
      : ValueCache.none();
  return new ZarrNwbBackend(zarr, values, size);
}

/**
 * What the kept values of a store are keyed by: the archive's Zarr checksum (a draft Zarr that
 * changes gets a new one), a local folder's consolidated metadata size and time. Embargoed stores
 * keep none, since nothing read with the key may outlive the sign-in.
 */
async function valueIdentity(spec: ZarrStoreSpec): Promise<string | undefined> {
  switch (spec.kind) {
    case 'dandi':
      return spec.baseUrl && spec.checksum ? `dandi-zarr:${spec.zarrId}:${spec.checksum}` : undefined;
    case 'http':
      return spec.identity;
    case 'local': {
      const stamps = await Promise.all(
        ['.zmetadata', 'zarr.json', '.zgroup'].map(name =>
          stat(join(spec.path, name)).then(
            s => `${name}:${s.size}:${s.mtimeMs}`,
            () => '',
          ),
        ),
      );
      return `local:${spec.path}:${stamps.join(',')}`;
    }
  }
}

async function zarrSpec(
  source: SourceDescription,
  services: ExtensionServices,
  signal?: AbortSignal,
): Promise<{ spec: ZarrStoreSpec; size: number }> {
  if (source.kind === 'local') return { spec: { kind: 'local', path: source.path }, size: 0 };
  return zarrSpecOfAsset(services, source, signal);
}
