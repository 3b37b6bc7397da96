/**
 * A stimulus family overlaid: every sweep of one stimulus on one time axis (time from the sweep's
 * start, or from its stimulus onset when aligned), coloured by stimulus amplitude on a sequential
 * colormap with a colourbar, the stimuli beneath in the same colours. Picking a sweep highlights
 * it and dims the others. Each series is read through `series/window` (min/max per pixel column,
 * drawn as an envelope), so long sweeps stay bounded.
 */
import type { SeriesWindow, Sweep } from '../../../src/shared/protocol';
import { XYPlot, type Trace } from '../charts';
import { colormapLut, withAlpha } from '../colormaps';
import { h } from '../dom';
import { formatNumber } from '../format';
import { columnsForWidth } from '../timeWindow';
import type { ViewContext } from './context';

/** Sweeps drawn at most in one overlay (the list says how many were left out). */
const MAX_FAMILY = 60;

export interface FamilyOptions {
  sweeps: readonly Sweep[];
  /** Index (into `sweeps`) of the highlighted sweep, or -1. */
  picked: number;
  alignOnOnset: boolean;
  onPick(index: number): void;
}

interface Loaded {
  sweep: Sweep;
  response?: { x: Float64Array; y: Float64Array; unit: string };
  stimulus?: { x: Float64Array; y: Float64Array; unit: string };
}

/** Draws the family into ctx.root; returns the first plot's canvas getter for PNG export. */
export async function renderFamily(
  ctx: ViewContext,
  o: FamilyOptions,
): Promise<() => HTMLCanvasElement | null> {
  const shown = o.sweeps.slice(0, MAX_FAMILY);
  const width = Math.max(200, ctx.root.clientWidth - 20);
  const pixels = columnsForWidth(width, window.devicePixelRatio || 1, 2000);
  const loaded: Loaded[] = [];
  for (const sweep of shown) {
    const origin = o.alignOnOnset ? sweep.shape?.onset : undefined;
    loaded.push({
      sweep,
      response: sweep.response ? await envelope(ctx, sweep.response.path, pixels, origin) : undefined,
      stimulus: sweep.stimulus ? await envelope(ctx, sweep.stimulus.path, pixels, origin) : undefined,
    });
  }
  const amplitudes = shown.map(s => s.shape?.amplitude).filter((a): a is number => Number.isFinite(a));
  const lo = amplitudes.reduce((a, b) => Math.min(a, b), Infinity);
  const hi = amplitudes.reduce((a, b) => Math.max(a, b), -Infinity);
  const colorOf = (s: Sweep): string => amplitudeColor(s.shape?.amplitude, lo, hi);
  const stimUnit = shown.find(s => s.shape)?.shape?.unit ?? '';
  const stimScale = siScale(Math.max(Math.abs(lo), Math.abs(hi)), stimUnit);

  // The colourbar and the sweeps to pick come first: the plots may run below the fold.
  ctx.root.appendChild(legend(o, shown, lo, hi, stimScale, colorOf));
  const xLabel = o.alignOnOnset ? 'time from stimulus onset' : 'time from sweep start';
  const plots: XYPlot[] = [];
  for (const part of ['response', 'stimulus'] as const) {
    const series = loaded.filter(l => l[part]).map(l => ({ sweep: l.sweep, data: l[part]! }));
    if (series.length === 0) continue;
    const unit = series[0].data.unit;
    const range = extent(series.map(s => s.data.y));
    const scale = siScale(Math.max(Math.abs(range.start), Math.abs(range.end)), unit);
    const xRange = extent(series.map(s => s.data.x));
    const pad = (range.end - range.start) * 0.05 || Math.abs(range.end) * 0.05 || 1;
    const box = h(
      'div',
      { class: 'plot-box' },
      h('h3', { text: `${part === 'response' ? 'responses' : 'stimuli'} (${series.length})` }),
    );
    ctx.root.appendChild(box);
    const plot = ctx.own(
      new XYPlot({
        parent: box,
        label: `${part}s of ${series.length} sweeps, coloured by stimulus amplitude`,
        xLabel,
        yLabel: scale.label ? `${part} (${scale.label})` : part,
        timeAxis: true,
        full: xRange,
        window: xRange,
        yRange: { start: (range.start - pad) * scale.factor, end: (range.end + pad) * scale.factor },
        height: part === 'response' ? 240 : 170,
      }),
    );
    plots.push(plot);
    // The picked sweep is drawn last, on top of the dimmed others.
    const order = [...series].sort(
      (a, b) => Number(a.sweep === pickedSweep(o)) - Number(b.sweep === pickedSweep(o)),
    );
    plot.setTraces(
      order.map((s): Trace => ({
        label: sweepName(s.sweep),
        color:
          o.picked < 0 || s.sweep === pickedSweep(o) ? colorOf(s.sweep) : withAlpha(colorOf(s.sweep), 0.25),
        x: s.data.x,
        y: scaled(s.data.y, scale.factor),
      })),
    );
  }
  if (o.sweeps.length > shown.length)
    ctx.root.appendChild(
      h('p', { class: 'muted', text: `showing the first ${shown.length} of ${o.sweeps.length} sweeps` }),
    );
  return () => plots[0]?.canvas ?? null;
}

