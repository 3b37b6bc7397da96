/**
 * The axes of every chart (plot.ts): tick spacing from the measured width of the labels so they
 * never overlap, numbers in one SI-prefixed display scale with the unit in the axis label, time
 * relative to a stated origin, axis sizes measured from their labels so nothing clips, and the
 * drawn labels' boxes published on the plot element (`data-x-ticks`, `data-y-ticks`) for tests.
 */
import type uPlot from 'uplot';
import { withAlpha } from './colormaps';
import { themeColor } from './dom';
import {
  displayScale,
  formatNumber,
  formatOrigin,
  knownUnit,
  parseSiUnit,
  tickLabels,
  timeOrigin,
  type DisplayScale,
} from './format';

export interface AxisStyle {
  stroke: string;
  grid: uPlot.Axis.Grid;
  ticks: uPlot.Axis.Ticks;
  font: string;
}

/** Gap kept between neighbouring tick labels, in CSS pixels. */
const LABEL_GAP = 16;
/** Room for the tick mark and its gap beside a y label. */
const Y_TICK_ROOM = 14;

let measureContext: CanvasRenderingContext2D | null = null;

/** The width of `text` drawn in `font`, in CSS pixels. */
export function textWidth(text: string, font: string): number {
  measureContext ??= document.createElement('canvas').getContext('2d');
  if (!measureContext) return text.length * 7;
  measureContext.font = font;
  return measureContext.measureText(text).width;
}

/** A box of one drawn tick label, in CSS pixels of the chart's canvas. */
export interface LabelBox {
  text: string;
  left: number;
  right: number;
  top: number;
  bottom: number;
}

/** What an axis drew last: its splits and their labels (null labels are not drawn). */
interface Drawn {
  splits: number[];
  labels: (string | null)[];
}

/** Decimals a tick step of roughly `step` needs (a guess before uPlot picks the real one). */
function roughStep(min: number, max: number, dim: number): number {
  const raw = Math.abs(max - min) / Math.max(1, dim / 60);
  return raw > 0 ? 10 ** Math.floor(Math.log10(raw)) : 1;
}

/** Splits at multiples of `incr` counted from `origin` (so relative ticks are round numbers). */
function splitsFrom(origin: number, min: number, max: number, incr: number): number[] {
  if (!(incr > 0) || !Number.isFinite(min + max)) return [];
  const out: number[] = [];
  const first = Math.ceil((min - origin) / incr - 1e-9);
  for (let k = first; origin + k * incr <= max + incr * 1e-9 && out.length < 200; k++)
    out.push(origin + k * incr);
  return out;
}

export interface ValueAxisOptions {
  /** The quantity's name ("time", "current"); the unit is appended in parentheses. */
  name: string;
  unit: string | null | undefined;
  /** Time axes count from {@link timeOrigin} and say where t = 0 is. */
  time?: { seriesStart: number };
  scale: 'x' | 'y';
  /** Show values in `unit` as given, without choosing a prefix (a waveform in ms even when it spans 900 µs). */
  keepUnit?: boolean;
}

/** A numeric axis: labels measured for spacing, one display scale, the unit in the label. */
export class ValueAxis {
  private _drawn: Drawn = { splits: [], labels: [] };
  private _origin = 0;
  private _scale: DisplayScale = { factor: 1, unit: '' };
  private _halfLabel = 0;

  constructor(
    private readonly _o: ValueAxisOptions,
    private readonly _style: AxisStyle,
  ) {}

  /** Half the widest label: the plot keeps this much room right of its last x tick. */
  get halfLabel(): number {
    return this._halfLabel;
  }

