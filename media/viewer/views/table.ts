/**
 * DynamicTable: a virtualized grid (ARIA grid roles) that loads rows in pages as you scroll.
 * Ragged columns show their items, DynamicTableRegion cells link to the rows of the target table,
 * and object references show their paths as links. This module draws the grid and handles
 * scrolling, sorting and go-to-row; the rows come from tableRowSource.ts, the cells' content from
 * tableCells.ts and the column widths from tableWidths.ts.
 */
import type { H5Value } from '../../../src/shared/protocolTypes';
import { h, message } from '../dom';
import {
  isNavigationKey,
  isScaled,
  maxVirtualTop,
  navigate,
  rowTop,
  rowWindow,
  scrollSpace,
  scrollTopFor,
  virtualTopFor,
} from '../rowWindow';
import type { ViewContext } from './context';
import { actionsCell, type RowAction } from './tableActions';
import { cellFor, tableHeader } from './tableCells';
import { RowSource, type Order } from './tableRowSource';
import { columnWidths, fitWidths, gridTemplate } from './tableWidths';

const ROW_HEIGHT = 24;

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
  const widths = columnWidths(info, cols);
  // The row-actions column (units: Raster, PSTH) keeps its width; the data columns are fitted.
  const actionColumn = actionWidth ? [actionWidth] : [];
  let template = gridTemplate([...widths, ...actionColumn]);
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
        template = gridTemplate([...fit, ...actionColumn]);
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
