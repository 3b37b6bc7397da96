import * as vscode from 'vscode';
import { Commands } from '../../constants';
import type { BrowseContext } from '../../tree/browseContext';
import { dandiUrl, downloadCommand } from '../../tree/links';
import { shownVersion, type TreeElement } from '../../tree/model';
import { plainText } from '../../util/plainText';

type Located = Extract<TreeElement, { kind: 'dandiset' | 'version' | 'folder' | 'asset' }>;

/** Copy DANDI URL / S3 URL / asset id / path / `dandi download` / citation / DOI. Each returns what it copied. */
export function registerCopyCommands(browse: BrowseContext): void {
  const { context, session } = browse;
  const copy = async (text: string | undefined, what: string): Promise<string | undefined> => {
    if (!text) {
      void vscode.window.showWarningMessage(`No ${what} for this item.`);
      return undefined;
    }
    await vscode.env.clipboard.writeText(text);
    vscode.window.setStatusBarMessage(`Copied ${what}`, 3000);
    return text;
  };
  const located = (e: unknown): e is Located => typeof e === 'object' && e !== null && 'dandisetId' in e;
  const versionOf = (e: Located) =>
    e.kind === 'dandiset' ? (shownVersion(e.record)?.version ?? 'draft') : e.version;
  const reg = (id: string, fn: (element: Located) => Promise<string | undefined>) =>
    context.subscriptions.push(
      vscode.commands.registerCommand(id, (element?: unknown) =>
        located(element) ? fn(element) : undefined,
      ),
    );

  reg(Commands.copyDandiUrl, async e => {
    await session.webUrl();
    return copy(dandiUrl(e, session.instance), 'DANDI URL');
  });
  reg(Commands.copyS3Url, async e =>
    copy(e.kind === 'asset' ? e.s3Url.replace(/\/$/, '') : undefined, 'S3 URL'),
  );
  reg(Commands.copyAssetId, async e => copy(e.kind === 'asset' ? e.assetId : undefined, 'asset id'));
  reg(Commands.copyPath, async e =>
    copy(e.kind === 'asset' || e.kind === 'folder' ? e.path : undefined, 'path'),
  );
  reg(Commands.copyDownloadCommand, async e => {
    await session.webUrl();
    return copy(downloadCommand(e, session.instance), '`dandi download` command');
  });
  /** Copies a text field of the element's version metadata (fetched; published versions are cached). */
  const copyMetadataField = async (
    e: Located,
    field: 'citation' | 'doi',
    what: string,
  ): Promise<string | undefined> => {
    try {
      const metadata = await session.client().getVersionMetadata(e.dandisetId, versionOf(e));
      const value = metadata[field];
      return copy(typeof value === 'string' ? value : undefined, what);
    } catch (error) {
      void vscode.window.showWarningMessage(
        plainText(error instanceof Error ? error.message : String(error)),
      );
      return undefined;
    }
  };
  reg(Commands.copyCitation, e => copyMetadataField(e, 'citation', 'citation'));
  reg(Commands.copyDoi, async e =>
    e.kind === 'version' && e.doi ? copy(e.doi, 'DOI') : copyMetadataField(e, 'doi', 'DOI'),
  );
}
