/**
 * DynamicTable: a virtualized grid (ARIA grid roles) that loads rows in pages as you scroll.
 * Ragged columns show their items, DynamicTableRegion cells link to the rows of the target table,
 * and object references show their paths as links.
 */
import type { H5Value } from '../../../src/shared/protocolTypes';
import type { ColumnInfo, TableInfo, TableRows } from '../../../src/shared/protocol';
import { errorText, isCancelled } from '../api';
import { h, message } from '../dom';
import { ellipsize, storedNumberText } from '../format';
import {
  isNavigationKey,
  isScaled,
  maxVirtualTop,
  missingPages,
  navigate,
  rowTop,
  rowWindow,
  scrollSpace,
  scrollTopFor,
  virtualTopFor,
} from '../rowWindow';
import { firstRef, floatNulls, valueText } from '../values';
import type { ViewContext } from './context';
import { actionsCell, type RowAction, type ShownRow } from './tableActions';

const ROW_HEIGHT = 24;
const PAGE = 200;
/** Pages of rows kept in memory around the view. */
const KEPT_PAGES = 40;
/** How long scrolling must pause before rows are requested (dragging past a million rows asks for none of them). */
const LOAD_DELAY_MS = 50;

/** Rows sorted by a column (click its header), NaN and empty cells last. */
type Order = { column: string; descending: boolean } | null;

