/**
 * A line plot on uPlot with our own zoom/pan (wheel around the mouse, drag to pan, keyboard
 * +/-/arrows/0, buttons), min/max bands for decimated data, theme colours, and an optional
 * categorical y axis (stacked traces labelled by channel).
 */
import uPlot from 'uplot';
import { withAlpha } from './colormaps';
import { button, h, themeColor } from './dom';
import { formatNumber, formatSeconds } from './format';
import { clampWindow, panWindow, windowForKey, zoomWindow, type DrawableChannel, type Window } from './timeWindow';

export interface PlotSeries {
  label: string;
  color: string;
}

export interface LinePlotOptions {
  parent: HTMLElement;
  /** Accessible name of the plot. */
  label: string;
  xLabel: string;
  yLabel: string;
  /** The x axis is time in seconds (formats ticks as time). */
  timeAxis: boolean;
  full: Window;
  window: Window;
  height?: number;
  /** Called (debounced by the caller) when the user changes the window. */
  onWindow?(w: Window): void;
  /** y ticks placed at these values with these labels (stacked channels). */
  yTicks?: { values: number[]; labels: string[] };
  /** Points instead of lines (rasters, scatter). */
  points?: boolean;
}

export class LinePlot {
  readonly element: HTMLElement;
  private _plot: uPlot | null = null;
  private _window: Window;
  private readonly _area: HTMLElement;
  private _resize: ResizeObserver;

  constructor(private readonly _o: LinePlotOptions) {
    this._window = _o.window;
    this._area = h('div', { class: 'plot-area', tabindex: 0, role: 'img', 'aria-label': `${_o.label}. Use plus and minus to zoom, arrow keys to pan, 0 to reset.` });
    const interactive = Boolean(_o.onWindow);
    const bar = h('div', { class: 'plot-toolbar', role: 'toolbar', 'aria-label': 'Zoom' });
    if (interactive) {
      bar.append(
        button('Zoom in', () => this._change(zoomWindow(this._window, _o.full, 0.5)), { text: '+' }),
        button('Zoom out', () => this._change(zoomWindow(this._window, _o.full, 2)), { text: '−' }),
        button('Pan left', () => this._change(panWindow(this._window, _o.full, -0.25)), { text: '◀' }),
        button('Pan right', () => this._change(panWindow(this._window, _o.full, 0.25)), { text: '▶' }),
        button('Reset zoom', () => this._change(_o.full), { text: 'Reset' }),
      );
    }
    this._windowText = h('span', { class: 'muted window-text' });
    bar.appendChild(this._windowText);
    this.element = h('div', { class: 'plot' }, bar, this._area);
    _o.parent.appendChild(this.element);
    if (interactive) this._bindInteraction();
    this._resize = new ResizeObserver(() => {
      if (this._plot) this._plot.setSize(this._size());
    });
    this._resize.observe(this._area);
    this._updateWindowText();
  }

  private readonly _windowText: HTMLElement;

  get window(): Window {
    return this._window;
  }

  /** Plot width in CSS pixels (for choosing how many columns to request). */
  get width(): number {
    return Math.max(100, this._area.clientWidth || this._o.parent.clientWidth || 800);
  }

  /** The canvas (axes included) for PNG export. */
  get canvas(): HTMLCanvasElement | null {
    return this._plot?.ctx.canvas ?? null;
  }

  /** Draws channels (all sharing `x`); bands are drawn where present. */
  setData(channels: readonly DrawableChannel[], series: readonly PlotSeries[], yTicks?: LinePlotOptions['yTicks'], height?: number): void {
    this._o.yTicks = yTicks;
    if (height) this._o.height = height;
    const x = channels[0]?.x ?? [];
    const data: (number | null)[][] = [x];
    const uSeries: uPlot.Series[] = [{}];
    const bands: uPlot.Band[] = [];
    channels.forEach((ch, i) => {
      const s = series[i] ?? { label: `ch ${i}`, color: themeColor('--vscode-charts-blue', '#3794ff') };
      if (ch.band) {
        const hi = data.length;
        data.push(ch.band.max, ch.band.min);
        uSeries.push({ label: `${s.label} max`, stroke: s.color, width: 0.5, points: { show: false } }, { label: `${s.label} min`, stroke: s.color, width: 0.5, points: { show: false } });
        bands.push({ series: [hi, hi + 1], fill: withAlpha(s.color, 0.45) });
      }
      data.push(ch.mid);
      uSeries.push({
        label: s.label,
        stroke: s.color,
        width: ch.band ? 0.75 : 1.25,
        spanGaps: false,
        ...(this._o.points ? { paths: () => null, points: { show: true, size: 4, fill: s.color, stroke: s.color } } : { points: { show: false } }),
      });
    });
    this._plot?.destroy();
    this._plot = new uPlot(this._options(uSeries, bands), data as uPlot.AlignedData, this._area);
  }

  setWindow(w: Window): void {
    this._window = clampWindow(w, this._o.full);
    this._plot?.setScale('x', { min: this._window.start, max: this._window.end });
    this._updateWindowText();
  }