  axis(): uPlot.Axis {
    const o = this._o;
    const horizontal = o.scale === 'x';
    return {
      scale: o.scale,
      stroke: this._style.stroke,
      grid: this._style.grid,
      ticks: this._style.ticks,
      font: this._style.font,
      labelFont: this._style.font,
      // An axis with nothing to say takes no title band (uPlot keeps one for any label, even '').
      ...(o.name || o.unit || o.time ? { label: () => this.label(), labelSize: 20 } : {}),
      ...(horizontal ? { size: 32 } : {}),
      space: (u, _i, min, max, dim) => {
        this._update(u, min, max);
        if (!horizontal) return 28;
        const step = roughStep(min, max, dim);
        const widths = tickLabels(
          [min - this._origin, max - this._origin, -step],
          step / 10,
          this._scale.factor,
        ).map(t => textWidth(t, this._style.font));
        this._halfLabel = Math.ceil(Math.max(...widths) / 2);
        return Math.max(...widths) + LABEL_GAP;
      },
      splits: (_u, _i, min, max, incr) => splitsFrom(this._origin, min, max, incr),
      values: (_u, splits, _i, _space, incr) => {
        const relative = splits.map(v => v - this._origin);
        // Without an SI unit to prefix, very small or large numbers read best with an exponent.
        const reach = Math.max(0, ...relative.map(Math.abs));
        const labels =
          !o.time && (o.keepUnit || !parseSiUnit(o.unit)) && (reach >= 1e6 || (reach > 0 && reach < 1e-3))
            ? relative.map(v => formatNumber(v))
            : tickLabels(relative, incr, this._scale.factor);
        this._drawn = { splits, labels };
        return labels;
      },
      ...(horizontal ? {} : { size: (_u: uPlot, values: string[] | null) => this._size(values) }),
    };
  }

  /** Boxes of the labels drawn at the last draw. */
  boxes(u: uPlot): LabelBox[] {
    return drawnBoxes(u, this._o.scale, this._drawn, this._style.font);
  }

  private _size(values: string[] | null): number {
    const widest = Math.max(0, ...(values ?? []).map(v => textWidth(v ?? '', this._style.font)));
    return Math.ceil(Math.max(36, widest + Y_TICK_ROOM));
  }

  private _update(u: uPlot, min: number, max: number): void {
    const o = this._o;
    this._origin = o.time ? timeOrigin({ start: min, end: max }, o.time.seriesStart) : 0;
    const reach = Math.max(Math.abs(min - this._origin), Math.abs(max - this._origin));
    // Ticks near zero on a wide axis (0, 2, 4 µV...) read in the prefix of the axis' reach.
    this._scale = o.keepUnit
      ? { factor: 1, unit: knownUnit(o.unit) }
      : displayScale(reach || Math.abs(max - min), o.time ? 'seconds' : o.unit);
    void u;
  }

  /** The axis title as drawn: the name, the display unit, and where t = 0 is. */
  label(): string {
    const o = this._o;
    const unit = this._scale.unit || (parseSiUnit(o.unit) && !o.keepUnit ? '' : knownUnit(o.unit));
    const base = unit ? `${o.name} (${unit})` : o.name;
    if (!o.time || this._origin === 0) return base;
    const span = this._drawn.splits.length > 1 ? this._drawn.splits[1] - this._drawn.splits[0] : 1;
    return `${base} · t = 0 at ${formatOrigin(this._origin, span)}`;
  }
}

/** An axis of row labels (stacked channels, raster units, interval lanes), as wide as its labels. */
export function rowAxis(
  style: AxisStyle,
  label: string,
  ticks: { values: number[]; labels: string[] },
  maxSize: number,
): { axis: uPlot.Axis; boxes(u: uPlot): LabelBox[] } {
  const drawn: Drawn = { splits: ticks.values, labels: ticks.labels };
  const axis: uPlot.Axis = {
    stroke: style.stroke,
    grid: style.grid,
    ticks: style.ticks,
    font: style.font,
    labelFont: style.font,
    label,
    labelSize: 20,
    splits: () => ticks.values,
    values: () => ticks.labels,
    // Rows closer than a label's height would overlap: show every k-th label.
    filter: u => {
      const pitch =
        ticks.values.length > 1
          ? Math.abs(u.valToPos(ticks.values[0], 'y') - u.valToPos(ticks.values[1], 'y'))
          : Infinity;
      const every = Math.max(1, Math.ceil(14 / Math.max(1, pitch)));
      drawn.labels = ticks.labels.map((l, i) => (i % every === 0 ? l : null));
      return ticks.values.map((v, i) => (i % every === 0 ? v : null));
    },
    size: () => {
      const widest = Math.max(0, ...ticks.labels.map(l => textWidth(l, style.font)));
      return Math.ceil(Math.min(maxSize, Math.max(36, widest + Y_TICK_ROOM)));
    },
  };
  return { axis, boxes: u => drawnBoxes(u, 'y', drawn, style.font) };
}