function pickedSweep(o: FamilyOptions): Sweep | undefined {
  return o.picked >= 0 ? o.sweeps[o.picked] : undefined;
}

export function sweepName(s: Sweep): string {
  return s.sweepNumber !== undefined ? `sweep ${s.sweepNumber}` : `#${s.index}`;
}

/** The colourbar (amplitude → colour) and one swatch per sweep to pick it. */
function legend(
  o: FamilyOptions,
  shown: readonly Sweep[],
  lo: number,
  hi: number,
  scale: SiScale,
  colorOf: (s: Sweep) => string,
): HTMLElement {
  const amp = (v: number): string =>
    `${formatNumber(Number((v * scale.factor).toPrecision(4)))} ${scale.label}`.trim();
  const stops = Array.from({ length: 9 }, (_, k) => amplitudeColor(lo + ((hi - lo) * k) / 8, lo, hi));
  const bar = h('div', { class: 'colorbar', role: 'img', 'aria-label': 'stimulus amplitude colour scale' });
  bar.style.background = `linear-gradient(to right, ${stops.join(', ')})`;
  const scaleRow = Number.isFinite(lo)
    ? h(
        'div',
        { class: 'family-colorbar' },
        h('span', { class: 'muted', text: 'stimulus amplitude' }),
        h('span', { text: amp(lo) }),
        bar,
        h('span', { text: amp(hi) }),
      )
    : h('p', { class: 'muted', text: 'no stimulus amplitude measured' });
  const list = h('ul', { class: 'legend family-legend', 'aria-label': 'Sweeps of the family' });
  shown.forEach(s => {
    const index = o.sweeps.indexOf(s);
    const swatch = h('span', { class: 'swatch' });
    swatch.style.background = colorOf(s);
    const a = s.shape ? amp(s.shape.amplitude) : 'amplitude unknown';
    const item = h(
      'li',
      { class: 'roi-item', role: 'button', tabindex: 0, 'aria-pressed': String(index === o.picked) },
      swatch,
      h('span', { text: `${sweepName(s)} · ${a}` }),
    );
    item.addEventListener('click', () => o.onPick(index));
    item.addEventListener('keydown', e => {
      if (e.key === 'Enter' || e.key === ' ') {
        e.preventDefault();
        o.onPick(index);
      }
    });
    list.appendChild(item);
  });
  return h('div', { class: 'family-legend-box' }, scaleRow, list);
}

