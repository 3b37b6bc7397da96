import * as vscode from 'vscode';
import { ContextKeys, Settings, Views } from '../constants';
import type { ExtensionServices } from '../services';
import type { BrowseContext, BrowseView } from '../tree/browseContext';
import type { TreeElement } from '../tree/model';
import { DEFAULT_QUERY, describeQuery, listOptions, normaliseQuery, type ListQuery } from '../tree/query';
import { DandiTreeProvider } from '../tree/treeProvider';
import { registerCopyCommands } from './browse/copyCommands';
import { registerDetailsCommand } from './browse/detailsPanel';
import { registerListCommands } from './browse/listCommands';
import { registerMetadataCommands } from './browse/metadataCommands';
import { registerOpenCommands } from './browse/openCommands';
import { revealReference } from './browse/revealReference';

const QUERY_STATE_KEY = 'dandi.listQuery';

/**
 * The browse feature: the three tree views over the session's client and the browse commands.
 * Returns what the browse commands share (the VS Code test suite reaches into it too).
 */
export function registerBrowse(services: ExtensionServices): BrowseContext {
  const { context, log, session } = services;
  let query: ListQuery = normaliseQuery(context.globalState.get(QUERY_STATE_KEY) ?? DEFAULT_QUERY);
  const pageSize = () =>
    Math.min(
      1000,
      Math.max(10, vscode.workspace.getConfiguration(Settings.section).get<number>(Settings.pageSize, 50)),
    );
  const client = () => session.client();

  const makeView = (
    id: string,
    options: () => ReturnType<typeof listOptions>,
    emptyText: () => string,
    onLoading?: (loading: boolean) => void,
  ): BrowseView => {
    const provider = new DandiTreeProvider(
      { source: client, query: options, rootPageSize: pageSize, emptyText, onLoading },
      client,
      log,
    );
    const view = vscode.window.createTreeView<TreeElement>(id, {
      treeDataProvider: provider,
      showCollapseAll: true,
    });
    context.subscriptions.push(provider, view);
    return { id, provider, view };
  };

  const explorer = makeView(
    Views.explorer,
    () => listOptions(query, session.client().signedIn),
    () => (query.search ? `No Dandisets match "${query.search}".` : `No Dandisets on ${session.label}.`),
    loading => void vscode.commands.executeCommand('setContext', ContextKeys.loading, loading),
  );
  const mine = makeView(
    Views.myDandisets,
    () => ({ user: 'me', embargoed: true, ordering: query.ordering }),
    () => 'You own no Dandisets on this instance.',
  );
  const starred = makeView(
    Views.starred,
    () => ({ starred: true, embargoed: true, ordering: query.ordering }),
    () => 'You have not starred any Dandiset.',
  );
  const views = [explorer, mine, starred];
  // Pages already loaded used the old size; start the lists again rather than skip or repeat items.
  context.subscriptions.push(
    vscode.workspace.onDidChangeConfiguration(e => {
      if (e.affectsConfiguration(`${Settings.section}.${Settings.pageSize}`))
        for (const v of views) v.provider.refresh();
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
  registerOpenCommands(browse);
  registerCopyCommands(browse);
  registerMetadataCommands(browse);
  registerDetailsCommand(browse);
  return browse;
}
