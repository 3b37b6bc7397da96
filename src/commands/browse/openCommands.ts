import * as vscode from 'vscode';
import { Commands, ViewTypes } from '../../constants';
import { formatAssetUri, vouchForAsset, type RemoteAssetRef } from '../../dandi/assetUri';
import { servicesFor } from '../../dandi/externalServices';
import type { BrowseContext } from '../../tree/browseContext';
import { webPageUrl } from '../../tree/links';
import type { AssetElement, TreeElement } from '../../tree/model';
import { textDocumentUri, MAX_TEXT_BYTES } from './metadataCommands';
import { plainText } from '../../util/plainText';

/** DANDI: Open..., Open (an asset), Open on the web UI, Open With (external services). */
export function registerOpenCommands(browse: BrowseContext): void {
  const { context, session } = browse;
  context.subscriptions.push(
    vscode.commands.registerCommand(Commands.open, async (reference?: string) => {
      const text =
        typeof reference === 'string'
          ? reference
          : await vscode.window.showInputBox({
              title: 'Open a DANDI reference',
              placeHolder:
                'DANDI:000027/0.210831.2033, a dandiarchive.org or API URL, dandi://…, a DOI, or 000027',
              prompt: 'Reveals the Dandiset, version, folder or file in the DANDI view.',
              ignoreFocusOut: true,
            });
      if (!text?.trim()) return undefined;
      return browse.revealReference(text);
    }),

    vscode.commands.registerCommand(Commands.openAsset, async (element?: TreeElement) => {
      if (element?.kind !== 'asset') return;
      await openAsset(browse, element);
    }),

    vscode.commands.registerCommand(Commands.openOnWeb, async (element?: TreeElement) => {
      if (!element || !('dandisetId' in element)) return;
      const web = await session.webUrl();
      if (!web) {
        void vscode.window.showWarningMessage(
          `${session.label} does not report a web address (no services.webui in /info/).`,
        );
        return;
      }
      await vscode.env.openExternal(vscode.Uri.parse(webPageUrl(element, web), true));
    }),

    vscode.commands.registerCommand(
      Commands.openWith,
      async (element?: TreeElement, serviceName?: string) => {
        if (element?.kind !== 'asset') return;
        const services = servicesFor({
          apiRoot: `${session.instance.apiUrl}/`,
          dandisetId: element.dandisetId,
          version: element.version,
          assetId: element.assetId,
          path: element.path,
          size: element.size,
          s3Url: element.s3Url,
          embargoed: element.embargoed,
        });
        if (!services.length) {
          void vscode.window.showInformationMessage(
            plainText(
              `No external viewer is known for ${element.path.split('/').pop()} (the same list as dandiarchive.org).`,
            ),
          );
          return;
        }
        const picked =
          typeof serviceName === 'string'
            ? services.find(s => s.name === serviceName)
            : await vscode.window
                .showQuickPick(
                  services.map(s => ({ label: s.name, detail: s.url, service: s })),
                  {
                    title: 'Open with',
                    placeHolder: 'External viewers offered by dandiarchive.org for this file',
                  },
                )
                .then(p => p?.service);
        // Template values are inserted verbatim, as the website does; parse leniently so the link stays identical.
        if (picked) await vscode.env.openExternal(vscode.Uri.parse(picked.url, false));
      },
    ),
  );
}

/** NWB: the viewer, streamed. Small text files: a read-only document. Anything else: choices. */
async function openAsset(browse: BrowseContext, element: AssetElement): Promise<void> {
  const ref: RemoteAssetRef = {
    apiUrl: browse.session.instance.apiUrl,
    assetId: element.assetId,
    path: element.path,
    dandisetId: element.dandisetId,
    version: element.version,
    size: element.size,
  };
  // Open blobs are public on S3: reading them there directly skips the API's redirect.
  if (!element.embargoed && element.s3Url) ref.blobUrl = element.s3Url;
  // The tree's element is the API's answer: a link built from it opens with no question asked.
  vouchForAsset(ref);
  if (element.assetKind === 'nwb' || /\.(h5|hdf5)$/i.test(element.path)) {
    const viewType = element.assetKind === 'nwb' ? ViewTypes.nwbViewer : ViewTypes.hdf5Viewer;
    await vscode.commands.executeCommand('vscode.openWith', vscode.Uri.parse(formatAssetUri(ref)), viewType);
    return;
  }
  if (element.assetKind === 'zarr') {
    await vscode.commands.executeCommand(Commands.openZarr, element);
    return;
  }
  if (element.assetKind === 'video') {
    // Streamed like NWB: the index and then only the GOP a frame needs.
    await vscode.commands.executeCommand(
      'vscode.openWith',
      vscode.Uri.parse(formatAssetUri(ref)),
      ViewTypes.videoViewer,
    );
    return;
  }
  if (/\.slp$/i.test(element.path)) {
    // SLEAP labels: shown over the video they were made on (found beside them in the Dandiset).
    await vscode.commands.executeCommand(Commands.videoOpenPoseFile, vscode.Uri.parse(formatAssetUri(ref)));
    return;
  }
  if (element.assetKind === 'text' && element.size <= MAX_TEXT_BYTES) {
    const document = await vscode.workspace.openTextDocument(textDocumentUri(ref));
    await vscode.window.showTextDocument(document, { preview: true });
    return;
  }
  const why = element.assetKind === 'text' ? 'is too large to show here' : 'cannot be shown in the editor';
  const options = ['Download', 'Open With...', 'Open on Web'];
  const picked = await vscode.window.showInformationMessage(
    plainText(`${element.path.split('/').pop()} ${why}.`),
    ...options,
  );
  if (picked === 'Download') await vscode.commands.executeCommand(Commands.download, element);
  else if (picked === 'Open With...') await vscode.commands.executeCommand(Commands.openWith, element);
  else if (picked === 'Open on Web') await vscode.commands.executeCommand(Commands.openOnWeb, element);
}
