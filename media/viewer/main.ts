/**
 * Entry of the NWB viewer webview: connects to the host (ready handshake), lays out header,
 * hierarchy (NWB / raw HDF5 tabs), view and inspector, and persists the UI state with
 * vscode.setState so hiding and showing the tab keeps it (no retainContextWhenHidden).
 */
import 'uplot/dist/uPlot.min.css';
import './viewer.css';
import { PROTOCOL_VERSION, type FileObject, type InitResult, type ViewKind } from '../../src/shared/protocol';
import { connect, errorText, isCancelled, vscodeApi, type ViewerApi } from './api';
import { h, message } from './dom';
import { Header } from './header';
import { fillNwbStore, initHdf5Store, loadChildren, loadMore, moreParent } from './hierarchy';
import { Inspector } from './inspector';
import { readView } from './readings';
import { TreeStore, TreeView } from './tree';
import { ancestorPaths, matchingPaths, type TreeNode } from './treeModel';
import { ViewHost } from './viewHost';
import { sessionTime } from './sessionTime';
import { rememberPerPath, sanitizeState, type TreeTab, type ViewerUiState } from './viewState';
import { RENDERERS } from './views/registry';

const api = connect();
sessionTime.connect(api);
/** Matches whose groups the filter loads into the trees at most (each group is one cached listing). */
const MAX_REVEALED = 200;
let state: ViewerUiState = sanitizeState(vscodeApi.getState());
let saveTimer = 0;
function saveState(): void {
  window.clearTimeout(saveTimer);
  saveTimer = window.setTimeout(() => vscodeApi.setState(state), 100);
}
function update(patch: Partial<ViewerUiState>): void {
  state = { ...state, ...patch };
  saveState();
}

async function start(): Promise<void> {
  document.body.dataset.viewState = 'loading';
  const app = h('div', { class: 'app' }, message('loading', 'Opening file…'));
  document.body.replaceChildren(app);
  let init: InitResult;
  try {
    init = await api.request('init', { protocol: PROTOCOL_VERSION });
  } catch (e) {
    document.body.dataset.viewState = 'error';
    app.replaceChildren(message('error', `Could not open the file: ${errorText(e)}`));
    return;
  }
  if (vscodeApi.getState() === undefined && init.mode === 'hdf5') update({ tab: 'hdf5' });
  new Viewer(api, init, app);
}

class Viewer {
  private readonly _header: Header;
  private readonly _inspector: Inspector;
  private readonly _viewHost: ViewHost;
  private readonly _trees: Record<
    TreeTab,
    { store: TreeStore; view: TreeView; panel: HTMLElement; tab: HTMLButtonElement }
  >;
  private readonly _viewRoot: HTMLElement;
  /** Every object of the file (`h5/walk`), asked for on the first filter. */
  private _objects: Promise<FileObject[]> | null = null;
  private _filterGeneration = 0;

