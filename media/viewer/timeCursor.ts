/**
 * The session clock on a time chart: draws the cursor (a vertical line) and the selection (a
 * shaded band) over the plot, sets them from the pointer (a click sets the cursor, a shift-drag
 * the selection, shift-click clears it; plain drags still pan and the wheel still zooms), and
 * re-centres the chart on a cursor set elsewhere that falls outside its window. One call per chart.
 */
import type uPlot from 'uplot';
import { withAlpha } from './colormaps';
import { themeColor } from './dom';
import type { Chart } from './plot';
import { sessionTime, spanOf, windowAround } from './sessionTime';
import type { Window } from './timeWindow';
import type { ViewContext } from './views/context';

/** A pointer moving less than this many pixels between press and release is a click. */
const CLICK_SLOP_PX = 3;

export interface TimeCursorOptions {
  /** The chart's whole time range (where a cursor from elsewhere can be shown). */
  full: Window;
  /** Re-centre on a cursor from elsewhere outside the window (default true). */
  follow?: boolean;
}

/** Hooks `chart` to the session clock for the life of `ctx`. */
export function bindTimeCursor(ctx: ViewContext, chart: Chart, o: TimeCursorOptions): void {
  const cursorColor = themeColor('--vscode-charts-red', '#f14c4c');
  const bandColor = withAlpha(themeColor('--vscode-charts-yellow', '#cca700'), 0.22);
  const publish = (): void => {
    const c = sessionTime.cursor;
    if (c === null) delete chart.element.dataset.cursor;
    else chart.element.dataset.cursor = String(c);
  };
  ctx.own(chart.addOverlay(u => paint(u, cursorColor, bandColor)));
  publish();
  ctx.own(
    sessionTime.subscribe(change => {
      publish();
      const c = sessionTime.cursor;
      if (change.origin === 'elsewhere' && change.what === 'cursor' && c !== null && o.follow !== false) {
        const next = windowAround(c, chart.window, o.full);
        if (next && next !== chart.window) return chart.showWindow(next);
      }
      chart.redraw();
    }),
  );

  const el = chart.element;
  let press: { x: number; t: number; shift: boolean } | null = null;
  ctx.listen(
    el,
    'pointerdown',
    (e: PointerEvent) => {
      if (e.button !== 0) return;
      const t = chart.xAt(e.clientX, e.clientY);
      if (t === null) return;
      press = { x: e.clientX, t, shift: e.shiftKey };
      if (!e.shiftKey) return; // the chart pans; a release in place is a click
      e.stopPropagation();
      el.setPointerCapture(e.pointerId);
    },
    { capture: true },
  );
  ctx.listen(
    el,
    'pointermove',
    (e: PointerEvent) => {
      if (!press?.shift) return;
      e.stopPropagation();
      const t = chart.xAt(e.clientX);
      if (t !== null) sessionTime.setSelection(spanOf(press.t, t), false);
    },
    { capture: true },
  );
  const release = (e: PointerEvent): void => {
    const p = press;
    press = null;
    if (!p) return;
    const still = Math.abs(e.clientX - p.x) <= CLICK_SLOP_PX;
    if (p.shift) {
      e.stopPropagation();
      const t = chart.xAt(e.clientX);
      sessionTime.setSelection(still || t === null ? null : spanOf(p.t, t));
    } else if (still && e.type === 'pointerup') sessionTime.setCursor(p.t);
  };
  ctx.listen(el, 'pointerup', release, { capture: true });
  ctx.listen(el, 'pointercancel', release, { capture: true });
}

/** The selection band, then the cursor line, clipped to the plotting area (canvas pixels). */
function paint(u: uPlot, cursorColor: string, bandColor: string): void {
  const { left, top, width, height } = u.bbox;
  const g = u.ctx;
  g.save();
  g.beginPath();
  g.rect(left, top, width, height);
  g.clip();
  const selection = sessionTime.selection;
  if (selection) {
    const x0 = u.valToPos(selection.start, 'x', true);
    const x1 = u.valToPos(selection.end, 'x', true);
    g.fillStyle = bandColor;
    g.fillRect(Math.min(x0, x1), top, Math.max(1, Math.abs(x1 - x0)), height);
  }
  const cursor = sessionTime.cursor;
  if (cursor !== null) {
    const x = Math.round(u.valToPos(cursor, 'x', true)) + 0.5;
    g.strokeStyle = cursorColor;
    g.lineWidth = Math.max(1, Math.round(1.5 * (window.devicePixelRatio || 1)));
    g.beginPath();
    g.moveTo(x, top);
    g.lineTo(x, top + height);
    g.stroke();
  }
  g.restore();
}

/**
 * Calls `show` with the session cursor now (when one is set) and whenever it moves, for views
 * that show one moment rather than a time axis (the pose at the cursor, the frame at the cursor).
 */
export function followSessionCursor(ctx: ViewContext, show: (time: number) => void): void {
  if (sessionTime.cursor !== null) show(sessionTime.cursor);
  ctx.own(
    sessionTime.subscribe(change => {
      if (change.what === 'cursor' && sessionTime.cursor !== null) show(sessionTime.cursor);
    }),
  );
}
