/**
 * The chart kinds that are not lines, drawn by the same engine (plot.ts): spike rasters, interval
 * lanes and XY trajectories. Each is uPlot's faceted mode 2 (every series has its own x values)
 * with a path builder from chartGeometry.ts, so zoom, ticks, theme colours, resizing and PNG
 * export are the ones the line plots use.
 */
import uPlot from 'uplot';
import { intervalBar, polylineRuns, rowExtent, skeletonSegments, tickColumns } from './chartGeometry';
import { formatNumber, formatSeconds } from './format';
import { Chart, type ChartOptions } from './plot';
import type { Window } from './timeWindow';

/** Series of mode 2 read x and y from their own facets. */
const FACETS: uPlot.Series.Facet[] = [
  { scale: 'x', auto: false },
  { scale: 'y', auto: false },
];

/** The x values of a faceted series (uPlot's AlignedData type only knows the aligned mode). */
function facetX(u: uPlot, seriesIdx: number): ArrayLike<number> {
  const facet = (u.data as unknown as (ArrayLike<number>[] | null)[])[seriesIdx];
  return facet?.[0] ?? [];
}

/** Mode 2 data: a null x slot, then one [x, y] pair of arrays per series. */
function facetData(pairs: [ArrayLike<number>, ArrayLike<number>][]): uPlot.AlignedData {
  return [null, ...pairs] as unknown as uPlot.AlignedData;
}

/** Canvas-pixel plot bounds of `u`. */
function bounds(u: uPlot): { left: number; right: number } {
  return { left: u.bbox.left, right: u.bbox.left + u.bbox.width };
}

/** Rows are drawn top-down: row i of n sits at y value n - 1 - i. */
const rowValue = (i: number, n: number): number => n - 1 - i;

function rowTicks(labels: string[]): { values: number[]; labels: string[] } {
  return { values: labels.map((_, i) => rowValue(i, labels.length)), labels };
}

function rowRange(n: number): Window {
  return { start: -0.5, end: Math.max(1, n) - 0.5 };
}

/** Row index under a y value, or -1. */
function rowAt(y: number, n: number): number {
  const i = rowValue(Math.round(y), n);
  return i >= 0 && i < n ? i : -1;
}

export interface RasterRow {
  label: string;
  color: string;
  /** Spike times in seconds, sorted. */
  times: ArrayLike<number>;
}

/** A spike raster: one row of tick marks per unit. */
export class RasterPlot extends Chart {
  private _rows: RasterRow[] = [];

  constructor(o: ChartOptions) {
    super({ yAxisSize: 90, ...o });
  }

  setRows(rows: RasterRow[]): void {
    this._rows = rows;
    const n = rows.length;
    const ticksAt =
      (row: number): uPlot.Series.PathBuilder =>
      (u, seriesIdx) => {
        const { left, right } = bounds(u);
        const pitch = Math.abs(u.valToPos(0, 'y', true) - u.valToPos(1, 'y', true));
        const { top, bottom } = rowExtent(u.valToPos(row, 'y', true), pitch);
        const stroke = new Path2D();
        for (const px of tickColumns(facetX(u, seriesIdx), v => u.valToPos(v, 'x', true), left, right)) {
          stroke.moveTo(px + 0.5, top);
          stroke.lineTo(px + 0.5, bottom);
        }
        return { stroke, fill: null, clip: null, flags: 0 };
      };
    // Mode 2 takes its x scale from the first series, so an empty page still gets one.
    const shown = n > 0 ? rows : [{ label: '', color: 'transparent', times: [] }];
    this._mount({
      mode: 2,
      series: [
        {},
        ...shown.map((r, i): uPlot.Series => ({
          label: r.label,
          stroke: r.color,
          width: 1,
          facets: FACETS,
          auto: false,
          pxAlign: 0,
          paths: ticksAt(rowValue(i, n)),
          points: { show: false },
        })),
      ],
      data: facetData(shown.map(r => [r.times, r.times])),
      yRange: rowRange(n),
      yTicks: rowTicks(rows.map(r => r.label)),
    });
  }

  protected override _hoverText(x: number, y: number): string | null {
    const row = this._rows[rowAt(y, this._rows.length)];
    return row ? `${row.label} · ${formatSeconds(x, this._window.end - this._window.start)}` : null;
  }
}

export interface Lane {
  label: string;
  color: string;
  start: ArrayLike<number>;
  stop: ArrayLike<number>;
}

/** A timeline of [start, stop) bars in lanes (TimeIntervals by label). */
export class LanePlot extends Chart {
  private _lanes: Lane[] = [];

  constructor(o: ChartOptions) {
    super({ yAxisSize: 110, ...o });
  }

