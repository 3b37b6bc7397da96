/**
 * The one chart engine, on uPlot. `Chart` holds what every chart shares: the zoom/pan of the x
 * window (wheel around the mouse, drag to pan, keyboard +/-/arrows/0, buttons), theme-coloured
 * axes with time or number ticks or row labels, resizing, a hover readout and the canvas for PNG
 * export; the zoom/pan controls themselves are bound in windowControls.ts. `LinePlot` (linePlot.ts)
 * draws lines with min/max bands (uPlot's aligned mode); rasters, interval lanes and XY
 * trajectories are in charts.ts (uPlot's faceted mode 2 with our own path builders).
 */
import uPlot from 'uplot';
import { h, themeColor } from './dom';
import { axisStyle, publishAxes, rowAxis, ValueAxis, type LabelBox } from './axes';
import { formatRange, splitLabel } from './format';
import { countLive, observeSize } from './live';
import type { Disposable } from './scope';
import { clampWindow, type Window } from './timeWindow';
import { bindZoomPan, zoomButtons, type WindowHost } from './windowControls';

export interface PlotSeries {
  label: string;
  color: string;
}

/** Row labels in place of numeric y ticks (stacked channels, raster units, interval lanes). */
export interface YTicks {
  values: number[];
  labels: string[];
}

export interface ChartOptions {
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
  /** Makes the x window interactive; called (debounced by the caller) when the user changes it. */
  onWindow?(w: Window): void;
  /** Largest width of the y axis of row labels in CSS pixels (narrower when the labels are). */
  yAxisSize?: number;
  /** The unit of y values; by default read from a `name (unit)` yLabel. */
  yUnit?: string;
  /** The unit of x values when the x axis is not time. */
  xUnit?: string;
  /** Shows x in `xUnit` as given (no prefix chosen from the data). */
  keepXUnit?: boolean;
  /** Where the series starts (s): a time origin that reads well for deep zooms into long recordings. */
  seriesStart?: number;
}

/** What a chart kind adds to the shared uPlot options. */
export interface MountOptions {
  mode?: uPlot.Mode;
  series: uPlot.Series[];
  data: uPlot.AlignedData;
  bands?: uPlot.Band[];
  legend?: boolean;
  /** A fixed y range (rows, lanes, XY); auto-ranged from the data when absent. */
  yRange?: Window;
  yTicks?: YTicks;
  /** Draws on top of the series (current keypoints, skeleton), in canvas pixels. */
  draw?(u: uPlot): void;
}

export abstract class Chart implements Disposable {
  readonly element: HTMLElement;
  protected _plot: uPlot | null = null;
  protected _window: Window;
  protected readonly _area: HTMLElement;
  private readonly _windowText: HTMLElement;
  private readonly _readout: HTMLElement;
  private readonly _legend: HTMLElement;
  private readonly _resize: Disposable;
  private readonly _uncount = countLive('charts');
  private _xAxis!: ValueAxis;
  private _yBoxes: (u: uPlot) => LabelBox[] = () => [];
  private _yTitle: () => string = () => '';
  private readonly _overlays = new Set<(u: uPlot) => void>();

  constructor(protected readonly _o: ChartOptions) {
    this._window = _o.window;
    const interactive = Boolean(_o.onWindow);
    const keys = interactive ? ' Use plus and minus to zoom, arrow keys to pan, 0 to reset.' : '';
    this._area = h('div', {
      class: 'plot-area',
      tabindex: 0,
      role: 'img',
      'aria-label': `${_o.label}.${keys}`,
    });
    const bar = h('div', { class: 'plot-toolbar', role: 'toolbar', 'aria-label': 'Zoom' });
    const controls: WindowHost = {
      full: _o.full,
      current: () => this._window,
      over: () => this._plot?.over ?? null,
      preview: w => this.setWindow(w),
      change: w => this._change(w),
      settle: () => this._o.onWindow?.(this._window),
    };
    if (interactive) bar.append(...zoomButtons(controls));
    this._windowText = h('span', { class: 'muted window-text' });
    this._readout = h('span', { class: 'muted plot-readout', 'aria-live': 'off' });
    bar.append(this._windowText, this._readout);
    this._legend = h('ul', { class: 'plot-legend', 'aria-label': 'Legend', hidden: true });
    this.element = h('div', { class: 'plot' }, bar, this._legend, this._area);
    _o.parent.appendChild(this.element);
    if (interactive) bindZoomPan(this._area, controls);
    this._bindHover();
    this._resize = observeSize(this._area, () => this._plot?.setSize(this._size()));
    this._updateWindowText();
  }

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

  setWindow(w: Window): void {
    this._window = clampWindow(w, this._o.full);
    this._plot?.setScale('x', { min: this._window.start, max: this._window.end });
    this._updateWindowText();
  }

  /** Shows `w` as if the user had moved there (the view's onWindow fetches it). */
  showWindow(w: Window): void {
    this._change(w);
  }

  /** Paints over the series after every draw (the session's time cursor), until disposed. */
  addOverlay(paint: (u: uPlot) => void): Disposable {
    this._overlays.add(paint);
    this.redraw();
    return { dispose: () => void (this._overlays.delete(paint), this.redraw()) };
  }

  redraw(): void {
    this._plot?.redraw(false);
  }

  /**
   * The x value under a screen point, or null when the point is outside the plotting area. Without
   * `clientY` (a drag in progress) x is clamped to the area instead.
   */
  xAt(clientX: number, clientY?: number): number | null {
    const u = this._plot;
    if (!u) return null;
    const r = u.over.getBoundingClientRect();
    if (clientY !== undefined) {
      const inside = clientX >= r.left && clientX <= r.right && clientY >= r.top && clientY <= r.bottom;
      if (!inside) return null;
    }
    return u.posToVal(Math.max(0, Math.min(r.width, clientX - r.left)), 'x');
  }

