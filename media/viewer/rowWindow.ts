/** Windowing for virtualized lists and tables (pure, no DOM). */

export interface RowWindowInput {
  scrollTop: number;
  viewportHeight: number;
  rowHeight: number;
  rowCount: number;
  /** Extra rows rendered above and below the viewport. */
  overscan?: number;
}

export interface RowWindow {
  /** First rendered row (inclusive). */
  first: number;
  /** Last rendered row (exclusive). */
  end: number;
  /** Spacer heights that keep the scrollbar true to the full list. */
  padTop: number;
  padBottom: number;
}

/** Which rows to render for a scroll position. */
export function rowWindow(input: RowWindowInput): RowWindow {
  const { rowCount } = input;
  const rowHeight = Math.max(1, input.rowHeight);
  const overscan = input.overscan ?? 8;
  if (rowCount <= 0) return { first: 0, end: 0, padTop: 0, padBottom: 0 };
  const top = Math.max(0, input.scrollTop);
  const firstVisible = Math.min(rowCount - 1, Math.floor(top / rowHeight));
  const visibleCount = Math.ceil(Math.max(0, input.viewportHeight) / rowHeight) + 1;
  const first = Math.max(0, firstVisible - overscan);
  const end = Math.min(rowCount, firstVisible + visibleCount + overscan);
  return { first, end, padTop: first * rowHeight, padBottom: (rowCount - end) * rowHeight };
}

/** Pages (of `pageSize` rows) that cover [first, end) and are not loaded or loading yet. */
export function missingPages(first: number, end: number, pageSize: number, have: ReadonlySet<number>): number[] {
  const out: number[] = [];
  if (end <= first) return out;
  for (let p = Math.floor(first / pageSize); p <= Math.floor((end - 1) / pageSize); p++) if (!have.has(p)) out.push(p);
  return out;
}

/** The scrollTop that brings row `index` into view (unchanged when it already is). */
export function scrollToRow(index: number, scrollTop: number, viewportHeight: number, rowHeight: number): number {
  const top = index * rowHeight;
  if (top < scrollTop) return top;
  if (top + rowHeight > scrollTop + viewportHeight) return top + rowHeight - viewportHeight;
  return scrollTop;
}
