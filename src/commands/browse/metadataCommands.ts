import * as vscode from 'vscode';
import { Commands } from '../../constants';
import type { RemoteAssetRef } from '../../dandi/assetUri';
import type { BrowseContext } from '../../tree/browseContext';
import { shownVersion, type TreeElement } from '../../tree/model';
import { abortOnCancel } from '../../util/abortOnCancel';

/** Read-only JSON of version or asset metadata (`dandi-metadata:`), and small text assets (`dandi-text:`). */
export const METADATA_SCHEME = 'dandi-metadata';
export const TEXT_SCHEME = 'dandi-text';
/** Text assets larger than this are offered for download instead. */
export const MAX_TEXT_BYTES = 2 * 1024 * 1024;

/** `dandi-text:/<dandiset>/<version>/<path>?asset=<id>` — the path keeps the file name (language detection). */
export function textDocumentUri(ref: RemoteAssetRef): vscode.Uri {
  return vscode.Uri.from({
    scheme: TEXT_SCHEME,
    path: `/${ref.dandisetId}/${ref.version}/${ref.path}`,
    query: new URLSearchParams({ asset: ref.assetId }).toString(),
  });
}

export function metadataUri(
  dandisetId: string,
  version: string,
  asset?: { assetId: string; path: string },
): vscode.Uri {
  if (!asset)
    return vscode.Uri.from({ scheme: METADATA_SCHEME, path: `/${dandisetId}/${version}/dandiset.json` });
  return vscode.Uri.from({
    scheme: METADATA_SCHEME,
    path: `/${dandisetId}/${version}/${asset.path}.json`,
    query: new URLSearchParams({ asset: asset.assetId }).toString(),
  });
}

export function registerMetadataCommands(browse: BrowseContext): void {
  const { context, session } = browse;
  const segments = (uri: vscode.Uri) => uri.path.split('/').filter(Boolean);

  const metadataProvider: vscode.TextDocumentContentProvider = {
    async provideTextDocumentContent(uri, token) {
      const [dandisetId, version] = segments(uri);
      const assetId = new URLSearchParams(uri.query).get('asset');
      const controller = abortOnCancel(token);
      try {
        const client = session.client();
        const metadata = assetId
          ? await client.getAssetMetadata(dandisetId, version, assetId, controller.signal)
          : await client.getVersionMetadata(dandisetId, version, controller.signal);
        return JSON.stringify(metadata, null, 2) + '\n';
      } catch (e) {
        return JSON.stringify({ error: e instanceof Error ? e.message : String(e) }, null, 2) + '\n';
      } finally {
        controller.dispose();
      }
    },
  };

  const textProvider: vscode.TextDocumentContentProvider = {
    async provideTextDocumentContent(uri, token) {
      const assetId = new URLSearchParams(uri.query).get('asset') ?? '';
      const controller = abortOnCancel(token);
      try {
        const { bytes, truncated } = await session
          .client()
          .readAssetBytes(assetId, MAX_TEXT_BYTES, controller.signal);
        const text = new TextDecoder('utf-8', { fatal: false }).decode(bytes);
        return truncated
          ? `${text}\n\n[… shown up to ${MAX_TEXT_BYTES} bytes; download the file for the rest]\n`
          : text;
      } catch (e) {
        return `Could not read this file: ${e instanceof Error ? e.message : String(e)}\n`;
      } finally {
        controller.dispose();
      }
    },
  };

  context.subscriptions.push(
    vscode.workspace.registerTextDocumentContentProvider(METADATA_SCHEME, metadataProvider),
    vscode.workspace.registerTextDocumentContentProvider(TEXT_SCHEME, textProvider),
    vscode.commands.registerCommand(Commands.showMetadata, async (element?: TreeElement) => {
      let uri: vscode.Uri | undefined;
      if (element?.kind === 'dandiset')
        uri = metadataUri(element.dandisetId, shownVersion(element.record)?.version ?? 'draft');
      else if (element?.kind === 'version') uri = metadataUri(element.dandisetId, element.version);
      else if (element?.kind === 'asset')
        uri = metadataUri(element.dandisetId, element.version, {
          assetId: element.assetId,
          path: element.path,
        });
      if (!uri) return undefined;
      const document = await vscode.workspace.openTextDocument(uri);
      await vscode.languages.setTextDocumentLanguage(document, 'json');
      await vscode.window.showTextDocument(document, { preview: true });
      return document;
    }),
  );
}
