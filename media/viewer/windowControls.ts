/**
 * How the user moves a chart's x window: the zoom/pan toolbar buttons, and the wheel, drag and
 * keyboard bindings on the plot area. Apart from `Chart` (plot.ts), which holds the window and the
 * uPlot instance: this module only maps input to a new window (the window maths is timeWindow.ts).
 */
import { button } from './dom';
import { panWindow, windowForKey, zoomWindow, type Window } from './timeWindow';

/** The chart the controls read and move. */
export interface WindowHost {
  /** The extent the window stays within. */
  readonly full: Window;
  /** The window shown now. */
  current(): Window;
  /** uPlot's plotting area, or null before the first draw. */
  over(): HTMLElement | null;
  /** Shows `w` without telling the view (while a drag is in progress). */
  preview(w: Window): void;
  /** Shows `w` and tells the view, which fetches it. */
  change(w: Window): void;
  /** Tells the view about the window shown now (a drag ended). */
  settle(): void;
}

/** The toolbar's zoom in/out, pan left/right and reset buttons. */
export function zoomButtons(host: WindowHost): HTMLButtonElement[] {
  const { full } = host;
  return [
    button('Zoom in', () => host.change(zoomWindow(host.current(), full, 0.5)), { text: '+' }),
    button('Zoom out', () => host.change(zoomWindow(host.current(), full, 2)), { text: '−' }),
    button('Pan left', () => host.change(panWindow(host.current(), full, -0.25)), { text: '◀' }),
    button('Pan right', () => host.change(panWindow(host.current(), full, 0.25)), { text: '▶' }),
    button('Reset zoom', () => host.change(full), { text: 'Reset' }),
  ];
}

/** Wheel zooms around the mouse (or pans, sideways), dragging pans, keys +/-/arrows/0 zoom and pan. */
export function bindZoomPan(area: HTMLElement, host: WindowHost): void {
  const full = host.full;
  area.addEventListener(
    'wheel',
    e => {
      e.preventDefault();
      const over = (host.over() ?? area).getBoundingClientRect();
      const anchor = Math.max(0, Math.min(1, (e.clientX - over.left) / Math.max(1, over.width)));
      if (Math.abs(e.deltaX) > Math.abs(e.deltaY))
        host.change(panWindow(host.current(), full, e.deltaX / Math.max(1, over.width)));
      else host.change(zoomWindow(host.current(), full, e.deltaY > 0 ? 1.25 : 0.8, anchor));
    },
    { passive: false },
  );
  let dragX: number | null = null;
  let dragWindow = host.current();
  area.addEventListener('pointerdown', e => {
    if (e.button !== 0) return;
    dragX = e.clientX;
    dragWindow = host.current();
    area.setPointerCapture(e.pointerId);
  });
  area.addEventListener('pointermove', e => {
    if (dragX === null) return;
    const width = (host.over() ?? area).clientWidth;
    const fraction = (dragX - e.clientX) / Math.max(1, width);
    host.preview(panWindow(dragWindow, full, fraction));
  });
  const end = (e: PointerEvent): void => {
    if (dragX === null) return;
    const moved = Math.abs(e.clientX - dragX) > 2;
    dragX = null;
    if (moved) host.settle();
  };
  area.addEventListener('pointerup', end);
  area.addEventListener('pointercancel', end);
  area.addEventListener('keydown', e => {
    const next = windowForKey(e.key, host.current(), full);
    if (!next) return;
    e.preventDefault();
    host.change(next);
  });
}
