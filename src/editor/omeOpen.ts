/**
 * `dandi.openZarr`: one entry for every Zarr (a tree asset, a `dandi-asset:` Uri or a local
 * `.zarr` folder). An OME-Zarr opens in the OME-Zarr viewer; anything else (hdmf-zarr's
 * `.nwb.zarr`, a plain Zarr) goes to `dandi.openZarrInViewer` with the same argument.
 */
import * as vscode from 'vscode';
import { Commands } from '../constants';
import { parseAssetUri, type RemoteAssetRef } from '../dandi/assetUri';
import { OmeMetadataError } from '../ome/ngff';
import type { ExtensionServices } from '../services';
import { openZarr } from '../zarr/reader';
import type { ZarrStoreSpec } from '../zarr/types';
import { OmePanel } from './omePanel';
import { zarrReaderOptions, zarrSpecOfAsset } from './zarrReaderOptions';

/** Registered by the NWB viewer (src/editor/registerViewer.ts): Zarrs that are not OME-Zarr. */
const OPEN_ZARR_IN_VIEWER = 'dandi.openZarrInViewer';

/** The asset fields of the tree's element that locate a Zarr asset. */
interface AssetArgument {
  kind: 'asset';
  assetId: string;
  path: string;
  dandisetId: string;
  version: string;
}

function isAssetArgument(arg: unknown): arg is AssetArgument {
  if (typeof arg !== 'object' || arg === null) return false;
  const a = arg as Record<string, unknown>;
  return (
    a.kind === 'asset' && ['assetId', 'path', 'dandisetId', 'version'].every(k => typeof a[k] === 'string')
  );
}

type Target =
  | { kind: 'local'; path: string; name: string }
  | { kind: 'asset'; ref: Omit<RemoteAssetRef, 'size'>; name: string };

function targetOf(arg: unknown, services: ExtensionServices): Target | undefined {
  const nameOf = (p: string): string => p.replace(/\/+$/, '').split('/').pop() ?? p;
  if (arg instanceof vscode.Uri) {
    if (arg.scheme === 'file') return { kind: 'local', path: arg.fsPath, name: nameOf(arg.path) };
    const ref = parseAssetUri(arg.toString());
    return { kind: 'asset', ref, name: nameOf(ref.path) };
  }
  if (!isAssetArgument(arg)) return undefined;
  const ref = {
    apiUrl: services.session.instance.apiUrl,
    assetId: arg.assetId,
    path: arg.path,
    dandisetId: arg.dandisetId,
    version: arg.version,
  };
  return { kind: 'asset', ref, name: nameOf(arg.path) };
}

async function specOf(target: Target, services: ExtensionServices): Promise<ZarrStoreSpec> {
  if (target.kind === 'local') return { kind: 'local', path: target.path };
  return (await zarrSpecOfAsset(services, target.ref)).spec;
}

/** Opens `arg` in the OME-Zarr viewer, or hands it to the NWB viewer; the panel when one opened. */
export async function openZarrCommand(
  arg: unknown,
  services: ExtensionServices,
): Promise<OmePanel | undefined> {
  const target = targetOf(arg, services);
  if (!target) {
    void vscode.window.showInformationMessage('Select a .zarr folder or a Zarr asset to open it.');
    return undefined;
  }
  if (/\.nwb\.zarr$/i.test(target.name)) {
    await vscode.commands.executeCommand(OPEN_ZARR_IN_VIEWER, arg);
    return undefined;
  }
  // Metadata cached on disk, like the NWB viewer's Zarr documents: reopening costs no metadata request.
  const reader = await openZarr(await specOf(target, services), zarrReaderOptions(services));
  try {
    return await OmePanel.open(services.context.extensionUri, reader, target.name, services.log);
  } catch (e) {
    await reader.close();
    if (!(e instanceof OmeMetadataError)) throw e;
    services.log.info(`${target.name}: ${e.message}; opening it in the Zarr tree viewer`);
    await vscode.commands.executeCommand(OPEN_ZARR_IN_VIEWER, arg);
    return undefined;
  }
}

export function registerOmeViewer(services: ExtensionServices): void {
  services.context.subscriptions.push(
    vscode.commands.registerCommand(Commands.openZarr, async (arg?: unknown) => {
      try {
        return await openZarrCommand(arg, services);
      } catch (e) {
        const message = e instanceof Error ? e.message : String(e);
        services.log.error(`Open Zarr: ${message}`);
        void vscode.window.showErrorMessage(`Could not open the Zarr: ${message}`);
        return undefined;
      }
    }),
    { dispose: () => OmePanel.panels.forEach(p => p.dispose()) },
  );
}
