/**
 * A small canvas chart for what uPlot does not fit (spike rasters, interval lanes, XY
 * trajectories): hi-DPI canvas, theme colours, nice ticks, and optional zoom/pan of the x axis
 * (wheel, drag, keyboard) that reports the new window.
 */
import { hidpiCanvas, h, themeColor } from './dom';
import { formatNumber, formatSeconds, niceTicks } from './format';
import { clampWindow, panWindow, windowForKey, zoomWindow, type Window } from './timeWindow';

export interface Frame {
  ctx: CanvasRenderingContext2D;
  /** Plot rectangle inside the margins, CSS pixels. */
  left: number;
  top: number;
  width: number;
  height: number;
  x(v: number): number;
  y(v: number): number;
  fg: string;
  muted: string;
}

export interface CanvasChartOptions {
  label: string;
  height: number;
  xLabel: string;
  timeAxis: boolean;
  /** Left margin (room for row labels). */
  marginLeft?: number;
  full?: Window;
  onWindow?(w: Window): void;
}

export class CanvasChart {
  readonly element: HTMLElement;
  readonly canvas: HTMLCanvasElement;
  private readonly _resize: ResizeObserver;
  private _draw: ((f: Frame) => void) | null = null;
  private _x: Window = { start: 0, end: 1 };
  private _y: Window = { start: 0, end: 1 };
  private _yLabels: { value: number; text: string }[] | null = null;

  constructor(private readonly _o: CanvasChartOptions) {
    this.canvas = h('canvas', { class: 'chart-canvas', role: 'img', 'aria-label': _o.label, tabindex: 0 });
    this.element = h('div', { class: 'chart' }, this.canvas);
    this._resize = new ResizeObserver(() => this.redraw());
    this._resize.observe(this.element);
    if (_o.onWindow && _o.full) this._bind(_o.full, _o.onWindow);
  }

  get xWindow(): Window {
    return this._x;
  }

  /** Sets the axes and the drawing function, then draws. `yLabels` replaces numeric y ticks. */
  draw(x: Window, y: Window, fn: (f: Frame) => void, yLabels?: { value: number; text: string }[]): void {
    this._x = x;
    this._y = y;
    this._draw = fn;
    this._yLabels = yLabels ?? null;
    this.redraw();
  }

  redraw(): void {
    if (!this._draw) return;
    const cssWidth = Math.max(200, this.element.clientWidth || 700);
    const ctx = hidpiCanvas(this.canvas, cssWidth, this._o.height);
    const fg = themeColor('--vscode-editor-foreground', '#ccc');
    const muted = themeColor('--vscode-descriptionForeground', '#999');
    const left = this._o.marginLeft ?? 56;
    const top = 8;
    const width = cssWidth - left - 12;
    const height = this._o.height - top - 36;
    const xs = this._x;
    const ys = this._y;
    const x = (v: number): number => left + ((v - xs.start) / (xs.end - xs.start || 1)) * width;
    const y = (v: number): number => top + height - ((v - ys.start) / (ys.end - ys.start || 1)) * height;
    ctx.font = `11px ${themeColor('--vscode-font-family', 'sans-serif')}`;
    ctx.strokeStyle = muted;
    ctx.fillStyle = muted;
    ctx.lineWidth = 1;
    ctx.strokeRect(left + 0.5, top + 0.5, width, height);
    const span = xs.end - xs.start;
    ctx.textAlign = 'center';
    ctx.textBaseline = 'top';
    for (const t of niceTicks(xs.start, xs.end, Math.max(2, Math.floor(width / 90)))) {
      const px = Math.round(x(t)) + 0.5;
      ctx.beginPath();
      ctx.moveTo(px, top + height);
      ctx.lineTo(px, top + height + 4);
      ctx.stroke();
      ctx.fillText(this._o.timeAxis ? formatSeconds(t, span) : formatNumber(t), px, top + height + 6);
    }
    ctx.fillStyle = fg;
    ctx.fillText(this._o.xLabel, left + width / 2, top + height + 20);
    ctx.textAlign = 'right';
    ctx.textBaseline = 'middle';
    ctx.fillStyle = muted;
    const yTicks = this._yLabels ?? niceTicks(ys.start, ys.end, 5).map(v => ({ value: v, text: formatNumber(v) }));
    for (const t of yTicks) {
      const py = y(t.value);
      if (py < top - 1 || py > top + height + 1) continue;
      ctx.fillText(t.text, left - 4, py);
    }
    ctx.save();
    ctx.beginPath();
    ctx.rect(left, top, width, height);
    ctx.clip();
    this._draw({ ctx, left, top, width, height, x, y, fg, muted });
    ctx.restore();
  }

  destroy(): void {
    this._resize.disconnect();
  }

  private _bind(full: Window, onWindow: (w: Window) => void): void {
    const change = (w: Window): void => {
      this._x = clampWindow(w, full);
      this.redraw();
      onWindow(this._x);
    };
    this.canvas.addEventListener(
      'wheel',
      e => {
        e.preventDefault();
        const rect = this.canvas.getBoundingClientRect();
        const left = this._o.marginLeft ?? 56;
        const anchor = Math.max(0, Math.min(1, (e.clientX - rect.left - left) / Math.max(1, rect.width - left - 12)));
        change(zoomWindow(this._x, full, e.deltaY > 0 ? 1.25 : 0.8, anchor));
      },
      { passive: false },
    );
    let dragX: number | null = null;
    let start = this._x;
    this.canvas.addEventListener('pointerdown', e => {
      dragX = e.clientX;
      start = this._x;
      this.canvas.setPointerCapture(e.pointerId);
    });
    this.canvas.addEventListener('pointermove', e => {
      if (dragX === null) return;
      const width = Math.max(1, this.canvas.clientWidth - (this._o.marginLeft ?? 56) - 12);
      this._x = panWindow(start, full, (dragX - e.clientX) / width);
      this.redraw();
    });
    this.canvas.addEventListener('pointerup', e => {
      if (dragX !== null && Math.abs(e.clientX - dragX) > 2) onWindow(this._x);
      dragX = null;
    });
    this.canvas.addEventListener('keydown', e => {
      const next = windowForKey(e.key, this._x, full);
      if (!next) return;
      e.preventDefault();
      change(next);
    });
  }
}
