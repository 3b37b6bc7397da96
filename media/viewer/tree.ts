/**
 * The hierarchy panel's tree: a virtualized ARIA tree (role=tree, treeitems with level/setsize/
 * posinset, aria-activedescendant focus) over a {@link TreeStore}, driven by the pure model in
 * treeModel.ts. Rows have a fixed height so only the visible ones are in the DOM.
 */
import { clear, h } from './dom';
import { ellipsize } from './format';
import { rowWindow, scrollToRow } from './rowWindow';
import {
  flattenTree,
  initialNav,
  navigateTree,
  type NavState,
  type TreeData,
  type TreeNode,
  type TreeRow,
} from './treeModel';

export const ROW_HEIGHT = 22;

/** Mutable node storage that a tab fills lazily. */
export class TreeStore implements TreeData {
  roots: string[] = [];
  readonly nodes = new Map<string, TreeNode>();
  readonly children = new Map<string, readonly string[]>();

  add(node: TreeNode): void {
    this.nodes.set(node.id, node);
  }
  setChildren(id: string, ids: readonly string[]): void {
    this.children.set(id, ids);
  }
  /** The first node that opens `path`. */
  findByPath(path: string): TreeNode | undefined {
    for (const node of this.nodes.values()) if ((node.path ?? node.id) === path) return node;
    return undefined;
  }
}

export interface TreeViewOptions {
  label: string;
  store: TreeStore;
  expanded: Iterable<string>;
  /** Loads a node's children into the store (called on first expansion). */
  load(id: string): Promise<void>;
  /** The user opened (clicked / Enter) a node. */
  onOpen(node: TreeNode): void;
  /** Expansion or scroll changed (to persist). */
  onStateChange(expanded: string[], scrollTop: number): void;
}

let treeCounter = 0;

export class TreeView {
  readonly element: HTMLElement;
  private readonly _scroller: HTMLElement;
  private readonly _inner: HTMLElement;
  private readonly _expanded: Set<string>;
  private readonly _loading = new Set<string>();
  private readonly _errors = new Map<string, string>();
  private _rows: TreeRow[] = [];
  private _filter = '';
  private _nav: NavState = initialNav();
  private _selectedPath: string | null = null;
  private _frame = 0;
  private readonly _prefix = `tree${++treeCounter}-`;

  constructor(private readonly _o: TreeViewOptions) {
    this._expanded = new Set(_o.expanded);
    this._inner = h('div', { class: 'tree-inner' });
    this._scroller = h(
      'div',
      { class: 'tree-scroll', role: 'tree', tabindex: 0, 'aria-label': _o.label },
      this._inner,
    );
    this.element = this._scroller;
    this._scroller.addEventListener('scroll', () => {
      this._schedule();
      this._emitState();
    });
    this._scroller.addEventListener('keydown', e => this._onKey(e));
    this._scroller.addEventListener('click', e => this._onClick(e));
    new ResizeObserver(() => this._schedule()).observe(this._scroller);
  }

  /** Re-flattens after the store or filter changed. */
  refresh(): void {
    this._rows = flattenTree(this._o.store, this._expanded, this._filter);
    // Expanded nodes without children start loading.
    for (const row of this._rows) if (row.loading) void this._load(row.id);
    this._schedule();
  }

  setFilter(text: string): void {
    this._filter = text;
    this.refresh();
  }

  setScroll(top: number): void {
    this._scroller.scrollTop = top;
  }

  /** Marks the row opening `path` selected and scrolls it into view. */
  select(path: string | null): void {
    this._selectedPath = path;
    const index = this._rows.findIndex(r => this._pathOf(r.id) === path);
    if (index >= 0) {
      this._nav = { ...this._nav, focus: this._rows[index].id };
      this._reveal(index);
    }
    this._schedule();
  }

  focus(): void {
    this._scroller.focus();
  }

  /** Expands the ancestors of `id` present in the store (to reveal a deep selection). */
  async expandTo(ids: string[]): Promise<void> {
    for (const id of ids) {
      if (!this._o.store.nodes.has(id)) continue;
      this._expanded.add(id);
      if (!this._o.store.children.has(id)) await this._load(id);
    }
    this.refresh();
  }

  /**
   * Loads the children of the given nodes (those in the store, in order) without expanding them:
   * the filter then shows matches below them. Stops when `stale()` says the filter moved on.
   */
  async loadAll(ids: readonly string[], stale: () => boolean): Promise<void> {
    for (const id of ids) {
      if (stale()) return;
      const node = this._o.store.nodes.get(id);
      if (node?.expandable && !this._o.store.children.has(id)) await this._load(id);
    }
    this.refresh();
  }

  private _pathOf(id: string): string {
    return this._o.store.nodes.get(id)?.path ?? id;
  }

  private async _load(id: string): Promise<void> {
    if (this._loading.has(id) || this._o.store.children.has(id)) return;
    this._loading.add(id);
    this._errors.delete(id);
    try {
      await this._o.load(id);
    } catch (e) {
      this._errors.set(id, e instanceof Error ? e.message : String(e));
      this._o.store.setChildren(id, []);
    } finally {
      this._loading.delete(id);
      this.refresh();
    }
  }

