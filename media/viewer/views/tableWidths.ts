/**
 * The table's column widths: first guessed from each column's kind and dtype (before any row is
 * loaded), then fitted once to the cells of the first rows drawn. Pure layout, apart from table.ts
 * which applies the widths as the grid's column template.
 */
import type { TableInfo } from '../../../src/shared/protocol';

/** Widths (px) for the id column and each data column, before any row is drawn. */
export function columnWidths(info: TableInfo, cols: readonly string[]): number[] {
  return cols.map((c, i) => {
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
}

/** A CSS `grid-template-columns` of these widths. */
export function gridTemplate(widths: readonly number[]): string {
  return widths.map(w => `${w}px`).join(' ');
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
export function fitWidths(
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
