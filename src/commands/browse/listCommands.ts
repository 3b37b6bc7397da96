import * as vscode from 'vscode';
import { Commands } from '../../constants';
import type { DandisetRecord } from '../../dandi/types';
import type { BrowseContext } from '../../tree/browseContext';
import { shownVersion, type TreeElement } from '../../tree/model';
import { ORDERING_LABELS, type ListQuery } from '../../tree/query';
import type { DandisetOrdering } from '../../dandi/types';

const SEARCH_DEBOUNCE_MS = 300;

/** Refresh, Load more, search, sort, filter, and the actions under error messages. */
export function registerListCommands(browse: BrowseContext): void {
  const { context } = browse;
  const reg = (id: string, fn: (...args: never[]) => unknown) =>
    context.subscriptions.push(vscode.commands.registerCommand(id, fn));

  reg(Commands.refresh, async (element?: TreeElement) => {
    if (element && typeof element === 'object' && 'kind' in element) {
      const view = browse.viewOf(element);
      // Retry under an error message refreshes the subtree that failed (the root when it has no parent).
      if (element.kind === 'action' || element.kind === 'message') {
        await view.provider.model.retry(
          element.parentId ? view.provider.model.get(element.parentId) : undefined,
        );
        return;
      }
      view.provider.refresh(element);
      return;
    }
    for (const view of [browse.explorer, browse.mine, browse.starred]) view.provider.refresh();
  });

  reg(Commands.loadMore, async (element?: TreeElement) => {
    if (!element || element.kind !== 'loadMore') return;
    await browse.viewOf(element).provider.model.loadMore(element);
  });

  reg(Commands.search, async (text?: string) => {
    const search = typeof text === 'string' ? text : await pickSearch(browse);
    if (search === undefined) return;
    await browse.setQuery({ ...browse.query(), search: search.trim() });
  });

  reg(Commands.clearSearch, () => browse.setQuery({ ...browse.query(), search: '' }));

  reg(Commands.sort, async (ordering?: DandisetOrdering) => {
    const chosen = typeof ordering === 'string' ? ordering : await pickOrdering(browse.query());
    if (chosen) await browse.setQuery({ ...browse.query(), ordering: chosen });
  });

  reg(Commands.filter, async (filters?: Partial<Pick<ListQuery, 'includeDrafts' | 'includeEmpty'>>) => {
    const chosen = filters && typeof filters === 'object' ? filters : await pickFilters(browse.query());
    if (chosen) await browse.setQuery({ ...browse.query(), ...chosen });
  });
}

interface ResultItem extends vscode.QuickPickItem {
  search?: string;
  record?: DandisetRecord;
}

/**
 * A quick pick that shows live results as you type (debounced; the server's free text and
 * operators such as `species:` and `approach:`). Enter on the first row filters the tree;
 * picking a Dandiset reveals it.
 */
function pickSearch(browse: BrowseContext): Promise<string | undefined> {
  const pick = vscode.window.createQuickPick<ResultItem>();
  pick.title = 'Search Dandisets';
  pick.placeholder =
    'Words, or operators: species:mouse approach:"electrophysiology" modified_after:2024-01-01';
  pick.value = browse.query().search;
  // The server already filtered: every row is alwaysShow, and "Search for ..." is kept active.
  pick.matchOnDescription = true;
  pick.matchOnDetail = true;
  let timer: NodeJS.Timeout | undefined;
  let controller: AbortController | undefined;
  const searchRow = (value: string): ResultItem => ({
    label: value ? `$(search) Search for "${value}"` : '$(clear-all) Show all Dandisets',
    search: value,
    alwaysShow: true,
  });
  const update = (value: string) => {
    const first = searchRow(value);
    pick.items = [first];
    pick.activeItems = [first];
    clearTimeout(timer);
    controller?.abort();
    if (!value.trim()) return;
    timer = setTimeout(async () => {
      controller = new AbortController();
      pick.busy = true;
      try {
        const page = await browse.session.client().listDandisets({
          search: value,
          pageSize: 20,
          ordering: browse.query().ordering,
          embargoed: browse.session.client().signedIn || undefined,
          signal: controller.signal,
        });
        if (pick.value !== value) return;
        const results = page.items.map((record): ResultItem => {
          const shown = shownVersion(record);
          return {
            label: `${record.identifier} · ${shown?.name ?? ''}`,
            description: record.contact_person,
            record,
            alwaysShow: true,
          };
        });
        const header = {
          label: page.count !== null ? `${page.count} Dandisets` : 'Dandisets',
          kind: vscode.QuickPickItemKind.Separator,
        } as ResultItem;
        const first = searchRow(value);
        pick.items = [first, header, ...results];
        pick.activeItems = [first];
      } catch (e) {
        if (pick.value === value && !controller?.signal.aborted)
          pick.items = [
            searchRow(value),
            { label: `$(warning) ${e instanceof Error ? e.message : String(e)}`, alwaysShow: true },
          ];
      } finally {
        pick.busy = false;
      }
    }, SEARCH_DEBOUNCE_MS);
  };
  update(pick.value);
  return new Promise(resolve => {
    let done = false;
    const finish = (value: string | undefined) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      controller?.abort();
      resolve(value);
      pick.dispose();
    };
    pick.onDidChangeValue(update);
    pick.onDidAccept(() => {
      const [selected] = pick.selectedItems;
      if (selected?.record) {
        void browse.revealReference(`DANDI:${selected.record.identifier}`, {
          otherInstance: 'active',
          expand: true,
        });
        finish(undefined);
      } else if (selected?.search !== undefined) {
        finish(selected.search);
      } else {
        finish(pick.value);
      }
    });
    pick.onDidHide(() => finish(undefined));
    pick.show();
  });
}

async function pickOrdering(query: ListQuery): Promise<DandisetOrdering | undefined> {
  const items: (vscode.QuickPickItem & { ordering: DandisetOrdering })[] = [];
  for (const field of Object.keys(ORDERING_LABELS)) {
    for (const descending of [true, false]) {
      const ordering = `${descending ? '-' : ''}${field}` as DandisetOrdering;
      items.push({
        label: `${ORDERING_LABELS[field]} ${descending ? '$(arrow-down) descending' : '$(arrow-up) ascending'}`,
        ordering,
        picked: ordering === query.ordering,
        description: ordering === query.ordering ? 'current' : undefined,
      });
    }
  }
  const picked = await vscode.window.showQuickPick(items, {
    title: 'Sort Dandisets',
    placeHolder: 'Order of the Dandiset list',
  });
  return picked?.ordering;
}

async function pickFilters(
  query: ListQuery,
): Promise<Pick<ListQuery, 'includeDrafts' | 'includeEmpty'> | undefined> {
  const items = [
    {
      label: 'Include never-published Dandisets (drafts only)',
      key: 'includeDrafts' as const,
      picked: query.includeDrafts,
    },
    {
      label: 'Include empty Dandisets (no assets)',
      key: 'includeEmpty' as const,
      picked: query.includeEmpty,
    },
  ];
  const picked = await vscode.window.showQuickPick(items, {
    title: 'Filter Dandisets',
    canPickMany: true,
    placeHolder: 'Checked kinds are listed',
  });
  if (!picked) return undefined;
  const on = new Set(picked.map(p => p.key));
  return { includeDrafts: on.has('includeDrafts'), includeEmpty: on.has('includeEmpty') };
}