/**
 * Label boxes of an axis' drawn splits, in CSS pixels of the whole canvas, where uPlot puts them:
 * x labels centred below the plot, y labels right-aligned left of it, each past its tick mark and
 * the axis' gap.
 */
function drawnBoxes(u: uPlot, scale: 'x' | 'y', drawn: Drawn, font: string): LabelBox[] {
  const height = Number(/(\d+(?:\.\d+)?)px/.exec(font)?.[1] ?? 11);
  const left = u.bbox.left / devicePixelRatioOf(u);
  const top = u.bbox.top / devicePixelRatioOf(u);
  const axis = u.axes[scale === 'x' ? 0 : 1];
  const offset = (axis.ticks?.show === false ? 0 : (axis.ticks?.size ?? 10)) + (axis.gap ?? 5);
  const below = (u.bbox.top + u.bbox.height) / devicePixelRatioOf(u) + offset;
  const out: LabelBox[] = [];
  drawn.splits.forEach((v, i) => {
    const text = drawn.labels[i];
    if (text === null || text === undefined) return;
    const width = textWidth(text, font);
    const at = u.valToPos(v, scale);
    if (!Number.isFinite(at)) return;
    if (scale === 'x') {
      const centre = left + at;
      out.push({
        text,
        left: centre - width / 2,
        right: centre + width / 2,
        top: below,
        bottom: below + height,
      });
    } else {
      const middle = top + at;
      const right = left - offset;
      out.push({ text, left: right - width, right, top: middle - height / 2, bottom: middle + height / 2 });
    }
  });
  return out;
}

function devicePixelRatioOf(u: uPlot): number {
  return u.ctx.canvas.width / Math.max(1, u.width);
}

/** The axes' colours and font from the VS Code theme. */
export function axisStyle(): AxisStyle {
  const fg = themeColor('--vscode-editor-foreground', '#ccc');
  const grid = themeColor('--vscode-editorWidget-border', 'rgba(128,128,128,0.3)');
  return {
    stroke: fg,
    grid: { stroke: withAlpha(grid, 0.35), width: 1 },
    ticks: { stroke: grid, width: 1 },
    font: `11px ${themeColor('--vscode-font-family', 'sans-serif')}`,
  };
}

/** The drawn tick labels' boxes and the axis titles on the plot element, for tests that check nothing overlaps or clips. */
export function publishAxes(
  area: HTMLElement,
  u: uPlot,
  xBoxes: LabelBox[],
  yBoxes: LabelBox[],
  xTitle: string,
  yTitle: string,
): void {
  const round = (b: LabelBox): LabelBox => ({
    text: b.text,
    left: Math.round(b.left * 10) / 10,
    right: Math.round(b.right * 10) / 10,
    top: Math.round(b.top * 10) / 10,
    bottom: Math.round(b.bottom * 10) / 10,
  });
  area.dataset.xTicks = JSON.stringify(xBoxes.map(round));
  area.dataset.yTicks = JSON.stringify(yBoxes.map(round));
  area.dataset.xLabel = xTitle;
  area.dataset.yLabel = yTitle;
  area.dataset.canvasWidth = String(u.width);
  area.dataset.canvasHeight = String(u.height);
}
