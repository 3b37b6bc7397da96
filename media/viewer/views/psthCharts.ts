/**
 * The two charts of the trial-aligned view, on the shared engine (plot.ts): a raster with one row
 * per trial (trials in blocks by group, one colour per group, the group named beside its block)
 * and the PSTH, a stepped line per group in Hz. Both have time relative to the event on x and a
 * line at the event (0 s).
 */
import uPlot from 'uplot';
import { rowExtent, tickColumns } from '../chartGeometry';
import { themeColor } from '../dom';
import { formatNumber, formatSeconds } from '../format';
import { Chart, type ChartOptions } from '../plot';

/** One group's trials: spike times relative to the event per trial (`offsets` into `times`). */
export interface TrialBlock {
  label: string;
  color: string;
  offsets: Uint32Array;
  times: Float64Array;
}

/** Mode 2 data: a null x slot, then one [x, y] pair of arrays per series. */
function facetData(pairs: [ArrayLike<number>, ArrayLike<number>][]): uPlot.AlignedData {
  return [null, ...pairs] as unknown as uPlot.AlignedData;
}

/** A vertical line at x = 0 (the event) over the plotting area. */
function drawEventLine(u: uPlot): void {
  const x = u.valToPos(0, 'x', true);
  if (x < u.bbox.left || x > u.bbox.left + u.bbox.width) return;
  const ctx = u.ctx;
  ctx.save();
  ctx.strokeStyle = themeColor('--vscode-editor-foreground', '#ccc');
  ctx.globalAlpha = 0.6;
  ctx.setLineDash([4 * uPlot.pxRatio, 3 * uPlot.pxRatio]);
  ctx.lineWidth = uPlot.pxRatio;
  ctx.beginPath();
  ctx.moveTo(Math.round(x) + 0.5, u.bbox.top);
  ctx.lineTo(Math.round(x) + 0.5, u.bbox.top + u.bbox.height);
  ctx.stroke();
  ctx.restore();
}

/** Trials top-down: trial i of n sits at y value n - 1 - i. */
const trialValue = (i: number, n: number): number => n - 1 - i;

/** Raster of trials by group: every trial a row, every group a block of rows in its colour. */
export class TrialRasterPlot extends Chart {
  private _rows: { group: string; trial: number }[] = [];

  constructor(o: ChartOptions) {
    super({ yAxisSize: 110, ...o });
  }

  setBlocks(blocks: TrialBlock[]): void {
    const n = blocks.reduce((sum, b) => sum + b.offsets.length - 1, 0);
    this._rows = [];
    const ticks: { values: number[]; labels: string[] } = { values: [], labels: [] };
    const ticksOf =
      (block: TrialBlock, firstRow: number): uPlot.Series.PathBuilder =>
      u => {
        const left = u.bbox.left;
        const right = left + u.bbox.width;
        const pitch = Math.abs(u.valToPos(0, 'y', true) - u.valToPos(1, 'y', true));
        const stroke = new Path2D();
        const toX = (v: number): number => u.valToPos(v, 'x', true);
        for (let t = 0; t + 1 < block.offsets.length; t++) {
          const centre = u.valToPos(trialValue(firstRow + t, n), 'y', true);
          const { top, bottom } = rowExtent(centre, pitch, 0.9, 1);
          const times = block.times.subarray(block.offsets[t], block.offsets[t + 1]);
          for (const px of tickColumns(times, toX, left, right)) {
            stroke.moveTo(px + 0.5, top);
            stroke.lineTo(px + 0.5, bottom);
          }
        }
        return { stroke, fill: null, clip: null, flags: 0 };
      };
    let row = 0;
    const series: uPlot.Series[] = [{}];
    const pairs: [ArrayLike<number>, ArrayLike<number>][] = [];
    for (const block of blocks) {
      const trials = block.offsets.length - 1;
      for (let t = 0; t < trials; t++) this._rows.push({ group: block.label, trial: t });
      // The group's name beside the middle of its block.
      if (trials > 0) {
        ticks.values.push(trialValue(row + (trials - 1) / 2, n));
        ticks.labels.push(block.label.length > 14 ? `${block.label.slice(0, 13)}…` : block.label);
      }
      series.push({
        label: block.label,
        stroke: block.color,
        width: 1,
        facets: [
          { scale: 'x', auto: false },
          { scale: 'y', auto: false },
        ],
        auto: false,
        pxAlign: 0,
        paths: ticksOf(block, row),
        points: { show: false },
      });
      pairs.push([block.times, block.times]);
      row += trials;
    }
    if (pairs.length === 0) {
      series.push({ label: '', stroke: 'transparent', paths: () => null, points: { show: false } });
      pairs.push([[], []]);
    }
    this._mount({
      mode: 2,
      series,
      data: facetData(pairs),
      yRange: { start: -0.5, end: Math.max(1, n) - 0.5 },
      yTicks: ticks,
      draw: drawEventLine,
    });
  }

  protected override _hoverText(x: number, y: number): string | null {
    const n = this._rows.length;
    const row = this._rows[n - 1 - Math.round(y)];
    const span = this._window.end - this._window.start;
    return row ? `${row.group} · trial ${row.trial + 1} · ${formatSeconds(x, span)}` : null;
  }
}

export interface RateCurve {
  label: string;
  color: string;
  /** Hz per bin. */
  rate: ArrayLike<number>;
}

/** The PSTH: a stepped line of the rate per bin for each group. */
export class PsthPlot extends Chart {
  private _edges: number[] = [];
  private _curves: RateCurve[] = [];

  constructor(o: ChartOptions) {
    super({ yAxisSize: 60, ...o });
  }

  /** `start` is the first bin's left edge (-pre); every bin is `binWidth` wide. */
  setCurves(curves: RateCurve[], start: number, binWidth: number, binCount: number): void {
    this._curves = curves;
    // Bin edges; each curve repeats its last value at the right edge so the last step is drawn.
    this._edges = Array.from({ length: binCount + 1 }, (_, k) => start + k * binWidth);
    const stepped = uPlot.paths.stepped?.({ align: 1 });
    let top = 0;
    const data: number[][] = [this._edges];
    for (const c of curves) {
      const values = Array.from({ length: binCount + 1 }, (_, k) => c.rate[Math.min(k, binCount - 1)] ?? 0);
      for (const v of values) top = Math.max(top, v);
      data.push(values);
    }
    this._mount({
      series: [
        {},
        ...curves.map((c): uPlot.Series => ({
          label: c.label,
          stroke: c.color,
          width: 1.5,
          ...(stepped ? { paths: stepped } : {}),
          points: { show: false },
        })),
      ],
      data: data as uPlot.AlignedData,
      yRange: { start: 0, end: top > 0 ? top * 1.08 : 1 },
      draw: drawEventLine,
    });
  }

  protected override _hoverText(x: number): string | null {
    const bin = this._edges.findIndex(
      (e, k) => k + 1 < this._edges.length && x >= e && x < this._edges[k + 1],
    );
    if (bin < 0) return null;
    const span = this._window.end - this._window.start;
    const rates = this._curves.map(c => `${c.label} ${formatNumber(Number(c.rate[bin]))} Hz`).join(' · ');
    return `${formatSeconds(this._edges[bin], span)} – ${formatSeconds(this._edges[bin + 1], span)} · ${rates}`;
  }
}
