/**
 * `LinePlot`: the `Chart` (plot.ts) that draws lines over a shared x in uPlot's aligned mode, with
 * min/max bands for decimated data, row labels and a scale bar for stacked channels, and a hover
 * readout of time and value. Its own module as the one chart kind of the aligned mode; the faceted
 * kinds are in charts.ts.
 */
import type uPlot from 'uplot';
import { withAlpha } from './colormaps';
import { themeColor } from './dom';
import { niceLength } from './chartGeometry';
import { drawScaleBar } from './scaleBar';
import { formatQuantity, splitLabel } from './format';
import { Chart, type ChartOptions, type PlotSeries, type YTicks } from './plot';
import type { DrawableChannel } from './timeWindow';

export interface LinePlotOptions extends ChartOptions {
  /** y ticks placed at these values with these labels (stacked channels). */
  yTicks?: YTicks;
}

/** Lines over a shared x (uPlot's aligned mode), with min/max bands for decimated data. */
export class LinePlot extends Chart {
  constructor(private readonly _line: LinePlotOptions) {
    super(_line);
  }

  /** Draws channels (all sharing `x`); bands are drawn where present. */
  setData(
    channels: readonly DrawableChannel[],
    series: readonly PlotSeries[],
    yTicks?: YTicks,
    height?: number,
  ): void {
    this._line.yTicks = yTicks;
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
        uSeries.push(
          { label: `${s.label} max`, stroke: s.color, width: 0.5, points: { show: false } },
          { label: `${s.label} min`, stroke: s.color, width: 0.5, points: { show: false } },
        );
        bands.push({ series: [hi, hi + 1], fill: withAlpha(s.color, 0.45) });
      }
      data.push(ch.mid);
      uSeries.push({
        label: s.label,
        stroke: s.color,
        width: ch.band ? 0.75 : 1.25,
        spanGaps: false,
        points: { show: false },
        value: (_u, v) => (v === null ? '–' : formatQuantity(v, this._yUnit())),
      });
    });
    uSeries[0] = {
      value: (_u, v) =>
        v === null ? '–' : formatQuantity(v, this._o.timeAxis ? 's' : splitLabel(this._o.xLabel).unit),
    };
    this._area.dataset.lineRuns = JSON.stringify(lineRuns(x, channels[0]?.mid ?? []));
    const ticks = yTicks;
    // Overlaid channels have a colour each; stacked ones are named on the axis (colours alternate).
    this._setLegend(ticks ? [] : series.slice(0, channels.length));
    const pad = spacingOf(ticks?.values);
    const unit = this._yUnit();
    // Stacked traces lose their amplitude axis to the channel labels: a scale bar says it instead.
    const bar = ticks && ticks.values.length > 1 && unit !== undefined ? niceLength(pad) : 0;
    this._mount({
      ...(bar > 0 ? { draw: (u: uPlot) => (this._area.dataset.scaleBar = drawScaleBar(u, bar, unit)) } : {}),
      series: uSeries,
      data: data as uPlot.AlignedData,
      bands,
      // Band edges would crowd the legend; the caption and axis labels name the data instead.
      legend: false,
      ...(ticks
        ? {
            yTicks: ticks,
            // reduce, not a spread: one tick per channel or unit, and a spread's arguments go on the stack.
            yRange: {
              start: ticks.values.reduce((a, b) => Math.min(a, b), Infinity) - pad,
              end: ticks.values.reduce((a, b) => Math.max(a, b), -Infinity) + pad,
            },
          }
        : {}),
    });
  }

  /** Time and value under the mouse; on stacked traces, the channel under it. */
  protected override _hoverText(x: number, y: number): string | null {
    const time = formatQuantity(
      x,
      this._o.timeAxis ? 's' : (this._o.xUnit ?? splitLabel(this._o.xLabel).unit),
    );
    const rows = this._line.yTicks;
    if (!rows) return `${time} · ${formatQuantity(y, this._yUnit())}`;
    let nearest = -1;
    rows.values.forEach((v, i) => {
      if (nearest < 0 || Math.abs(v - y) < Math.abs(rows.values[nearest] - y)) nearest = i;
    });
    return nearest >= 0 ? `${rows.labels[nearest]} · ${time}` : time;
  }

  private _yUnit(): string | undefined {
    return this._o.yUnit ?? splitLabel(this._o.yLabel).unit;
  }
}

/** The x extent of each run of non-null values: where a line is drawn, and where it breaks. */
function lineRuns(x: ArrayLike<number>, y: readonly (number | null)[]): [number, number][] {
  const runs: [number, number][] = [];
  let start = -1;
  for (let i = 0; i <= y.length; i++) {
    const drawn = i < y.length && y[i] !== null;
    if (drawn && start < 0) start = i;
    if (!drawn && start >= 0) {
      runs.push([x[start], x[i - 1]]);
      start = -1;
    }
  }
  return runs;
}

/** Stacked channels are 1/0.6 pads apart: the scale bar is at most 60% of a channel's pitch. */
function spacingOf(values: number[] | undefined): number {
  if (!values || values.length < 2) return 1;
  return Math.abs(values[0] - values[1]) * 0.6;
}
