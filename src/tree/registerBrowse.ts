import * as vscode from 'vscode';
import { registerAuthCommands } from '../commands/browse/authCommands';
import { registerCopyCommands } from '../commands/browse/copyCommands';
import { registerDetailsCommand } from '../commands/browse/detailsPanel';
import { registerListCommands } from '../commands/browse/listCommands';
import { registerMetadataCommands } from '../commands/browse/metadataCommands';
import { registerOpenCommands } from '../commands/browse/openCommands';
import { revealReference } from '../commands/browse/revealReference';
import { ContextKeys, Settings, Views } from '../constants';
import type { ExtensionServices } from '../services';
import type { BrowseContext, BrowseView } from './browseContext';
import type { TreeElement } from './model';
import { DEFAULT_QUERY, describeQuery, listOptions, normaliseQuery, type ListQuery } from './query';
import { BrowseSession } from './session';
import { DandiTreeProvider } from './treeProvider';

const QUERY_STATE_KEY = 'dandi.listQuery';

/** The extension services plus what the VS Code test suite reaches into. */
export interface BrowseServices extends ExtensionServices {
  readonly browse: BrowseContext;
}

/** Builds the session, the three tree views and the browse commands; returns the shared services. */
export function registerBrowse(context: vscode.ExtensionContext, log: vscode.LogOutputChannel): BrowseServices {
  const session = new BrowseSession(context, log);
  context.subscriptions.push(session);
  let query: ListQuery = normaliseQuery(context.globalState.get(QUERY_STATE_KEY) ?? DEFAULT_QUERY);
  const pageSize = () => Math.min(1000, Math.max(10, vscode.workspace.getConfiguration(Settings.section).get<number>(Settings.pageSize, 50)));
  const client = () => session.client();

  const makeView = (id: string, options: () => ReturnType<typeof listOptions>, emptyText: () => string, onLoading?: (loading: boolean) => void): BrowseView => {
    const provider = new DandiTreeProvider({ source: client, query: options, rootPageSize: pageSize, emptyText, onLoading }, client, log);
    const view = vscode.window.createTreeView<TreeElement>(id, { treeDataProvider: provider, showCollapseAll: true });
    context.subscriptions.push(provider, view);
    return { id, provider, view };
  };

  const explorer = makeView(
    Views.explorer,
    () => listOptions(query, session.client().signedIn),
    () => (query.search ? `No Dandisets match "${query.search}".` : `No Dandisets on ${session.label}.`),
    loading => void vscode.commands.executeCommand('setContext', ContextKeys.loading, loading),
  );
  const mine = makeView(Views.myDandisets, () => ({ user: 'me', embargoed: true, ordering: query.ordering }), () => 'You own no Dandisets on this instance.');
  const starred = makeView(Views.starred, () => ({ starred: true, embargoed: true, ordering: query.ordering }), () => 'You have not starred any Dandiset.');
  const views = [explorer, mine, starred];
  // Pages already loaded used the old size; start the lists again rather than skip or repeat items.
  context.subscriptions.push(
    vscode.workspace.onDidChangeConfiguration(e => {
      if (e.affectsConfiguration(`${Settings.section}.${Settings.pageSize}`)) for (const v of views) v.provider.refresh();
    }),
  );

  const updateDescription = () => {
    explorer.view.description = `${session.label} · ${describeQuery(query)}`;
    // The title is often truncated in a narrow side bar; a message above the tree keeps the search visible.
    explorer.view.message = query.search ? `Search: ${describeQuery(query)}` : undefined;
    void vscode.commands.executeCommand('setContext', ContextKeys.searchActive, Boolean(query.search));
  };
  updateDescription();

  const browse: BrowseContext = {
    context,
    log,
    session,
    explorer,
    mine,
    starred,
    query: () => query,
    async setQuery(next: ListQuery) {
      query = normaliseQuery(next);
      await context.globalState.update(QUERY_STATE_KEY, query);
      updateDescription();
      explorer.provider.refresh();
      mine.provider.refresh();
      starred.provider.refresh();
    },
    viewOf(element) {
      if (!element) return explorer;
      return views.find(v => v.provider.model.get(element.id) === element) ?? explorer;
    },
    revealReference: (reference, options) => revealReference(browse, reference, options),
  };

  // A custom instance reports its web UI and DOI prefix in /info/; learn them early (links, DOIs).
  void session.webUrl();
  context.subscriptions.push(
    session.onDidChangeClient(() => {
      void session.webUrl();
      updateDescription();
      for (const v of views) v.provider.refresh();
    }),
  );
  registerListCommands(browse);
  registerAuthCommands(browse);
  registerOpenCommands(browse);
  registerCopyCommands(browse);
  registerMetadataCommands(browse);
  registerDetailsCommand(browse);

  return {
    context,
    log,
    client,
    apiKey: apiUrl => session.apiKey(apiUrl),
    onDidChangeClient: session.onDidChangeClient,
    browse,
  };
}
