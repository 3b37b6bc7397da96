/**
 * The NWB viewer feature: the custom editor under both view types, the read-only `dandi-asset`
 * file system, and the viewer commands. Returns the live objects the VS Code tests inspect.
 */
import * as vscode from 'vscode';
import { Commands, ViewTypes } from '../constants';
import { ASSET_URI_SCHEME } from '../dandi/assetUri';
import { forgetPrivateMetadata } from '../hdf5/metadataCache';
import { pythonSnippet } from '../nwb/snippet';
import type { ExtensionServices } from '../services';
import { AssetFileSystemProvider } from './assetFileSystem';
import { metadataCacheDir } from './nwbDocument';
import { NwbEditorProvider } from './nwbEditorProvider';

export interface ViewerFeature {
  /** Counts of open documents and panels, and the panels themselves (the VS Code tests inspect them). */
  provider: NwbEditorProvider;
}

export function registerViewer(services: ExtensionServices): ViewerFeature {
  const context = services.context;
  const provider = new NwbEditorProvider(services);
  provider.register([ViewTypes.nwbViewer, ViewTypes.hdf5Viewer]);
  context.subscriptions.push(provider);

  // What was read with the key (embargoed files' metadata) does not outlive the sign-in.
  context.subscriptions.push(
    services.session.onDidSignOut(async () => {
      const removed = await forgetPrivateMetadata(metadataCacheDir(context));
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
  );
  return { provider };
}