export async function renderTable(
  ctx: ViewContext,
  parent: HTMLElement = ctx.root,
  tablePath = ctx.path,
  rowActions: readonly RowAction[] = [],
): Promise<void> {
  const info = await ctx.request('table/info', { path: tablePath });
  parent.appendChild(tableHeader(info));
  const grid = h('div', {
    class: 'grid-scroll',
    role: 'grid',
    'aria-label': `Table ${tablePath}`,
    'aria-rowcount': info.rowCount + 1,
    'aria-colcount': info.columns.length + 1 + (rowActions.length > 0 ? 1 : 0),
    tabindex: 0,
  });
  const head = h('div', { class: 'grid-row grid-head', role: 'row', 'aria-rowindex': 1 });
  const cols = ['id', ...info.columns.map(c => c.name)];
  const actionWidth = rowActions.length > 0 ? rowActions.length * 70 + 16 : 0;
  const widths = cols.map((c, i) => {
    const col = info.columns[i - 1];
    const wide =
      col?.kind === 'reference' || col?.kind === 'region' || col?.kind === 'ragged' || col?.kind === 'array';
    // Ids as wide as the largest row number; decimals as wide as a float64 time of hours with its fraction.
    const values = !col
      ? String(info.rowCount - 1).length * 9 + 24
      : col.kind === 'scalar' && /float|f[248]$/.test(col.dtype)
        ? 120
        : 70;
    return Math.min(wide ? 320 : 260, Math.max(wide ? 200 : values, c.length * 9 + 24));
  });
  // The row-actions column (units: Raster, PSTH) keeps its width; the data columns are fitted.
  const actionColumn = actionWidth ? [actionWidth] : [];
  let template = [...widths, ...actionColumn].map(w => `${w}px`).join(' ');
  let order: Order = null;
  const sortHeads: HTMLElement[] = [];
  cols.forEach((name, i) => {
    const col = info.columns[i - 1];
    const cell = h('div', {
      class: 'grid-cell',
      role: 'columnheader',
      'aria-colindex': i + 1,
      title: col?.description ?? 'row id',
      text: name,
    });
    if (col && col.kind !== 'scalar')
      cell.appendChild(
        h('span', {
          class: 'badge',
          text: col.kind === 'region' ? `→ ${col.target?.split('/').pop() ?? 'rows'}` : col.kind,
        }),
      );
    // Columns of one value per row sort on a click (ids too).
    if (!col || col.kind === 'scalar') {
      cell.classList.add('sortable');
      cell.tabIndex = 0;
      cell.setAttribute('aria-sort', 'none');
      const sort = (): void => {
        order = { column: name, descending: order?.column === name && !order.descending };
        for (const other of sortHeads) other.setAttribute('aria-sort', 'none');
        cell.setAttribute('aria-sort', order.descending ? 'descending' : 'ascending');
        void resort();
      };
      cell.addEventListener('click', sort);
      cell.addEventListener('keydown', e => {
        if (e.key !== 'Enter' && e.key !== ' ') return;
        e.preventDefault();
        sort();
      });
      sortHeads.push(cell);
    }
    head.appendChild(cell);
  });
  if (actionWidth)
    head.appendChild(
      h('div', { class: 'grid-cell', role: 'columnheader', 'aria-colindex': cols.length + 1, text: 'show' }),
    );
  head.style.gridTemplateColumns = template;
  const body = h('div', { class: 'grid-body' });
  grid.append(head, body);
  parent.appendChild(grid);
  ctx.exports = {
    csv: () => ({ what: 'table', path: tablePath, start: 0, count: info.rowCount, save: true }),
  };
  if (info.rowCount === 0) {
    body.appendChild(message('empty', 'The table has no rows.'));
    return;
  }

  const goToInput = h('input', {
    type: 'number',
    class: 'grid-goto-row',
    min: 0,
    max: info.rowCount - 1,
    step: 1,
    placeholder: `0–${info.rowCount - 1}`,
    'aria-label': 'Row to show',
  });
  const goTo = h(
    'form',
    { class: 'grid-goto', role: 'search', 'aria-label': 'Go to row' },
    h('label', { text: 'Go to row' }),
    goToInput,
    h('button', { type: 'submit', class: 'btn', text: 'Go' }),
  );
  grid.before(goTo);
  let rows = new RowSource(ctx, tablePath, order);
  const resort = async (): Promise<void> => {
    rows = new RowSource(ctx, tablePath, order);
    await ctx.track(rows.load(0)).catch(() => undefined);
    moveTo(0);
  };
  // The true position in the list (px); the native scrollTop stands for it (see rowWindow.ts).
  let top = 0;
  let ownScrollTop: number | null = null;
  const space = () =>
    scrollSpace(
      info.rowCount,
      ROW_HEIGHT,
      Math.max(ROW_HEIGHT, (grid.clientHeight || 400) - head.offsetHeight),
    );
  const moveTo = (virtualTop: number): void => {
    const s = space();
    top = Math.min(maxVirtualTop(s), Math.max(0, virtualTop));
    grid.scrollTop = scrollTopFor(s, top);
    // A scroll event for the position we set keeps `top` exact (the browser rounds scrollTop).
    ownScrollTop = grid.scrollTop;
    void schedule();
  };

  let frame = 0;
  let drawn: (() => void)[] = [];
  /** Redraws at the next frame; resolves once drawn. */
  const schedule = (): Promise<void> => {
    if (!frame) frame = requestAnimationFrame(() => ((frame = 0), render()));
    return new Promise(resolve => drawn.push(resolve));
  };
  const render = (): void => {
    const done = drawn;
    drawn = [];
    const s = space();
    body.style.height = `${s.height}px`;
    const w = rowWindow({
      scrollTop: top,
      viewportHeight: s.viewportHeight,
      rowHeight: ROW_HEIGHT,
      rowCount: info.rowCount,
    });
    // Rows sit where the scroller shows them: the native offset plus their distance from `top`.
    const offset = grid.scrollTop - top;
    body.replaceChildren();
    rows.want(w.first, w.end, schedule);
    for (let r = w.first; r < w.end; r++) {
      const row = h('div', { class: 'grid-row', role: 'row', 'aria-rowindex': r + 2 });
      row.style.top = `${offset + r * ROW_HEIGHT}px`;
      row.style.gridTemplateColumns = template;
      const cells = rows.row(r);
      if (typeof cells === 'string') {
        row.appendChild(h('div', { class: 'grid-cell muted', role: 'gridcell', text: cells }));
      } else {
        row.appendChild(
          h('div', { class: 'grid-cell num', role: 'gridcell', 'aria-colindex': 1, text: String(cells.id) }),
        );
        info.columns.forEach((col, c) => {
          const at = cells.columns.indexOf(col.name);
          const value: H5Value = at >= 0 ? (cells.values[at] ?? null) : null;
          row.appendChild(cellFor(ctx, col, value, c + 2));
        });
        if (rowActions.length > 0) row.appendChild(actionsCell(rowActions, cells, cols.length + 1));
      }
      body.appendChild(row);
    }
    if (!fitted && body.querySelector('.grid-row > .grid-cell[aria-colindex]')) {
      fitted = true;
      const fit = fitWidths(widths, head, body, grid.clientWidth - actionWidth);
      if (fit) {
        template = [...fit, ...actionColumn].map(w => `${w}px`).join(' ');
        head.style.gridTemplateColumns = template;
        for (const row of body.children) (row as HTMLElement).style.gridTemplateColumns = template;
      }
    }
    for (const resolve of done) resolve();
  };
  // Columns are fitted to the first rows drawn, once (later rows never make them jump).
  let fitted = false;
  grid.addEventListener('scroll', () => {
    if (ownScrollTop === null || Math.abs(grid.scrollTop - ownScrollTop) >= 1)
      top = virtualTopFor(space(), grid.scrollTop);
    ownScrollTop = null;
    void schedule();
  });
  // Scaled, a wheel notch would skip hundreds of rows: move by its true distance instead.
  grid.addEventListener(
    'wheel',
    e => {
      if (!isScaled(space()) || e.ctrlKey || Math.abs(e.deltaY) <= Math.abs(e.deltaX)) return;
      e.preventDefault();
      const unit =
        e.deltaMode === WheelEvent.DOM_DELTA_LINE
          ? ROW_HEIGHT
          : e.deltaMode === WheelEvent.DOM_DELTA_PAGE
            ? space().viewportHeight
            : 1;
      moveTo(top + e.deltaY * unit);
    },
    { passive: false },
  );
  grid.addEventListener('keydown', e => {
    if (e.target !== grid || !isNavigationKey(e.key)) return;
    e.preventDefault();
    moveTo(navigate(space(), top, e.key));
  });
  goToInput.addEventListener('input', () => goToInput.setCustomValidity(''));
  goTo.addEventListener('submit', e => {
    e.preventDefault();
    if (goToInput.value.trim() === '') return;
    const index = Number(goToInput.value);
    if (!Number.isInteger(index) || index < 0 || index >= info.rowCount) {
      goToInput.setCustomValidity(`a row from 0 to ${info.rowCount - 1}`);
      goToInput.reportValidity();
      return;
    }
    moveTo(rowTop(space(), index));
    grid.focus();
  });
  ctx.observeResize(grid, () => moveTo(top));
  ctx.onDispose(() => cancelAnimationFrame(frame));
  await rows.load(0);
  render();
}

