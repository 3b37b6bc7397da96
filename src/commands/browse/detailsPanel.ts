import * as vscode from 'vscode';
import { Commands } from '../../constants';
import type { DandisetMetadata } from '../../dandi/types';
import type { BrowseContext } from '../../tree/browseContext';
import { webPageUrl } from '../../tree/links';
import { shownVersion, type TreeElement } from '../../tree/model';
import {
  isCopyTarget,
  type DandisetDetails,
  type DetailsHostEvent,
  type DetailsHostMethods,
  type DetailsPageEvent,
  type DetailsPageMethods,
} from '../../shared/detailsProtocol';
import { Messenger } from '../../shared/messenger';
import { showPage, webviewOptions } from '../../editor/webviewHtml';

const VIEW_TYPE = 'dandi.details';

/** Show Dandiset Details: a webview page with the landing-page facts, strict CSP and a fresh nonce. */
export function registerDetailsCommand(browse: BrowseContext): void {
  const { context } = browse;
  const panels = new Map<string, vscode.WebviewPanel>();
  context.subscriptions.push(
    vscode.commands.registerCommand(Commands.showDetails, async (element?: TreeElement) => {
      if (element?.kind !== 'dandiset' && element?.kind !== 'version') return undefined;
      const version =
        element.kind === 'version' ? element.version : (shownVersion(element.record)?.version ?? 'draft');
      const key = `${element.dandisetId}@${version}`;
      const existing = panels.get(key);
      if (existing) {
        existing.reveal();
        return existing;
      }
      const panel = vscode.window.createWebviewPanel(
        VIEW_TYPE,
        `DANDI:${element.dandisetId}`,
        vscode.ViewColumn.Active,
        webviewOptions(context.extensionUri),
      );
      panels.set(key, panel);
      showPage(
        panel,
        context.extensionUri,
        {
          bundle: 'details',
          title: 'Dandiset details',
          placeholderHtml: '<main id="root"><p class="muted">Loading…</p></main>',
        },
        browse.log,
      );
      // Every message goes through the viewer's RPC: envelopes are checked on arrival, a failed
      // load is an error reply, and the page's `details` request is the ready handshake.
      const messenger = new Messenger<
        DetailsHostMethods,
        DetailsPageMethods,
        DetailsHostEvent,
        DetailsPageEvent
      >({
        post: message => void panel.webview.postMessage(message),
        onDiagnostic: text => browse.log.warn(`Dandiset details: ${text}`),
      });
      let details: DandisetDetails | undefined;
      const load = async (): Promise<DandisetDetails> => {
        const metadata = await browse.session.client().getVersionMetadata(element.dandisetId, version);
        const web = await browse.session.webUrl();
        const embargoed =
          element.kind === 'version' ? element.embargoed : element.record.embargo_status !== 'OPEN';
        details = toDetails(
          element.dandisetId,
          version,
          metadata,
          web
            ? webPageUrl(
                { ...element, kind: 'version', version } as Extract<TreeElement, { kind: 'version' }>,
                web,
              )
            : null,
          embargoed,
        );
        return details;
      };
      const loading = load();
      // Settled here too, so a failure nobody asked for yet is not an unhandled rejection.
      loading.catch(() => undefined);
      const warn = (e: unknown) =>
        browse.log.warn(`Dandiset details: ${e instanceof Error ? e.message : String(e)}`);
      const subscriptions = [
        messenger.onRequest('details', () => loading),
        messenger.onEvent('copy', event => {
          if (!details || !isCopyTarget(event.what)) return;
          const text =
            event.what === 'citation'
              ? details.citation
              : event.what === 'doi'
                ? details.doi
                : `DANDI:${details.identifier}/${details.version}`;
          if (text) {
            vscode.env.clipboard
              .writeText(text)
              .then(() => vscode.window.setStatusBarMessage(`Copied ${event.what}`, 3000), warn);
          }
        }),
        messenger.onEvent('openWeb', () => {
          if (details?.webUrl)
            vscode.env.openExternal(vscode.Uri.parse(details.webUrl, true)).then(undefined, warn);
        }),
        panel.webview.onDidReceiveMessage((raw: unknown) => messenger.handle(raw)),
      ];
      panel.onDidDispose(() => {
        for (const subscription of subscriptions) subscription.dispose();
        messenger.dispose();
        panels.delete(key);
      });
      return panel;
    }),
  );
}

function names(list: unknown): string[] {
  if (!Array.isArray(list)) return [];
  return list
    .map(t =>
      typeof t === 'string'
        ? t
        : typeof t === 'object' && t && typeof (t as { name?: unknown }).name === 'string'
          ? (t as { name: string }).name
          : '',
    )
    .filter(Boolean);
}

export function toDetails(
  identifier: string,
  version: string,
  m: DandisetMetadata,
  webUrl: string | null,
  embargoed: boolean,
): DandisetDetails {
  const summary = m.assetsSummary ?? {};
  const text = (v: unknown) => (typeof v === 'string' ? v : '');
  return {
    identifier,
    version,
    name: text(m.name),
    description: text(m.description),
    contributors: (Array.isArray(m.contributor) ? m.contributor : []).map(c => ({
      name: text(c.name),
      roles: Array.isArray(c.roleName) ? c.roleName.map(r => String(r).replace(/^dcite:/, '')) : [],
      affiliation: names(c.affiliation).join('; '),
    })),
    license: (Array.isArray(m.license) ? m.license : []).map(l => String(l).replace(/^spdx:/, '')),
    citation: text(m.citation),
    doi: text(m.doi),
    keywords: Array.isArray(m.keywords) ? m.keywords.map(String) : [],
    species: names(summary.species),
    approaches: names(summary.approach),
    techniques: names(summary.measurementTechnique),
    files: typeof summary.numberOfFiles === 'number' ? summary.numberOfFiles : null,
    subjects: typeof summary.numberOfSubjects === 'number' ? summary.numberOfSubjects : null,
    bytes: typeof summary.numberOfBytes === 'number' ? summary.numberOfBytes : null,
    webUrl,
    embargoed,
  };
}