  dispose(): void {
    this._resize.dispose();
    this._plot?.destroy();
    this._plot = null;
    this._uncount();
  }

  /** A legend of what each colour means (shown for two or more entries; uPlot's own is off then). */
  protected _setLegend(entries: readonly PlotSeries[]): void {
    this._legend.replaceChildren(
      ...entries.map(e => {
        const swatch = h('span', { class: 'legend-swatch', 'aria-hidden': 'true' });
        swatch.style.background = e.color;
        return h('li', {}, swatch, h('span', { text: e.label }));
      }),
    );
    this._legend.hidden = entries.length < 2;
  }

  /** Hover text for the data coordinates under the mouse (none by default: the legend says it). */
  protected _hoverText(_x: number, _y: number): string | null {
    return null;
  }

  /** (Re)creates the uPlot instance with the shared axes, scales, cursor and size. */
  protected _mount(m: MountOptions): void {
    const faceted = m.mode === 2;
    const yRange = m.yRange;
    const options: uPlot.Options = {
      ...this._size(),
      mode: m.mode ?? 1,
      series: m.series,
      bands: m.bands ?? [],
      legend: { show: m.legend ?? false },
      // Faceted series have their own x arrays: uPlot's nearest-index cursor does not apply.
      cursor: {
        drag: { x: false, y: false },
        points: { show: false },
        ...(faceted ? { dataIdx: () => null } : {}),
      },
      scales: {
        x: { time: false, auto: false, range: () => [this._window.start, this._window.end] },
        y: yRange ? { auto: false, range: () => [yRange.start, yRange.end] } : {},
      },
      axes: this._axes(m.yTicks),
      // The last x label is centred on its tick: keep half of it inside the canvas.
      padding: [10, () => this._xAxis.halfLabel + 4, null, null],
      hooks: {
        draw: [
          u => {
            m.draw?.(u);
            for (const paint of this._overlays) paint(u);
          },
          u =>
            publishAxes(
              this._area,
              u,
              this._xAxis.boxes(u),
              this._yBoxes(u),
              this._xAxis.label(),
              this._yTitle(),
            ),
        ],
      },
    };
    this._plot?.destroy();
    this._plot = new uPlot(options, m.data, this._area);
  }

  private _axes(yTicks: YTicks | undefined): uPlot.Axis[] {
    const o = this._o;
    const style = axisStyle();
    const x = o.timeAxis
      ? { name: o.xLabel, unit: 's', time: { seriesStart: o.seriesStart ?? o.full.start } }
      : { ...splitLabel(o.xLabel), ...(o.xUnit ? { unit: o.xUnit } : {}), keepUnit: o.keepXUnit ?? false };
    this._xAxis = new ValueAxis({ ...x, scale: 'x' }, style);
    if (yTicks) {
      // A unit means nothing beside row labels (a stacked trace's scale bar states it).
      const rows = rowAxis(style, splitLabel(o.yLabel).name, yTicks, o.yAxisSize ?? 200);
      this._yBoxes = rows.boxes;
      this._yTitle = () => splitLabel(o.yLabel).name;
      return [this._xAxis.axis(), rows.axis];
    }
    const y = o.yUnit !== undefined ? { name: o.yLabel, unit: o.yUnit } : splitLabel(o.yLabel);
    const yAxis = new ValueAxis({ ...y, scale: 'y' }, style);
    this._yBoxes = u => yAxis.boxes(u);
    this._yTitle = () => yAxis.label();
    return [this._xAxis.axis(), yAxis.axis()];
  }

  private _size(): { width: number; height: number } {
    return { width: this.width, height: this._o.height ?? 360 };
  }

  private _change(w: Window): void {
    this.setWindow(w);
    this._o.onWindow?.(this._window);
  }

  private _updateWindowText(): void {
    const w = this._window;
    this._windowText.textContent = this._o.timeAxis
      ? formatRange(w.start, w.end, 'seconds')
      : this._o.keepXUnit
        ? `${formatRange(w.start, w.end, null)} ${this._o.xUnit ?? ''}`.trim()
        : formatRange(w.start, w.end, this._o.xUnit ?? splitLabel(this._o.xLabel).unit);
  }

  private _bindHover(): void {
    this._area.addEventListener('pointermove', e => {
      const u = this._plot;
      if (!u) return;
      const r = u.over.getBoundingClientRect();
      const inside =
        e.clientX >= r.left && e.clientX <= r.right && e.clientY >= r.top && e.clientY <= r.bottom;
      this._readout.textContent = inside
        ? (this._hoverText(u.posToVal(e.clientX - r.left, 'x'), u.posToVal(e.clientY - r.top, 'y')) ?? '')
        : '';
    });
    this._area.addEventListener('pointerleave', () => (this._readout.textContent = ''));
  }
}

/** Theme-aware colours for series, starting from VS Code's chart palette. */
export function seriesColor(index: number): string {
  const names = [
    '--vscode-charts-blue',
    '--vscode-charts-orange',
    '--vscode-charts-green',
    '--vscode-charts-red',
    '--vscode-charts-purple',
    '--vscode-charts-yellow',
  ];
  const fallbacks = ['#3794ff', '#d18616', '#89d185', '#f14c4c', '#b180d7', '#cca700'];
  if (index < names.length) return themeColor(names[index], fallbacks[index]);
  return `hsl(${(index * 137.508) % 360}, 70%, 60%)`;
}