/** Rows fetched from the host in pages, kept for the pages near the view; loads wait for scrolling to pause. */
class RowSource {
  private readonly _pages = new Map<number, TableRows>();
  private readonly _requested = new Set<number>();
  private readonly _failed = new Map<number, string>();
  private _timer = 0;
  private _waiting: (() => void) | null = null;

  constructor(
    private readonly _ctx: ViewContext,
    private readonly _path: string,
    private readonly _order: Order,
  ) {
    _ctx.signal.addEventListener('abort', () => {
      window.clearTimeout(this._timer);
      this._settle();
    });
  }

  load(page: number): Promise<void> {
    this._requested.add(page);
    const order = this._order ? { order: this._order } : {};
    return this._ctx
      .request('table/rows', { path: this._path, start: page * PAGE, count: PAGE, ...order })
      .then(
        rows => void this._pages.set(page, rows),
        e => {
          if (isCancelled(e)) throw e;
          this._failed.set(page, errorText(e));
        },
      );
  }

  /**
   * Asks for the pages of rows [first, end) once scrolling pauses; `redraw` resolves when the rows
   * are drawn. The view reads `loading` from the first call of a burst until then.
   */
  want(first: number, end: number, redraw: () => Promise<void>): void {
    this._evict(Math.floor(first / PAGE));
    window.clearTimeout(this._timer);
    if (missingPages(first, end, PAGE, this._requested).length === 0) return this._settle();
    if (!this._waiting) {
      const placeholder = new Promise<void>(resolve => (this._waiting = resolve));
      void this._ctx.track(placeholder);
    }
    this._timer = window.setTimeout(() => {
      const loads = missingPages(first, end, PAGE, this._requested).map(p => this.load(p));
      // Tracked before the placeholder settles, so the state never reads `ready` in between.
      void this._ctx.track(Promise.all(loads).then(redraw)).catch(() => undefined);
      this._settle();
    }, LOAD_DELAY_MS);
  }

  private _settle(): void {
    this._waiting?.();
    this._waiting = null;
  }

