/**
 * The NWB viewer feature: the custom editor under both view types, the read-only `dandi-asset`
 * file system, and the viewer commands. Returns the live objects the VS Code tests inspect.
 */
import * as vscode from 'vscode';
import { Commands, ViewTypes } from '../constants';
import { ASSET_URI_SCHEME, formatAssetUri, vouchForAsset, type RemoteAssetRef } from '../dandi/assetUri';
import { closeKeptHdf5Files, prepareHdf5Worker } from '../hdf5/engine';
import { forgetPrivateMetadata } from '../hdf5/metadataCache';
import { pythonSnippet } from '../nwb/snippet';
import type { ExtensionServices } from '../services';
import { AssetFileSystemProvider } from './assetFileSystem';
import { forgetPrivateOverviews } from '../nwb/overviewStore';
import { metadataCacheDir, overviewCacheDir } from './nwbDocument';
import { NwbEditorProvider } from './nwbEditorProvider';
import { forgetPrivateZarrMetadata } from './zarrReaderOptions';
import { isNwbZarr } from './zarrSource';

export interface ViewerFeature {
  /** Counts of open documents and panels, and the panels themselves (the VS Code tests inspect them). */
  provider: NwbEditorProvider;
  /** Closes the HDF5 files kept open after their close, as a new session starts without them. */
  closeKeptFiles(): Promise<void>;
  /** Starts h5wasm in a spare worker ahead of a first open (the user is browsing to assets). */
  prepareWorker(): Promise<void>;
}

export function registerViewer(services: ExtensionServices): ViewerFeature {
  const context = services.context;
  const provider = new NwbEditorProvider(services);
  provider.register([ViewTypes.nwbViewer, ViewTypes.hdf5Viewer]);
  context.subscriptions.push(provider);

  // What was read with the key (embargoed files' metadata) does not outlive the sign-in.
  context.subscriptions.push(
    services.session.onDidSignOut(async () => {
      // Files kept open after their close were read with the key too: they close now.
      await closeKeptHdf5Files('private');
      const removed =
        (await forgetPrivateMetadata(metadataCacheDir(context))) +
        (await forgetPrivateZarrMetadata(context)) +
        (await forgetPrivateOverviews(overviewCacheDir(context)));
      if (removed > 0)
        services.log.info(`Signed out: deleted ${removed} cached metadata entries read with the key.`);
    }),
  );

  const assetFs = new AssetFileSystemProvider();
  context.subscriptions.push(assetFs);
  try {
    context.subscriptions.push(
      vscode.workspace.registerFileSystemProvider(ASSET_URI_SCHEME, assetFs, {
        isReadonly: true,
        isCaseSensitive: true,
      }),
    );
  } catch (e) {
    // Only one provider per scheme; if another part registered it first, use that one.
    services.log.warn(
      `NWB viewer: ${ASSET_URI_SCHEME} file system already registered (${e instanceof Error ? e.message : String(e)})`,
    );
  }

  context.subscriptions.push(
    vscode.commands.registerCommand(Commands.openInNwbViewer, async (arg?: unknown) => {
      const uri = arg instanceof vscode.Uri ? arg : vscode.window.activeTextEditor?.document.uri;
      if (!uri) {
        void vscode.window.showInformationMessage(
          'Select an .nwb, .h5 or .hdf5 file to open it in the NWB viewer.',
        );
        return;
      }
      const viewType = /\.(h5|hdf5)$/i.test(uri.path) ? ViewTypes.hdf5Viewer : ViewTypes.nwbViewer;
      await vscode.commands.executeCommand('vscode.openWith', uri, viewType);
    }),
    vscode.commands.registerCommand(Commands.openZarrInViewer, async (arg?: unknown) => {
      const uri = zarrUriOf(arg, services);
      if (!uri) {
        void vscode.window.showInformationMessage(
          'Select a .zarr folder or a Zarr asset to open it in the viewer.',
        );
        return undefined;
      }
      // hdmf-zarr stores get the NWB views; any other Zarr the raw tree of groups and arrays.
      const viewType = isNwbZarr(uri) ? ViewTypes.nwbViewer : ViewTypes.hdf5Viewer;
      const name = uri.path.replace(/\/+$/, '').split('/').pop() ?? uri.path;
      return provider.openPanel(uri, viewType, name);
    }),
    vscode.commands.registerCommand(
      Commands.viewerCopyPythonSnippet,
      async (): Promise<string | undefined> => {
        const panel = provider.activePanel ?? (provider.panelCount === 1 ? provider.panels[0] : undefined);
        if (!panel) {
          void vscode.window.showInformationMessage('Open an NWB file in the viewer first.');
          return undefined;
        }
        const code = pythonSnippet(panel.document.source, panel.selection?.path ?? '/');
        await vscode.env.clipboard.writeText(code);
        void vscode.window.setStatusBarMessage('Python snippet copied', 3000);
        return code;
      },
    ),
    vscode.commands.registerCommand(Commands.viewerAlignObjects, (): boolean => {
      const panel = provider.activePanel ?? (provider.panelCount === 1 ? provider.panels[0] : undefined);
      if (!panel) {
        void vscode.window.showInformationMessage('Open an NWB file in the viewer first.');
        return false;
      }
      panel.notify({ type: 'reveal', path: '/', view: 'align' });
      return true;
    }),
  );
  const workerPath = vscode.Uri.joinPath(context.extensionUri, 'dist', 'hdf5Worker.js').fsPath;
  return {
    provider,
    closeKeptFiles: () => closeKeptHdf5Files(),
    prepareWorker: () =>
      prepareHdf5Worker({ workerPath }).catch(error =>
        services.log.warn(`NWB viewer: could not start a spare HDF5 worker: ${String(error)}`),
      ),
  };
}

/** The tree's asset element, as the tree passes it to commands. */
interface AssetArgument {
  kind: 'asset';
  assetId: string;
  path: string;
  dandisetId: string;
  version: string;
  size?: number;
}

function isAssetArgument(arg: unknown): arg is AssetArgument {
  if (typeof arg !== 'object' || arg === null) return false;
  const a = arg as Record<string, unknown>;
  return (
    a.kind === 'asset' &&
    ['assetId', 'path', 'dandisetId', 'version'].every(key => typeof a[key] === 'string')
  );
}

/** A local folder or `dandi-asset:` Uri as given, or the asset URI of a tree element. */
function zarrUriOf(arg: unknown, services: ExtensionServices): vscode.Uri | undefined {
  if (arg instanceof vscode.Uri) return arg;
  if (!isAssetArgument(arg)) return undefined;
  const ref: RemoteAssetRef = {
    apiUrl: services.session.instance.apiUrl,
    assetId: arg.assetId,
    path: arg.path,
    dandisetId: arg.dandisetId,
    version: arg.version,
    ...(arg.size !== undefined ? { size: arg.size } : {}),
  };
  // The tree's element is the API's answer: a link built from it opens with no question asked.
  vouchForAsset(ref);
  return vscode.Uri.parse(formatAssetUri(ref));
}
