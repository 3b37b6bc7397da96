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
export function missingPages(
  first: number,
  end: number,
  pageSize: number,
  have: ReadonlySet<number>,
): number[] {
  const out: number[] = [];
  if (end <= first) return out;
  for (let p = Math.floor(first / pageSize); p <= Math.floor((end - 1) / pageSize); p++)
    if (!have.has(p)) out.push(p);
  return out;
}

/** The scrollTop that brings row `index` into view (unchanged when it already is). */
export function scrollToRow(
  index: number,
  scrollTop: number,
  viewportHeight: number,
  rowHeight: number,
): number {
  const top = index * rowHeight;
  if (top < scrollTop) return top;
  if (top + rowHeight > scrollTop + viewportHeight) return top + rowHeight - viewportHeight;
  return scrollTop;
}

/**
 * Chromium caps an element's height near 33.5 M px (Firefox near 17.9 M), so a list of 5 M rows
 * of 24 px cannot have its true height. Past this height the native scroll range is a scaled
 * stand-in for the list (hexeditor's virtualScrollContainer solves the same limit with a scrollbar
 * of its own); `virtualTop` is the true position in the list.
 */
export const MAX_SCROLL_HEIGHT = 8_000_000;

/** The native scroll range of a list and the list it stands for. */
export interface ScrollSpace {
  /** Height of the native spacer: the list's true height, capped. */
  height: number;
  /** The list's true height (rows × row height). */
  listHeight: number;
  /** Height the rows are seen through (the scroller's client height less sticky headers). */
  viewportHeight: number;
  rowHeight: number;
  rowCount: number;
}

export function scrollSpace(
  rowCount: number,
  rowHeight: number,
  viewportHeight: number,
  cap = MAX_SCROLL_HEIGHT,
): ScrollSpace {
  const listHeight = Math.max(0, rowCount) * rowHeight;
  // The cap must leave a scroll range even for a tall viewport.
  const height = Math.min(listHeight, Math.max(cap, viewportHeight * 2));
  return {
    height,
    listHeight,
    viewportHeight: Math.max(0, viewportHeight),
    rowHeight,
    rowCount: Math.max(0, rowCount),
  };
}

/** Whether the native range is a scaled stand-in (the list is taller than the cap). */
export const isScaled = (space: ScrollSpace): boolean => space.height < space.listHeight;

/** The largest true position: the last row at the bottom of the viewport. */
export const maxVirtualTop = (space: ScrollSpace): number =>
  Math.max(0, space.listHeight - space.viewportHeight);

const maxScrollTop = (space: ScrollSpace): number => Math.max(0, space.height - space.viewportHeight);

const clamp = (v: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, v));

/**
 * The true position for a native scrollTop, proportional in between and exact at both ends: a
 * scrollbar dragged to the bottom (which may stop a fraction of a pixel short) shows the last row.
 */
export function virtualTopFor(space: ScrollSpace, scrollTop: number): number {
  const maxNative = maxScrollTop(space);
  const maxVirtual = maxVirtualTop(space);
  if (!isScaled(space)) return clamp(scrollTop, 0, maxVirtual);
  if (maxNative <= 0 || scrollTop <= 0) return 0;
  if (scrollTop >= maxNative - 1) return maxVirtual;
  return clamp(Math.round((scrollTop / maxNative) * maxVirtual), 0, maxVirtual);
}

/** The native scrollTop that stands for a true position (the inverse of {@link virtualTopFor}). */
export function scrollTopFor(space: ScrollSpace, virtualTop: number): number {
  const maxVirtual = maxVirtualTop(space);
  const top = clamp(virtualTop, 0, maxVirtual);
  if (!isScaled(space)) return top;
  if (top >= maxVirtual) return maxScrollTop(space);
  return maxVirtual > 0 ? (top / maxVirtual) * maxScrollTop(space) : 0;
}

/** Keys that move through the list by rows rather than by (scaled) pixels. */
export type NavigationKey = 'ArrowDown' | 'ArrowUp' | 'PageDown' | 'PageUp' | 'Home' | 'End';

export const isNavigationKey = (key: string): key is NavigationKey =>
  key === 'ArrowDown' ||
  key === 'ArrowUp' ||
  key === 'PageDown' ||
  key === 'PageUp' ||
  key === 'Home' ||
  key === 'End';

/** The true position after a navigation key: whole rows, a page of whole rows, or an end; aligned to a row. */
export function navigate(space: ScrollSpace, virtualTop: number, key: NavigationKey): number {
  const rh = space.rowHeight;
  const page = Math.max(1, Math.floor(space.viewportHeight / rh));
  // The row at the top, counting a row cut by more than half as the next one.
  const first = Math.round(virtualTop / rh);
  const row =
    key === 'ArrowDown'
      ? first + 1
      : key === 'ArrowUp'
        ? first - 1
        : key === 'PageDown'
          ? first + page
          : key === 'PageUp'
            ? first - page
            : key === 'Home'
              ? 0
              : space.rowCount;
  return clamp(row * rh, 0, maxVirtualTop(space));
}

/** The true position that shows row `index` at the top (or the end of the list, for the last rows). */
export function rowTop(space: ScrollSpace, index: number): number {
  return clamp(Math.floor(index) * space.rowHeight, 0, maxVirtualTop(space));
}