  constructor(
    private readonly _api: ViewerApi,
    private readonly _init: InitResult,
    app: HTMLElement,
  ) {
    this._header = new Header(_init, {
      copySnippet: () => void this._copySnippet(),
      openNotebook: () => void this._openNotebook(),
      exportPng: () => void this._exportPng(),
      exportCsv: () => void this._exportCsv(),
      download: () => void this._download(),
    });
    this._inspector = new Inspector(_api);
    this._viewRoot = h('div', { id: 'view', class: 'view', 'aria-live': 'polite' });
    this._viewHost = new ViewHost({
      api: _api,
      root: this._viewRoot,
      maxSliceElements: _init.settings.maxSliceElements,
      renderers: RENDERERS,
      settings: {
        get: path => state.viewSettings[path] ?? {},
        set: (path, name, value) =>
          update({
            viewSettings: rememberPerPath(state.viewSettings, path, {
              ...(state.viewSettings[path] ?? {}),
              [name]: value,
            }),
          }),
        zoom: path => state.zoom[path],
        setZoom: (path, w) => update({ zoom: rememberPerPath(state.zoom, path, w) }),
        viewMode: () => state.viewMode,
        setViewMode: mode => update({ viewMode: mode }),
      },
      navigate: path => this.select(path),
      onViewChange: (path, view) => this._api.notify({ type: 'selection', path, view }),
    });

    const tablist = h('div', { class: 'tabs', role: 'tablist', 'aria-label': 'Hierarchy views' });
    const filter = h('input', {
      type: 'search',
      class: 'filter',
      placeholder: 'Filter objects',
      'aria-label': 'Filter the hierarchy',
      value: state.filter,
    });
    const makeTree = (tab: TreeTab, label: string) => {
      const store = new TreeStore();
      const view = new TreeView({
        label: tab === 'nwb' ? 'NWB hierarchy' : 'HDF5 hierarchy',
        store,
        expanded: state.expanded[tab],
        load: id => loadChildren(this._api, store, id, tab === 'nwb' ? 'nwb:' : ''),
        onOpen: node => this._onOpen(tab, node),
        onStateChange: (expanded, scrollTop) =>
          update({ expanded: { ...state.expanded, [tab]: expanded }, treeScroll: scrollTop }),
      });
      const panel = h(
        'div',
        { class: 'tree-panel', role: 'tabpanel', id: `panel-${tab}`, 'aria-labelledby': `tab-${tab}` },
        view.element,
      );
      const tabButton = h('button', {
        type: 'button',
        role: 'tab',
        id: `tab-${tab}`,
        'aria-controls': `panel-${tab}`,
        class: 'tab',
        text: label,
      });
      tabButton.addEventListener('click', () => this._showTab(tab));
      tabButton.addEventListener('keydown', e => {
        if (e.key === 'ArrowRight' || e.key === 'ArrowLeft') {
          const other: TreeTab = tab === 'nwb' ? 'hdf5' : 'nwb';
          this._showTab(other);
          this._trees[other].tab.focus();
        }
      });
      tablist.appendChild(tabButton);
      return { store, view, panel, tab: tabButton };
    };
    this._trees = { nwb: makeTree('nwb', 'NWB'), hdf5: makeTree('hdf5', 'HDF5') };
    filter.addEventListener('input', () => {
      update({ filter: filter.value });
      this._trees.nwb.view.setFilter(filter.value);
      this._trees.hdf5.view.setFilter(filter.value);
      void this._revealMatches(filter.value);
    });

    const sidebar = h(
      'nav',
      { class: 'sidebar', 'aria-label': 'Hierarchy' },
      tablist,
      filter,
      this._trees.nwb.panel,
      this._trees.hdf5.panel,
    );
    const content = h('main', { class: 'content' }, this._viewRoot, this._inspector.element);
    app.replaceChildren(this._header.element, h('div', { class: 'layout' }, sidebar, content));

    this._api.onEvent('stats', e => this._header.setFetched(e.stats.bytesFetched));
    this._api.onEvent('reveal', e => this.select(e.path, e.view));
    this._api.onRequest('test/readings', () => readView(this._viewRoot));
    window.addEventListener('keydown', e => {
      // Ctrl/Cmd+F focuses the filter, as in VS Code's own trees.
      if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 'f') {
        e.preventDefault();
        filter.focus();
      }
    });
    void this._load();
  }

  private async _load(): Promise<void> {
    const hdf5 = this._trees.hdf5;
    initHdf5Store(hdf5.store, this._init.file.name);
    hdf5.view.setFilter(state.filter);
    const nwb = this._trees.nwb;
    this._showTab(state.tab);
    const first = state.selection ?? this._init.initialPath ?? '/';
    const preferred = state.selection === first ? (state.viewMode as ViewKind | null) : null;
    void this._viewHost.show(first, preferred);
    void this._inspector.show(first);
    if (state.selection === null) update({ selection: first });
    try {
      const overview = await this._api.request('nwb/overview', {});
      fillNwbStore(nwb.store, overview, this._init.file.name);
    } catch (e) {
      nwb.store.add({
        id: 'nwb:error',
        label: `Not an NWB file or overview failed: ${errorText(e)}`,
        expandable: false,
        icon: 'more',
      });
      nwb.store.roots = ['nwb:error'];
      if (state.tab === 'nwb' && this._init.mode === 'hdf5') this._showTab('hdf5');
    }
    nwb.view.setFilter(state.filter);
    void this._revealMatches(state.filter);
    for (const t of ['nwb', 'hdf5'] as const) {
      this._trees[t].view.select(state.selection);
      if (t === state.tab) this._trees[t].view.setScroll(state.treeScroll);
    }
  }

  /**
   * Finds the filter's matches anywhere in the file (the host walks it once) and loads the groups
   * above them into both trees, so the filter shows objects that were never expanded.
   */
  private async _revealMatches(text: string): Promise<void> {
    const generation = ++this._filterGeneration;
    const stale = (): boolean => generation !== this._filterGeneration;
    if (!text.trim()) return;
    try {
      this._objects ??= this._api.request('h5/walk', {}).then(r => r.objects);
      const matches = matchingPaths(await this._objects, text, MAX_REVEALED);
      if (stale() || matches.length === 0) return;
      const groups = ancestorPaths(matches);
      await Promise.all([
        this._trees.hdf5.view.loadAll(groups, stale),
        this._trees.nwb.view.loadAll(
          groups.map(p => `nwb:${p}`),
          stale,
        ),
      ]);
    } catch (e) {
      this._objects = null;
      if (!isCancelled(e)) this._header.say(`Filter: ${errorText(e)}`);
    }
  }

  private _showTab(tab: TreeTab): void {
    for (const t of ['nwb', 'hdf5'] as const) {
      const active = t === tab;
      this._trees[t].panel.hidden = !active;
      this._trees[t].tab.setAttribute('aria-selected', String(active));
      this._trees[t].tab.tabIndex = active ? 0 : -1;
      this._trees[t].tab.classList.toggle('active', active);
    }
    this._trees[tab].view.refresh();
    this._trees[tab].view.select(state.selection);
    if (state.tab !== tab) update({ tab });
  }

  private _onOpen(tab: TreeTab, node: TreeNode): void {
    const parent = moreParent(node.id);
    if (parent !== null) {
      const tree = this._trees[tab];
      void loadMore(this._api, tree.store, parent, tab === 'nwb' ? 'nwb:' : '').then(() =>
        tree.view.refresh(),
      );
      return;
    }
    if (node.icon === 'section' && !node.path) return;
    this.select(node.path ?? node.id);
  }

  /** Selects an object: view, inspector, trees, persisted state. */
  select(path: string, view?: ViewKind): void {
    update({ selection: path, viewMode: view ?? null });
    this._trees.nwb.view.select(path);
    this._trees.hdf5.view.select(path);
    void this._viewHost.show(path, view);
    void this._inspector.show(path);
  }

  private async _copySnippet(): Promise<void> {
    const path = state.selection ?? '/';
    try {
      const { code } = await this._api.request('snippet/python', { path });
      showSnippet(code);
      let copied = false;
      try {
        copied = (await this._api.request('clipboard/write', { text: code })).ok;
      } catch {
        await navigator.clipboard
          .writeText(code)
          .then(() => (copied = true))
          .catch(() => undefined);
      }
      this._header.say(
        copied
          ? 'Python snippet copied to the clipboard.'
          : 'Python snippet shown below; copy it from there.',
      );
    } catch (e) {
      this._header.say(`Could not make a Python snippet: ${errorText(e)}`);
    }
  }

  private async _openNotebook(): Promise<void> {
    try {
      const { opened } = await this._api.request('notebook/open', { path: state.selection ?? '/' });
      this._header.say(opened ? 'Notebook opened in a new editor.' : 'No notebook was made.');
    } catch (e) {
      this._header.say(`Could not make a notebook: ${errorText(e)}`);
    }
  }

  private async _exportPng(): Promise<void> {
    const canvas = this._viewHost.exports.png?.();
    if (!canvas) return this._header.say('This view has no picture to export.');
    try {
      const blob = await new Promise<Blob | null>(resolve => canvas.toBlob(resolve, 'image/png'));
      if (!blob) throw new Error('the canvas could not be encoded');
      const name = (state.selection ?? 'view').split('/').filter(Boolean).pop() ?? 'view';
      const { savedTo } = await this._api.request('export/png', {
        suggestedName: `${name}.png`,
        png: await blob.arrayBuffer(),
      });
      this._header.say(savedTo ? `Saved ${savedTo}` : 'Export cancelled.');
    } catch (e) {
      this._header.say(`PNG export failed: ${errorText(e)}`);
    }
  }

  private async _exportCsv(): Promise<void> {
    const params = this._viewHost.exports.csv?.();
    if (!params) return this._header.say('This view has no data to export as CSV.');
    try {
      const r = await this._api.request('export/csv', { ...params, save: true });
      this._header.say(r.savedTo ? `Saved ${r.rows} rows to ${r.savedTo}` : 'Export cancelled.');
    } catch (e) {
      this._header.say(`CSV export failed: ${errorText(e)}`);
    }
  }

  private async _download(): Promise<void> {
    try {
      const r = await this._api.request('file/download', {});
      this._header.say(r.started ? 'Download started.' : 'Download not started.');
    } catch (e) {
      this._header.say(`Download failed: ${errorText(e)}`);
    }
  }
}

/** A non-modal panel with the snippet (text only), so it can also be read and selected. */
function showSnippet(code: string): void {
  document.querySelector('.snippet')?.remove();
  const pre = h('pre', { class: 'snippet-code', tabindex: 0, 'aria-label': 'Python snippet' });
  pre.textContent = code;
  const close = h('button', {
    type: 'button',
    class: 'btn',
    'aria-label': 'Close the Python snippet',
    text: 'Close',
  });
  const panel = h(
    'section',
    { class: 'snippet', role: 'region', 'aria-label': 'Python snippet' },
    h('div', { class: 'snippet-bar' }, h('strong', { text: 'Python' }), close),
    pre,
  );
  close.addEventListener('click', () => panel.remove());
  document.querySelector('.app')?.appendChild(panel);
  pre.focus();
}

void start();