  destroy(): void {
    this._resize.disconnect();
    this._plot?.destroy();
    this._plot = null;
  }

  private _size(): { width: number; height: number } {
    return { width: this.width, height: this._o.height ?? 360 };
  }

  private _options(series: uPlot.Series[], bands: uPlot.Band[]): uPlot.Options {
    const fg = themeColor('--vscode-editor-foreground', '#ccc');
    const grid = themeColor('--vscode-editorWidget-border', 'rgba(128,128,128,0.3)');
    const font = `11px ${themeColor('--vscode-font-family', 'sans-serif')}`;
    const axis = (label: string): uPlot.Axis => ({ label, stroke: fg, grid: { stroke: withAlpha(grid, 0.35), width: 1 }, ticks: { stroke: grid, width: 1 }, font, labelFont: font });
    const o = this._o;
    const yAxis = axis(o.yLabel);
    if (o.yTicks) {
      const ticks = o.yTicks;
      yAxis.splits = () => ticks.values;
      yAxis.values = () => ticks.labels;
      yAxis.size = 90;
    } else {
      yAxis.values = (_u, splits) => splits.map(v => formatNumber(v));
      yAxis.size = 60;
    }
    const xAxis = axis(o.xLabel);
    xAxis.values = (u, splits) => {
      const span = (u.scales.x.max ?? 1) - (u.scales.x.min ?? 0);
      return splits.map(v => (o.timeAxis ? formatSeconds(v, span) : formatNumber(v)));
    };
    return {
      ...this._size(),
      series,
      bands,
      // Band edges would crowd the legend; the caption and axis labels name the data instead.
      legend: { show: bands.length === 0 && series.length <= 24 },
      cursor: { drag: { x: false, y: false }, points: { show: false } },
      scales: {
        x: { time: false, auto: false, range: () => [this._window.start, this._window.end] },
        y: o.yTicks ? { auto: false, range: () => [Math.min(...(o.yTicks?.values ?? [0])) - spacingOf(o.yTicks?.values), Math.max(...(o.yTicks?.values ?? [1])) + spacingOf(o.yTicks?.values)] } : {},
      },
      axes: [xAxis, yAxis],
    };
  }

  private _change(w: Window): void {
    this.setWindow(w);
    this._o.onWindow?.(this._window);
  }

  private _updateWindowText(): void {
    const w = this._window;
    const span = w.end - w.start;
    this._windowText.textContent = this._o.timeAxis
      ? `${formatSeconds(w.start, span)} – ${formatSeconds(w.end, span)}`
      : `${formatNumber(w.start)} – ${formatNumber(w.end)}`;
  }

  private _bindInteraction(): void {
    const area = this._area;
    const full = this._o.full;
    area.addEventListener(
      'wheel',
      e => {
        e.preventDefault();
        const rect = area.getBoundingClientRect();
        const over = this._plot?.over.getBoundingClientRect() ?? rect;
        const anchor = Math.max(0, Math.min(1, (e.clientX - over.left) / Math.max(1, over.width)));
        if (Math.abs(e.deltaX) > Math.abs(e.deltaY)) this._change(panWindow(this._window, full, e.deltaX / Math.max(1, over.width)));
        else this._change(zoomWindow(this._window, full, e.deltaY > 0 ? 1.25 : 0.8, anchor));
      },
      { passive: false },
    );
    let dragX: number | null = null;
    let dragWindow = this._window;
    area.addEventListener('pointerdown', e => {
      if (e.button !== 0) return;
      dragX = e.clientX;
      dragWindow = this._window;
      area.setPointerCapture(e.pointerId);
    });
    area.addEventListener('pointermove', e => {
      if (dragX === null) return;
      const width = this._plot?.over.clientWidth ?? area.clientWidth;
      const fraction = (dragX - e.clientX) / Math.max(1, width);
      this.setWindow(panWindow(dragWindow, full, fraction));
    });
    const end = (e: PointerEvent): void => {
      if (dragX === null) return;
      const moved = Math.abs(e.clientX - dragX) > 2;
      dragX = null;
      if (moved) this._o.onWindow?.(this._window);
    };
    area.addEventListener('pointerup', end);
    area.addEventListener('pointercancel', end);
    area.addEventListener('keydown', e => {
      const next = windowForKey(e.key, this._window, full);
      if (!next) return;
      e.preventDefault();
      this._change(next);
    });
  }
}

function spacingOf(values: number[] | undefined): number {
  if (!values || values.length < 2) return 1;
  return Math.abs(values[0] - values[1]) * 0.6;
}

/** Theme-aware colours for series, starting from VS Code's chart palette. */
export function seriesColor(index: number): string {
  const names = ['--vscode-charts-blue', '--vscode-charts-orange', '--vscode-charts-green', '--vscode-charts-red', '--vscode-charts-purple', '--vscode-charts-yellow'];
  const fallbacks = ['#3794ff', '#d18616', '#89d185', '#f14c4c', '#b180d7', '#cca700'];
  if (index < names.length) return themeColor(names[index], fallbacks[index]);
  return `hsl(${(index * 137.508) % 360}, 70%, 60%)`;
}