  /** Row `r`'s id, table row index and cells, or the text to show while it loads or after it failed. */
  row(r: number): ShownRow | string {
    const p = Math.floor(r / PAGE);
    const page = this._pages.get(p);
    if (!page) return this._failed.has(p) ? `error: ${this._failed.get(p)}` : 'loading…';
    const i = r - page.start;
    return {
      id: page.ids[i] ?? r,
      index: page.rowIndices?.[i] ?? r,
      columns: page.columns,
      values: page.rows[i] ?? [],
    };
  }

  /** Forgets pages far from `near` so scrolling through millions of rows keeps memory flat. */
  private _evict(near: number): void {
    if (this._pages.size + this._failed.size <= KEPT_PAGES) return;
    for (const p of [...this._requested]) {
      if (Math.abs(p - near) > KEPT_PAGES / 2 && (this._pages.has(p) || this._failed.has(p))) {
        this._pages.delete(p);
        this._failed.delete(p);
        this._requested.delete(p);
      }
    }
  }
}

function tableHeader(info: TableInfo): HTMLElement {
  return h(
    'div',
    { class: 'view-header' },
    h('h2', { text: info.path.split('/').pop() ?? info.path }),
    h('p', {
      class: 'muted',
      text: `${info.neurodataType ?? 'table'} · ${info.rowCount.toLocaleString('en-US')} rows · ${info.columns.length} columns`,
    }),
    info.description ? h('p', { class: 'description', text: info.description }) : null,
  );
}

function cellFor(
  ctx: ViewContext,
  { kind, target, dtype }: ColumnInfo,
  value: H5Value,
  colIndex: number,
): HTMLElement {
  const cell = h('div', { class: 'grid-cell', role: 'gridcell', 'aria-colindex': colIndex });
  if (/float|f[248]$/.test(dtype)) value = floatNulls(value);
  const text = typeof value === 'number' ? storedNumberText(value, dtype) : valueText(value, 12);
  cell.title = ellipsize(text, 2000);
  if (kind === 'region' && target) {
    const b = h('button', {
      type: 'button',
      class: 'btn link',
      'aria-label': `Open ${target} rows ${text}`,
      text: ellipsize(text, 60),
    });
    b.addEventListener('click', () => ctx.navigate(target));
    cell.appendChild(b);
  } else if (firstRef(value)) {
    const ref = firstRef(value) ?? '';
    const b = h('button', {
      type: 'button',
      class: 'btn link',
      'aria-label': `Open ${ref}`,
      text: ellipsize(text, 60),
    });
    b.addEventListener('click', () => ctx.navigate(ref));
    cell.appendChild(b);
  } else {
    cell.textContent = ellipsize(text, 80);
    if (typeof value === 'number') cell.classList.add('num');
  }
  return cell;
}

/** The width a cell's content takes (not the cell's own width), with its padding and border. */
function contentWidth(cell: Element): number {
  const range = document.createRange();
  range.selectNodeContents(cell);
  return Math.ceil(range.getBoundingClientRect().width) + 14;
}

/**
 * Column widths fitted to the first rows drawn: each column's need is its widest drawn cell
 * (header included, at most 600 px). Columns wider than they need give the room back (keeping
 * some slack for later rows); the room the pane has then goes to columns whose cells are cut, in
 * proportion to what they lack. Null when nothing changes.
 */
function fitWidths(
  widths: number[],
  head: HTMLElement,
  body: HTMLElement,
  paneWidth: number,
): number[] | null {
  const need = widths.map(() => 0);
  const measure = (row: Element): void => {
    Array.from(row.children).forEach((cell, c) => {
      if (c < need.length) need[c] = Math.max(need[c], Math.min(600, contentWidth(cell)));
    });
  };
  measure(head);
  for (const row of body.children) measure(row);
  const fitted = widths.map((w, c) => Math.min(w, Math.max(56, need[c] + 16)));
  const lack = fitted.map((w, c) => Math.max(0, need[c] - w));
  const totalLack = lack.reduce((a, b) => a + b, 0);
  const room = Math.max(0, paneWidth - fitted.reduce((a, b) => a + b, 0) - 2);
  const share = totalLack > 0 ? Math.min(1, room / totalLack) : 0;
  const out = fitted.map((w, c) => Math.floor(w + lack[c] * share));
  return out.every((w, c) => w === widths[c]) ? null : out;
}
