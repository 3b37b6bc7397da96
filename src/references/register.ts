import * as vscode from 'vscode';
import { Commands, Settings } from '../constants';
import { parseReferenceOffline } from '../dandi/references';
import type { ExtensionServices } from '../services';
import type { TreeElement } from '../tree/model';
import { plainText } from '../util/plainText';
import { buildCard, cardMarkdown, citationOf, escapeMarkdown, type CardAction } from './card';
import { PinDraftActions, ReferenceDiagnostics } from './diagnostics';
import { DocumentReferences, REFERENCE_DOCUMENTS, commandUri, rangeOf } from './documents';
import { ReferenceLookup, type Existence } from './lookup';
import { activeApiUrl } from './rewrite';
import type { FoundReference } from './scanner';

/** Commands the hover card may run (its Markdown is trusted for these only). */
const CARD_COMMANDS = [
  Commands.open,
  Commands.referenceOpen,
  Commands.downloadReference,
  Commands.referenceCopyCitation,
];

/**
 * DANDI references in any text document: links that reveal them in the DANDI view, hover cards,
 * warnings for references that do not exist and the quick fix that pins a draft. Returns the live
 * parts for the VS Code test suite.
 */
export function registerReferences(services: ExtensionServices): ReferenceFeature {
  const { context, session } = services;
  const enabled = () =>
    vscode.workspace.getConfiguration(Settings.section).get<boolean>(Settings.referencesEnabled, true);
  const references = new DocumentReferences(() => session.instance);
  const lookup = new ReferenceLookup(() => session.client());
  const diagnostics = new ReferenceDiagnostics(references, lookup, enabled);

  const hover = async (found: FoundReference): Promise<vscode.MarkdownString> => {
    const markdown = new vscode.MarkdownString(undefined, true);
    markdown.isTrusted = { enabledCommands: CARD_COMMANDS };
    markdown.appendMarkdown(
      await hoverMarkdown(found, lookup, session.instance.apiUrl, () => session.webUrl()),
    );
    return markdown;
  };

  context.subscriptions.push(
    diagnostics,
    vscode.languages.registerDocumentLinkProvider(REFERENCE_DOCUMENTS, {
      provideDocumentLinks: document =>
        enabled()
          ? references.of(document).map(f => {
              const link = new vscode.DocumentLink(rangeOf(document, f), commandUri(Commands.open, [f.text]));
              link.tooltip = 'Reveal in the DANDI view';
              return link;
            })
          : [],
    }),
    vscode.languages.registerHoverProvider(REFERENCE_DOCUMENTS, {
      provideHover: async (document, position) => {
        const found = enabled() ? references.at(document, position) : undefined;
        return found ? new vscode.Hover(await hover(found), rangeOf(document, found)) : undefined;
      },
    }),
    vscode.languages.registerCodeActionsProvider(REFERENCE_DOCUMENTS, new PinDraftActions(diagnostics), {
      providedCodeActionKinds: PinDraftActions.kinds,
    }),
    vscode.commands.registerCommand(Commands.referenceOpen, async (text?: unknown) => {
      if (typeof text !== 'string') return undefined;
      const element = await vscode.commands.executeCommand<TreeElement | undefined>(Commands.open, text);
      if (element?.kind === 'asset') await vscode.commands.executeCommand(Commands.openAsset, element);
      else if (element) await vscode.commands.executeCommand(Commands.showDetails, element);
      return element;
    }),
    vscode.commands.registerCommand(Commands.referenceCopyCitation, async (text?: unknown) => {
      if (typeof text !== 'string') return undefined;
      const citation = await citationFor(text, lookup, services);
      if (citation === undefined) return undefined;
      await vscode.env.clipboard.writeText(citation);
      void vscode.window.setStatusBarMessage('DANDI: citation copied', 3000);
      return citation;
    }),
    services.onDidChangeClient(() => {
      lookup.clear();
      diagnostics.refreshAll();
    }),
    vscode.workspace.onDidChangeConfiguration(e => {
      if (e.affectsConfiguration(`${Settings.section}.${Settings.referencesEnabled}`))
        diagnostics.refreshAll();
    }),
  );
  diagnostics.refreshAll();
  return { diagnostics, lookup };
}

export interface ReferenceFeature {
  diagnostics: ReferenceDiagnostics;
  lookup: ReferenceLookup;
}

/** The card of a reference that exists, else what is wrong with it (or why it was not checked). */
async function hoverMarkdown(
  found: FoundReference,
  lookup: ReferenceLookup,
  apiUrl: string,
  webUrl: () => Promise<string | null>,
): Promise<string> {
  const existence: Existence = await lookup.exists(found.reference);
  if (existence.status === 'missing') return `$(warning) ${escapeMarkdown(existence.message)}`;
  if (existence.status === 'unknown') return `DANDI reference: ${escapeMarkdown(existence.message)}`;
  const target = existence.target;
  try {
    const info = target.dandisetId ? await lookup.versionInfo(target.dandisetId, target.version) : undefined;
    const asset = target.asset
      ? await lookup
          .assetInfo(
            target.asset.assetId,
            target.dandisetId ? { dandisetId: target.dandisetId, version: target.version } : undefined,
          )
          .catch(() => undefined) // the card still shows the listing's size, the type from the name
      : undefined;
    const card = buildCard(target, info, asset, await webUrl().catch(() => null));
    const url = activeApiUrl(target, apiUrl);
    const actions: CardAction[] = [
      { label: 'Reveal', command: Commands.open, args: [url] },
      { label: 'Open', command: Commands.referenceOpen, args: [url] },
      { label: 'Download', command: Commands.downloadReference, args: [url] },
    ];
    if (card.citation)
      actions.push({ label: 'Copy citation', command: Commands.referenceCopyCitation, args: [url] });
    return cardMarkdown(card, actions);
  } catch (e) {
    return `DANDI reference: ${escapeMarkdown(e instanceof Error ? e.message : String(e))}`;
  }
}

async function citationFor(
  text: string,
  lookup: ReferenceLookup,
  services: ExtensionServices,
): Promise<string | undefined> {
  try {
    const reference = parseReferenceOffline(text, { instances: [services.session.instance] });
    const existence = await lookup.exists(reference);
    if (existence.status !== 'found' || !existence.target.dandisetId) {
      const why = existence.status === 'found' ? 'an asset id alone names no Dandiset' : existence.message;
      void vscode.window.showWarningMessage(plainText(`No citation for ${text}: ${why}`));
      return undefined;
    }
    const { target } = existence;
    const info = await lookup.versionInfo(target.dandisetId ?? '', target.version);
    return citationOf(info, target, await services.session.webUrl().catch(() => null));
  } catch (e) {
    void vscode.window.showWarningMessage(
      plainText(`No citation for ${text}: ${e instanceof Error ? e.message : String(e)}`),
    );
    return undefined;
  }
}
