/**
 * A depth × time heatmap on the shared chart engine (plot.ts): time on x with the engine's zoom,
 * pan and session cursor, depth on y, and the cells painted under the axes from a grid of one
 * value per depth band and time column. Every screen pixel looks its cell up, so uneven column
 * times and depth gaps land where they belong.
 */
import type uPlot from 'uplot';
import { colormapLut, type ColormapName } from '../colormaps';
import { formatNumber, formatSeconds } from '../format';
import { Chart, type ChartOptions } from '../plot';
import type { Window } from '../timeWindow';
import {
  bandEdges,
  cellAt,
  valueScale,
  type ColorRange,
  type DepthBand,
  type HeatmapGrid,
} from './heatmapMath';

/** The bottom edge of the scrolling pane holding `element` (the view's, not its growing body). */
export function paneBottom(element: HTMLElement): number {
  return (element.closest('.view') ?? element).getBoundingClientRect().bottom;
}

export interface HeatmapOptions extends ChartOptions {
  yRange: Window;
}

export interface HeatmapData {
  grid: HeatmapGrid;
  bands: DepthBand[];
  range: ColorRange;
  colormap: ColormapName;
  unit: string;
  /** How a band is named in the hover text ("channel 12", "3.2 mm"). */
  bandText(band: DepthBand): string;
}

/** Mode 2 series that draws nothing: it gives the x and y scales their facets. */
const SCALES: uPlot.Series = {
  stroke: 'transparent',
  facets: [
    { scale: 'x', auto: false },
    { scale: 'y', auto: false },
  ],
  auto: false,
  paths: () => ({ stroke: new Path2D(), fill: null, clip: null, flags: 0 }),
  points: { show: false },
};

export class HeatmapPlot extends Chart {
  private _data: HeatmapData | null = null;
  private _rowEdges: Float64Array = new Float64Array(0);
  private _image: { key: string; canvas: HTMLCanvasElement } | null = null;

  constructor(private readonly _heat: HeatmapOptions) {
    super(_heat);
  }

  setData(data: HeatmapData): void {
    this._data = data;
    this._rowEdges = bandEdges(data.bands);
    this._image = null;
    const { start, end } = this._heat.yRange;
    this._mount({
      mode: 2,
      series: [{}, SCALES],
      data: [
        null,
        [
          [this._o.full.start, this._o.full.end],
          [start, end],
        ],
      ] as unknown as uPlot.AlignedData,
      yRange: this._heat.yRange,
      draw: u => this._paint(u),
    });
  }

  protected override _hoverText(x: number, y: number): string | null {
    const d = this._data;
    if (!d) return null;
    const row = cellAt(this._rowEdges, y);
    const col = cellAt(d.grid.edges, x);
    if (row < 0 || col < 0) return null;
    const v = d.grid.values[row * d.grid.columns + col];
    const scale = valueScale(Math.max(Math.abs(d.range.min), Math.abs(d.range.max)), d.unit);
    const value = Number.isNaN(v) ? 'no value' : `${formatNumber(v / scale.factor)} ${scale.unit}`.trim();
    return `${formatSeconds(x, this._window.end - this._window.start)} · ${d.bandText(d.bands[row])} · ${value}`;
  }

  /** The cells under the plotting area, rendered once per scale and size and then reused. */
  private _paint(u: uPlot): void {
    const d = this._data;
    const { left, top, width, height } = u.bbox;
    const w = Math.round(width);
    const hgt = Math.round(height);
    if (!d || w <= 0 || hgt <= 0) return;
    const x0 = u.scales.x.min ?? 0;
    const x1 = u.scales.x.max ?? 1;
    const y0 = u.scales.y.min ?? 0;
    const y1 = u.scales.y.max ?? 1;
    const key = [x0, x1, y0, y1, w, hgt].join();
    if (this._image?.key !== key) this._image = { key, canvas: this._render(d, x0, x1, y0, y1, w, hgt) };
    u.ctx.drawImage(this._image.canvas, left, top);
  }

  private _render(
    d: HeatmapData,
    x0: number,
    x1: number,
    y0: number,
    y1: number,
    w: number,
    hgt: number,
  ): HTMLCanvasElement {
    const { grid, range } = d;
    const colOf = new Int32Array(w);
    for (let px = 0; px < w; px++) colOf[px] = cellAt(grid.edges, x0 + ((px + 0.5) / w) * (x1 - x0));
    const lut = colormapLut(d.colormap);
    const span = range.max - range.min;
    const pixels = new Uint8ClampedArray(w * hgt * 4);
    for (let py = 0; py < hgt; py++) {
      // Depth grows upward: the top pixel row is the scale's maximum.
      const row = cellAt(this._rowEdges, y1 - ((py + 0.5) / hgt) * (y1 - y0));
      if (row < 0) continue;
      const base = row * grid.columns;
      for (let px = 0; px < w; px++) {
        const col = colOf[px];
        if (col < 0) continue;
        const v = grid.values[base + col];
        if (Number.isNaN(v)) continue;
        const t = span > 0 ? (v - range.min) / span : 0.5;
        const i = Math.max(0, Math.min(255, Math.round(t * 255))) * 3;
        const o = (py * w + px) * 4;
        pixels[o] = lut[i];
        pixels[o + 1] = lut[i + 1];
        pixels[o + 2] = lut[i + 2];
        pixels[o + 3] = 255;
      }
    }
    const canvas = document.createElement('canvas');
    canvas.width = w;
    canvas.height = hgt;
    canvas.getContext('2d')?.putImageData(new ImageData(pixels, w, hgt), 0, 0);
    return canvas;
  }
}
