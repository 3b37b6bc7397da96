/**
 * The visible time window of plots: zoom, pan and clamping, and helpers that turn the host's
 * min/max-per-pixel-column answers into drawable series (pure, no DOM).
 */

/** A closed interval on the data's own axis (seconds for TimeSeries, sample index otherwise). */
export interface Window {
  start: number;
  end: number;
}

/** Smallest window width, relative to the full extent, so zooming cannot collapse to nothing. */
const MIN_FRACTION = 1e-9;

/** Keeps `w` inside `full` without changing its width when possible. */
export function clampWindow(w: Window, full: Window): Window {
  const fullWidth = full.end - full.start;
  let width = Math.min(Math.max(w.end - w.start, fullWidth * MIN_FRACTION), fullWidth);
  if (!(width > 0)) width = fullWidth;
  let start = Math.max(full.start, Math.min(w.start, full.end - width));
  if (!Number.isFinite(start)) start = full.start;
  return { start, end: start + width };
}

/**
 * Zooms by `factor` (< 1 zooms in, > 1 out) around `anchor` (a fraction 0..1 of the window's
 * width that stays fixed on screen, e.g. the mouse position).
 */
export function zoomWindow(w: Window, full: Window, factor: number, anchor = 0.5): Window {
  const width = w.end - w.start;
  const pivot = w.start + width * anchor;
  const newWidth = width * factor;
  return clampWindow({ start: pivot - newWidth * anchor, end: pivot - newWidth * anchor + newWidth }, full);
}

/** Moves by `fraction` of the window's width (positive: later in time). */
export function panWindow(w: Window, full: Window, fraction: number): Window {
  const shift = (w.end - w.start) * fraction;
  return clampWindow({ start: w.start + shift, end: w.end + shift }, full);
}

/**
 * The window a plot key leads to (`+`/`=` zoom in, `-` out, arrows pan a quarter, `0`/Home show
 * everything), or undefined for other keys.
 */
export function windowForKey(key: string, w: Window, full: Window): Window | undefined {
  switch (key) {
    case '+':
    case '=':
      return zoomWindow(w, full, 0.5);
    case '-':
      return zoomWindow(w, full, 2);
    case 'ArrowLeft':
      return panWindow(w, full, -0.25);
    case 'ArrowRight':
      return panWindow(w, full, 0.25);
    case '0':
    case 'Home':
      return full;
    default:
      return undefined;
  }
}

/** Whether two windows are equal up to a tiny relative tolerance (avoids redundant requests). */
export function sameWindow(a: Window, b: Window): boolean {
  const tol = Math.max(Math.abs(a.end - a.start), Math.abs(b.end - b.start)) * 1e-9;
  return Math.abs(a.start - b.start) <= tol && Math.abs(a.end - b.end) <= tol;
}

/** Number of columns to request for a plot `cssWidth` CSS pixels wide on a `dpr` screen. */
export function columnsForWidth(cssWidth: number, dpr: number, max = 4096): number {
  return Math.max(16, Math.min(max, Math.round(cssWidth * Math.max(1, dpr))));
}

/** One channel as the plot draws it: a centre line and, when decimated, a min/max band. */
export interface DrawableChannel {
  x: number[];
  mid: (number | null)[];
  /** Present when at least one column holds more than one sample. */
  band?: { min: (number | null)[]; max: (number | null)[] };
}

/**
 * Turns per-column min/max (NaN = no sample in that column) into drawable arrays. When every
 * column's min equals its max the data were not decimated and no band is drawn.
 */
export function drawableFromMinMax(
  x: ArrayLike<number>,
  min: ArrayLike<number>,
  max: ArrayLike<number>,
): DrawableChannel {
  const n = Math.min(x.length, min.length, max.length);
  const xs: number[] = new Array(n);
  const mid: (number | null)[] = new Array(n);
  const lo: (number | null)[] = new Array(n);
  const hi: (number | null)[] = new Array(n);
  let decimated = false;
  for (let i = 0; i < n; i++) {
    xs[i] = x[i];
    const a = min[i];
    const b = max[i];
    const ok = Number.isFinite(a) && Number.isFinite(b);
    lo[i] = ok ? a : null;
    hi[i] = ok ? b : null;
    mid[i] = ok ? (a + b) / 2 : null;
    if (ok && a !== b) decimated = true;
  }
  return decimated ? { x: xs, mid, band: { min: lo, max: hi } } : { x: xs, mid };
}

/**
 * Vertical offsets for stacked traces: channel i is drawn at value + offsets[i], spaced by the
 * largest peak-to-peak range (robust: ignores non-finite ranges) times `gap`.
 */
export function stackOffsets(
  ranges: readonly { min: number; max: number }[],
  gap = 1.1,
): { offsets: number[]; spacing: number } {
  let spacing = 0;
  for (const r of ranges) {
    const span = r.max - r.min;
    if (Number.isFinite(span) && span > spacing) spacing = span;
  }
  if (!(spacing > 0)) spacing = 1;
  spacing *= gap;
  // Channel 0 at the top, like ephys viewers.
  const offsets = ranges.map((r, i) => {
    const centre = Number.isFinite(r.min + r.max) ? (r.min + r.max) / 2 : 0;
    return (ranges.length - 1 - i) * spacing - centre;
  });
  return { offsets, spacing };
}

/** Page arithmetic for channels/units: clamps the first index and returns the shown range. */
export function pageRange(first: number, pageSize: number, total: number): { first: number; count: number } {
  const size = Math.max(1, pageSize);
  const f = Math.max(0, Math.min(first, Math.max(0, total - size)));
  return { first: f, count: Math.min(size, total - f) };
}