/** One series as an envelope (min and max of each column, zig-zagged) on a time axis from `origin`. */
async function envelope(
  ctx: ViewContext,
  path: string,
  pixels: number,
  origin: number | undefined,
): Promise<Loaded['response']> {
  const info = await ctx.request('series/info', { path });
  const end = info.tEnd > info.tStart ? info.tEnd : info.tStart + 1;
  const reply = await ctx.request('series/window', { path, t0: info.tStart, t1: end, channels: [0], pixels });
  const zero = origin ?? info.tStart;
  return { ...zigzag(reply, zero), unit: info.unit };
}

function zigzag(reply: SeriesWindow, zero: number): { x: Float64Array; y: Float64Array } {
  const time = new Float64Array(reply.time);
  if (reply.mode === 'raw') {
    const values = new Float32Array(reply.values);
    return { x: time.map(t => t - zero), y: Float64Array.from(values.subarray(0, reply.count)) };
  }
  const min = new Float32Array(reply.min);
  const max = new Float32Array(reply.max);
  const x = new Float64Array(reply.columns * 2);
  const y = new Float64Array(reply.columns * 2);
  for (let i = 0; i < reply.columns; i++) {
    const t = time[i] - zero;
    // Alternate min-max and max-min so the line stays continuous between columns.
    const [a, b] = i % 2 ? [max[i], min[i]] : [min[i], max[i]];
    x[2 * i] = t;
    x[2 * i + 1] = t;
    y[2 * i] = a;
    y[2 * i + 1] = b;
  }
  return { x, y };
}

function extent(arrays: readonly ArrayLike<number>[]): { start: number; end: number } {
  let start = Infinity;
  let end = -Infinity;
  for (const a of arrays)
    for (let i = 0; i < a.length; i++) {
      const v = a[i];
      if (!Number.isFinite(v)) continue;
      if (v < start) start = v;
      if (v > end) end = v;
    }
  return Number.isFinite(start) ? { start, end: end > start ? end : start + 1 } : { start: 0, end: 1 };
}

function scaled(values: Float64Array, factor: number): Float64Array {
  return factor === 1 ? values : values.map(v => v * factor);
}

const LUT = colormapLut('viridis');

/** Viridis from low to high amplitude (its last tenth, pale yellow, left out for legibility). */
function amplitudeColor(value: number | undefined, lo: number, hi: number): string {
  if (value === undefined || !Number.isFinite(value)) return 'rgb(128, 128, 128)';
  const t = hi > lo ? (value - lo) / (hi - lo) : 0.5;
  const k = Math.round(Math.max(0, Math.min(1, t)) * 230) * 3;
  return `rgb(${LUT[k]}, ${LUT[k + 1]}, ${LUT[k + 2]})`;
}

interface SiScale {
  factor: number;
  /** Prefixed unit (`mV`, `pA`), empty when the unit is unknown. */
  label: string;
}

const SYMBOLS: Record<string, string> = {
  volts: 'V',
  volt: 'V',
  v: 'V',
  amperes: 'A',
  ampere: 'A',
  amps: 'A',
  a: 'A',
};
const PREFIXES: [number, string][] = [
  [1e9, 'G'],
  [1e6, 'M'],
  [1e3, 'k'],
  [1, ''],
  [1e-3, 'm'],
  [1e-6, 'µ'],
  [1e-9, 'n'],
  [1e-12, 'p'],
  [1e-15, 'f'],
];

/** The SI prefix that shows values up to `magnitude` (in `unit`) with 1-3 integer digits. */
function siScale(magnitude: number, unit: string): SiScale {
  const symbol = SYMBOLS[unit.trim().toLowerCase()];
  if (!symbol)
    return { factor: 1, label: ['unknown', ''].includes(unit.trim().toLowerCase()) ? '' : unit.trim() };
  if (!(magnitude > 0)) return { factor: 1, label: symbol };
  const [size, prefix] = PREFIXES.find(([p]) => magnitude >= p) ?? PREFIXES[PREFIXES.length - 1];
  return { factor: 1 / size, label: `${prefix}${symbol}` };
}
