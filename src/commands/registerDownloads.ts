import * as vscode from 'vscode';
import { Commands } from '../constants';
import { DandiClient } from '../dandi/client';
import { trimSlashes } from '../dandi/instances';
import { parseReference } from '../dandi/references';
import { targetFromResolved, type DownloadTarget } from '../download/planner';
import type { DownloadSummary } from '../download/types';
import type { ExtensionServices } from '../services';
import { commandOptions, downloadTargets, type DownloadDeps } from './download/downloadFlow';
import { targetFromAssetUri, targetsFromTreeArgs, viewerAssetUri } from './download/targets';
import { downloadManifest, manifestOptions, manifestText } from './download/manifestDownload';
import { plainText } from '../util/plainText';

/**
 * Download commands: from the tree (`dandi.download`, multi-select aware), from any DANDI
 * reference (`dandi.downloadReference`, the grammar of `dandi download`), and from the open NWB
 * viewer (`dandi.viewer.downloadFile`). The engine lives in src/download.
 */
export function registerDownloads(services: ExtensionServices): void {
  const { context, log } = services;

  /** The active client, or a key-less client when the target lives on another archive. */
  const depsFor = async (apiUrl?: string): Promise<DownloadDeps> => {
    const active = services.client();
    if (!apiUrl || trimSlashes(apiUrl) === active.apiUrl)
      return {
        client: active,
        apiKey: await services.apiKey(active.apiUrl),
        log,
        memento: context.globalState,
      };
    const other = new DandiClient({ instance: { name: new URL(apiUrl).host, apiUrl, webUrl: null } });
    return { client: other, apiKey: undefined, log, memento: context.globalState };
  };

  const run = async (
    work: () => Promise<DownloadSummary | undefined>,
  ): Promise<DownloadSummary | undefined> => {
    try {
      return await work();
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      log.error(`download: ${message}`);
      // Not awaited: the command settles now, whatever the user does with the message.
      void vscode.window.showErrorMessage(plainText(`DANDI: ${message}`), 'Show Details').then(choice => {
        if (choice) log.show(true);
      });
      return undefined;
    }
  };

  context.subscriptions.push(
    vscode.commands.registerCommand(Commands.download, (clicked: unknown, selected: unknown) =>
      run(async () => downloadTargets(await depsFor(), targetsFromTreeArgs(clicked, selected))),
    ),

    vscode.commands.registerCommand(Commands.downloadReference, (arg?: unknown, options?: unknown) =>
      run(async () => {
        const text =
          typeof arg === 'string' && arg.trim()
            ? arg
            : await vscode.window.showInputBox({
                title: 'DANDI: Download',
                prompt: 'A DANDI reference: DANDI:000027, a dandiarchive.org or API URL, dandi://…, a DOI',
                placeHolder: 'DANDI:000027/draft',
                ignoreFocusOut: true,
              });
        if (!text?.trim()) return undefined;
        const active = services.client();
        const reference = await parseReference(text, {
          instances: [active.instance],
          defaultInstance: active.instance,
        });
        const deps = await depsFor(reference.instance.apiUrl);
        const resolved = await deps.client.resolveReference(reference);
        const target: DownloadTarget = targetFromResolved(resolved);
        return downloadTargets(deps, [target], commandOptions(options));
      }),
    ),

    vscode.commands.registerCommand(Commands.downloadReferences, (arg?: unknown, options?: unknown) =>
      run(async () => {
        const source = await manifestText(arg);
        if (!source)
          throw new Error('Open a file holding DANDI references (a manifest, a list of URLs, any text).');
        return downloadManifest(await depsFor(), source.text, source.label, manifestOptions(options));
      }),
    ),

    vscode.commands.registerCommand(Commands.viewerDownloadFile, (arg?: unknown, options?: unknown) =>
      run(async () => {
        const uri = viewerAssetUri(arg);
        if (!uri) throw new Error('No NWB viewer is open.');
        if (uri.scheme === 'file') {
          void vscode.window.showInformationMessage(
            plainText(`DANDI: ${uri.fsPath} is already a local file.`),
          );
          return undefined;
        }
        const { target, apiUrl } = targetFromAssetUri(uri);
        return downloadTargets(await depsFor(apiUrl), [target], commandOptions(options));
      }),
    ),
  );
}
