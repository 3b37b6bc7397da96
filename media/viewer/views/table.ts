/**
 * DynamicTable: a virtualized grid (ARIA grid roles) that loads rows in pages as you scroll.
 * Ragged columns show their items, DynamicTableRegion cells link to the rows of the target table,
 * and object references show their paths as links.
 */
import type { H5Value } from '../../../src/shared/protocolTypes';
import type { TableInfo, TableRows } from '../../../src/shared/protocol';
import { errorText, isCancelled } from '../api';
import { h, message } from '../dom';
import { ellipsize } from '../format';
import { missingPages, rowWindow } from '../rowWindow';
import { firstRef, valueText } from '../values';
import type { ViewContext } from './context';

const ROW_HEIGHT = 24;
const PAGE = 200;

export async function renderTable(ctx: ViewContext, parent: HTMLElement = ctx.root, tablePath = ctx.path): Promise<void> {
  const info = await ctx.request('table/info', { path: tablePath });
  parent.appendChild(tableHeader(info));
  const grid = h('div', { class: 'grid-scroll', role: 'grid', 'aria-label': `Table ${tablePath}`, 'aria-rowcount': info.rowCount + 1, 'aria-colcount': info.columns.length + 1, tabindex: 0 });
  const head = h('div', { class: 'grid-row grid-head', role: 'row', 'aria-rowindex': 1 });
  const cols = ['id', ...info.columns.map(c => c.name)];
  const widths = cols.map((c, i) => {
    const kind = info.columns[i - 1]?.kind;
    const wide = kind === 'reference' || kind === 'region' || kind === 'ragged' || kind === 'array';
    return Math.min(wide ? 320 : 260, Math.max(wide ? 200 : 70, c.length * 9 + 24));
  });
  const template = widths.map(w => `${w}px`).join(' ');
  cols.forEach((name, i) => {
    const col = info.columns[i - 1];
    const cell = h('div', { class: 'grid-cell', role: 'columnheader', 'aria-colindex': i + 1, title: col?.description ?? 'row id', text: name });
    if (col && col.kind !== 'scalar') cell.appendChild(h('span', { class: 'badge', text: col.kind === 'region' ? `→ ${col.target?.split('/').pop() ?? 'rows'}` : col.kind }));
    head.appendChild(cell);
  });
  head.style.gridTemplateColumns = template;
  const body = h('div', { class: 'grid-body' });
  grid.append(head, body);
  parent.appendChild(grid);
  ctx.exports = { csv: () => ({ what: 'table', path: tablePath, start: 0, count: info.rowCount, save: true }) };
  if (info.rowCount === 0) {
    body.appendChild(message('empty', 'The table has no rows.'));
    return;
  }

  const pages = new Map<number, TableRows>();
  const requested = new Set<number>();
  const failed = new Map<number, string>();
  const loadPage = async (p: number): Promise<void> => {
    requested.add(p);
    try {
      pages.set(p, await ctx.request('table/rows', { path: tablePath, start: p * PAGE, count: PAGE }));
    } catch (e) {
      if (isCancelled(e)) throw e;
      failed.set(p, errorText(e));
    }
    schedule();
  };

  let frame = 0;
  const schedule = (): void => {
    if (!frame) frame = requestAnimationFrame(() => ((frame = 0), render()));
  };
  const render = (): void => {
    const w = rowWindow({ scrollTop: grid.scrollTop, viewportHeight: grid.clientHeight || 400, rowHeight: ROW_HEIGHT, rowCount: info.rowCount });
    body.style.height = `${info.rowCount * ROW_HEIGHT}px`;
    body.replaceChildren();
    for (const p of missingPages(w.first, w.end, PAGE, requested)) void ctx.track(loadPage(p)).catch(() => undefined);
    for (let r = w.first; r < w.end; r++) {
      const p = Math.floor(r / PAGE);
      const page = pages.get(p);
      const row = h('div', { class: 'grid-row', role: 'row', 'aria-rowindex': r + 2 });
      row.style.top = `${r * ROW_HEIGHT}px`;
      row.style.gridTemplateColumns = template;
      if (!page) {
        row.appendChild(h('div', { class: 'grid-cell muted', role: 'gridcell', text: failed.has(p) ? `error: ${failed.get(p)}` : 'loading…' }));
      } else {
        const i = r - page.start;
        row.appendChild(h('div', { class: 'grid-cell num', role: 'gridcell', 'aria-colindex': 1, text: String(page.ids[i] ?? r) }));
        info.columns.forEach((col, c) => {
          const at = page.columns.indexOf(col.name);
          const value: H5Value = at >= 0 ? (page.rows[i]?.[at] ?? null) : null;
          row.appendChild(cellFor(ctx, col.kind, col.target, value, c + 2));
        });
      }
      body.appendChild(row);
    }
  };
  grid.addEventListener('scroll', schedule);
  ctx.observeResize(grid, schedule);
  ctx.onDispose(() => cancelAnimationFrame(frame));
  await loadPage(0);
  render();
}

function tableHeader(info: TableInfo): HTMLElement {
  return h(
    'div',
    { class: 'view-header' },
    h('h2', { text: info.path.split('/').pop() ?? info.path }),
    h('p', { class: 'muted', text: `${info.neurodataType ?? 'table'} · ${info.rowCount} rows · ${info.columns.length} columns` }),
    info.description ? h('p', { class: 'description', text: info.description }) : null,
  );
}

function cellFor(ctx: ViewContext, kind: string, target: string | undefined, value: H5Value, colIndex: number): HTMLElement {
  const cell = h('div', { class: 'grid-cell', role: 'gridcell', 'aria-colindex': colIndex });
  const text = valueText(value, 12);
  cell.title = ellipsize(text, 2000);
  if (kind === 'region' && target) {
    const b = h('button', { type: 'button', class: 'btn link', 'aria-label': `Open ${target} rows ${text}`, text: ellipsize(text, 60) });
    b.addEventListener('click', () => ctx.navigate(target));
    cell.appendChild(b);
  } else if (firstRef(value)) {
    const ref = firstRef(value) ?? '';
    const b = h('button', { type: 'button', class: 'btn link', 'aria-label': `Open ${ref}`, text: ellipsize(text, 60) });
    b.addEventListener('click', () => ctx.navigate(ref));
    cell.appendChild(b);
  } else {
    cell.textContent = ellipsize(text, 80);
    if (typeof value === 'number') cell.classList.add('num');
  }
  return cell;
}
