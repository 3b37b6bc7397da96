/**
 * What the table shows as text: the view's header (name, type, row and column counts) and the
 * content of one data cell, formatted by dtype, with region and object-reference cells as links.
 */
import type { H5Value } from '../../../src/shared/protocolTypes';
import type { ColumnInfo, TableInfo } from '../../../src/shared/protocol';
import { h } from '../dom';
import { ellipsize, storedNumberText } from '../format';
import { firstRef, floatNulls, valueText } from '../values';
import type { ViewContext } from './context';

export function tableHeader(info: TableInfo): HTMLElement {
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

export function cellFor(
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