  private _toggle(id: string, open: boolean): void {
    if (open) this._expanded.add(id);
    else this._expanded.delete(id);
    this.refresh();
    this._emitState();
  }

  private _emitState(): void {
    this._o.onStateChange([...this._expanded], this._scroller.scrollTop);
  }

  private _open(id: string): void {
    const node = this._o.store.nodes.get(id);
    if (!node) return;
    this._nav = { ...this._nav, focus: id };
    this._o.onOpen(node);
    this._schedule();
  }

  private _onKey(e: KeyboardEvent): void {
    if (e.altKey || e.ctrlKey || e.metaKey) return;
    const store = this._o.store;
    const { state, action, handled } = navigateTree(
      this._rows,
      id => store.nodes.get(id)?.label ?? '',
      this._nav,
      e.key,
      performance.now(),
    );
    if (!handled) return;
    e.preventDefault();
    this._nav = state;
    if (action.kind === 'expand') this._toggle(action.id, true);
    else if (action.kind === 'collapse') this._toggle(action.id, false);
    else if (action.kind === 'open') this._open(action.id);
    const index = this._rows.findIndex(r => r.id === this._nav.focus);
    if (index >= 0) this._reveal(index);
    this._schedule();
  }

  private _onClick(e: MouseEvent): void {
    const target = e.target instanceof Element ? e.target.closest<HTMLElement>('[data-id]') : null;
    if (!target?.dataset.id) return;
    const id = target.dataset.id;
    const row = this._rows.find(r => r.id === id);
    if (!row) return;
    if (e.target instanceof Element && e.target.closest('.twistie')) {
      this._toggle(id, !row.expanded);
    } else {
      if (row.expandable && !row.expanded && this._o.store.nodes.get(id)?.icon === 'section')
        this._toggle(id, true);
      this._open(id);
    }
    this._scroller.focus();
  }

  private _reveal(index: number): void {
    const top = scrollToRow(index, this._scroller.scrollTop, this._scroller.clientHeight, ROW_HEIGHT);
    if (top !== this._scroller.scrollTop) this._scroller.scrollTop = top;
  }

  private _schedule(): void {
    if (this._frame) return;
    this._frame = requestAnimationFrame(() => {
      this._frame = 0;
      this._render();
    });
  }

  /** Renders the visible window of rows. */
  private _render(): void {
    const rows = this._rows;
    this._inner.style.height = `${rows.length * ROW_HEIGHT}px`;
    const w = rowWindow({
      scrollTop: this._scroller.scrollTop,
      viewportHeight: this._scroller.clientHeight || 600,
      rowHeight: ROW_HEIGHT,
      rowCount: rows.length,
    });
    clear(this._inner);
    const store = this._o.store;
    let active: string | null = null;
    for (let i = w.first; i < w.end; i++) {
      const row = rows[i];
      const node = store.nodes.get(row.id);
      if (!node) continue;
      const domId = `${this._prefix}${i}`;
      const selected = this._selectedPath !== null && this._pathOf(row.id) === this._selectedPath;
      const focused = this._nav.focus === row.id;
      if (focused) active = domId;
      const el = h('div', {
        id: domId,
        class: `tree-row${selected ? ' selected' : ''}${focused ? ' focused' : ''}${row.match ? ' match' : ''}`,
        role: 'treeitem',
        'aria-level': row.depth + 1,
        'aria-setsize': row.setSize,
        'aria-posinset': row.posInSet,
        'aria-selected': String(selected),
        'aria-expanded': row.expandable ? String(row.expanded) : undefined,
        'data-id': row.id,
        'data-path': this._pathOf(row.id),
        title: rowTooltip(node, this._pathOf(row.id)),
      });
      el.style.top = `${i * ROW_HEIGHT}px`;
      el.style.paddingLeft = `${4 + row.depth * 14}px`;
      el.appendChild(
        h('span', {
          class: `twistie${row.expandable ? (row.expanded ? ' open' : ' closed') : ''}`,
          'aria-hidden': 'true',
        }),
      );
      el.appendChild(h('span', { class: `icon icon-${node.icon ?? 'group'}`, 'aria-hidden': 'true' }));
      el.appendChild(h('span', { class: 'label', text: node.label }));
      if (node.badge) el.appendChild(h('span', { class: 'badge', text: node.badge }));
      const error = this._errors.get(row.id);
      const summary = error ? `error: ${error}` : row.loading ? 'loading…' : node.summary;
      if (summary)
        el.appendChild(
          h('span', { class: error ? 'summary error' : 'summary', text: ellipsize(summary, 120) }),
        );
      this._inner.appendChild(el);
    }
    if (active) this._scroller.setAttribute('aria-activedescendant', active);
    else this._scroller.removeAttribute('aria-activedescendant');
    if (rows.length === 0) {
      this._inner.appendChild(
        h('div', {
          class: 'tree-empty',
          role: 'none',
          text: this._filter ? 'No object matches the filter.' : 'Empty.',
        }),
      );
    }
  }
}

/** A row's full text (name, type, summary) and path: the row itself may show them cut. */
function rowTooltip(node: TreeNode, path: string): string {
  const head = [node.label, node.badge ? `(${node.badge})` : '', node.summary ? `— ${node.summary}` : '']
    .filter(Boolean)
    .join(' ');
  return head === path ? path : `${head}\n${path}`;
}