  setLanes(lanes: Lane[]): void {
    this._lanes = lanes;
    const n = lanes.length;
    const barsAt =
      (lane: Lane, row: number): uPlot.Series.PathBuilder =>
      u => {
        const { left, right } = bounds(u);
        const pitch = Math.abs(u.valToPos(0, 'y', true) - u.valToPos(1, 'y', true));
        const { top, bottom } = rowExtent(u.valToPos(row, 'y', true), pitch, 0.7);
        const fill = new Path2D();
        const toX = (v: number): number => u.valToPos(v, 'x', true);
        for (let i = 0; i < lane.start.length; i++) {
          const bar = intervalBar(lane.start[i], lane.stop[i], toX, left, right);
          if (bar) fill.rect(bar[0], top, bar[1], bottom - top);
        }
        return { stroke: null, fill, clip: null, flags: 0 };
      };
    const shown = n > 0 ? lanes : [{ label: '', color: 'transparent', start: [], stop: [] }];
    this._mount({
      mode: 2,
      series: [
        {},
        ...shown.map((l, i): uPlot.Series => ({
          label: l.label,
          fill: l.color,
          stroke: l.color,
          width: 0,
          facets: FACETS,
          auto: false,
          paths: barsAt(l, rowValue(i, n)),
          points: { show: false },
        })),
      ],
      data: facetData(shown.map(l => [l.start, l.stop])),
      yRange: rowRange(n),
      yTicks: rowTicks(lanes.map(l => (l.label.length > 16 ? `${l.label.slice(0, 15)}…` : l.label))),
    });
  }

  protected override _hoverText(x: number, y: number): string | null {
    const lane = this._lanes[rowAt(y, this._lanes.length)];
    if (!lane) return null;
    const span = this._window.end - this._window.start;
    for (let i = 0; i < lane.start.length; i++) {
      if (lane.start[i] <= x && x < lane.stop[i])
        return `${lane.label} · ${formatSeconds(lane.start[i], span)} – ${formatSeconds(lane.stop[i], span)}`;
    }
    return `${lane.label} · ${formatSeconds(x, span)}`;
  }
}

export interface Trace {
  label: string;
  color: string;
  x: ArrayLike<number>;
  y: ArrayLike<number>;
  /** Line width in CSS pixels (default 1): a mean drawn over the faint traces it summarises. */
  width?: number;
}

/** A marker drawn over the traces (the keypoints at the chosen time). */
export interface Marker {
  x: number;
  y: number;
  color: string;
}

export interface XYOptions extends ChartOptions {
  yRange: Window;
}

/** XY traces (trajectories, keypoints, or position over time) with markers and skeleton edges on top. */
export class XYPlot extends Chart {
  private _markers: Marker[] = [];
  private _edges: readonly (readonly [number, number])[] = [];

  constructor(private readonly _xy: XYOptions) {
    super(_xy);
  }

  setTraces(traces: Trace[]): void {
    const line: uPlot.Series.PathBuilder = (u, seriesIdx) => {
      const facet = (u.data as unknown as (ArrayLike<number>[] | null)[])[seriesIdx];
      const stroke = new Path2D();
      for (const run of polylineRuns(
        facet?.[0] ?? [],
        facet?.[1] ?? [],
        v => u.valToPos(v, 'x', true),
        v => u.valToPos(v, 'y', true),
      )) {
        stroke.moveTo(run[0], run[1]);
        for (let k = 2; k < run.length; k += 2) stroke.lineTo(run[k], run[k + 1]);
      }
      return { stroke, fill: null, clip: null, flags: 0 };
    };
    const shown = traces.length > 0 ? traces : [{ label: '', color: 'transparent', x: [], y: [] }];
    this._mount({
      mode: 2,
      series: [
        {},
        ...shown.map((t): uPlot.Series => ({
          label: t.label,
          stroke: t.color,
          width: t.width ?? 1,
          facets: FACETS,
          auto: false,
          paths: line,
          points: { show: false },
        })),
      ],
      data: facetData(shown.map(t => [t.x, t.y])),
      yRange: this._xy.yRange,
      draw: u => this._drawMarkers(u),
    });
  }

  /** Markers (and the skeleton joining them by index) redrawn without rebuilding the traces. */
  setMarkers(markers: Marker[], edges: readonly (readonly [number, number])[] = []): void {
    this._markers = markers;
    this._edges = edges;
    this._plot?.redraw(false);
  }

  protected override _hoverText(x: number, y: number): string | null {
    return this._o.timeAxis
      ? `${formatSeconds(x)} · ${formatNumber(y)}`
      : `x ${formatNumber(x)} · y ${formatNumber(y)}`;
  }

  private _drawMarkers(u: uPlot): void {
    const ctx = u.ctx;
    const ratio = uPlot.pxRatio;
    const points = this._markers.map(m => ({ x: u.valToPos(m.x, 'x', true), y: u.valToPos(m.y, 'y', true) }));
    const fg = getComputedStyle(u.root).color || '#ccc';
    ctx.save();
    ctx.beginPath();
    ctx.rect(u.bbox.left, u.bbox.top, u.bbox.width, u.bbox.height);
    ctx.clip();
    ctx.strokeStyle = fg;
    ctx.lineWidth = 2 * ratio;
    for (const [x0, y0, x1, y1] of skeletonSegments(points, this._edges)) {
      ctx.beginPath();
      ctx.moveTo(x0, y0);
      ctx.lineTo(x1, y1);
      ctx.stroke();
    }
    ctx.lineWidth = ratio;
    points.forEach((p, i) => {
      if (!Number.isFinite(p.x + p.y)) return;
      ctx.fillStyle = this._markers[i].color;
      ctx.beginPath();
      ctx.arc(p.x, p.y, 5 * ratio, 0, Math.PI * 2);
      ctx.fill();
      ctx.stroke();
    });
    ctx.restore();
  }
}
