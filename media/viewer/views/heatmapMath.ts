/**
 * Depth × time heatmaps (pure, no DOM): channels grouped into depth bands, the `series/window`
 * reply turned into one value per band and time column, the colour range, and the lookup of the
 * cell under a screen pixel.
 */
import type { SeriesWindow } from '../../../src/shared/protocol';
import { displayScale, parseSiUnit, siPrefix } from '../format';

/** Channels at one depth, drawn between `low` and `high` (midway to the neighbouring depths). */
export interface DepthBand {
  depth: number;
  low: number;
  high: number;
  channels: number[];
}

/**
 * Bands in increasing depth for `channels`, from one position per channel of the series (or the
 * channel index when there are none). Channels at the same depth (two columns of a Neuropixels shank) share a band.
 */
export function depthBands(positions: readonly number[] | null, channels: readonly number[]): DepthBand[] {
  const at = (c: number): number => (positions ? positions[c] : c);
  const order = [...channels].sort((a, b) => at(a) - at(b) || a - b);
  const bands: DepthBand[] = [];
  for (const c of order) {
    const last = bands[bands.length - 1];
    if (last && last.depth === at(c)) last.channels.push(c);
    else bands.push({ depth: at(c), low: 0, high: 0, channels: [c] });
  }
  bands.forEach((b, i) => {
    const below = bands[i - 1]?.depth;
    const above = bands[i + 1]?.depth;
    const half = (below !== undefined ? b.depth - below : above !== undefined ? above - b.depth : 1) / 2;
    b.low = below !== undefined ? (b.depth + below) / 2 : b.depth - half;
    const upHalf = above !== undefined ? (above - b.depth) / 2 : half;
    b.high = b.depth + upHalf;
  });
  return bands;
}

/** One value per band (row) and time column, with the time edges of the columns. */
export interface HeatmapGrid {
  rows: number;
  columns: number;
  /** `columns + 1` increasing times in seconds: column i covers [edges[i], edges[i + 1]). */
  edges: Float64Array;
  /** Row-major `[row * columns + column]`, NaN where nothing was read. */
  values: Float32Array;
}

/** The extreme farther from zero (a sink or a source keeps its sign and size when columns are reduced). */
const extreme = (lo: number, hi: number): number => (Math.abs(lo) > Math.abs(hi) ? lo : hi);

/**
 * The reply's samples (raw) or min/max columns (reduced: the extreme farther from zero) averaged
 * over each band's channels. `channels` are the ones the reply was asked for, in its order.
 */
export function heatmapGrid(
  reply: SeriesWindow,
  channels: readonly number[],
  bands: readonly DepthBand[],
): HeatmapGrid {
  const slot = new Map(channels.map((c, i) => [c, i]));
  const raw = reply.mode === 'raw';
  const columns = raw ? reply.count : reply.columns;
  const time = new Float64Array(reply.time);
  const values = new Float32Array(bands.length * columns).fill(NaN);
  const rawValues = raw ? new Float32Array(reply.values) : null;
  const min = raw ? null : new Float32Array(reply.min);
  const max = raw ? null : new Float32Array(reply.max);
  bands.forEach((band, row) => {
    const slots = band.channels.map(c => slot.get(c)).filter((s): s is number => s !== undefined);
    for (let col = 0; col < columns; col++) {
      let sum = 0;
      let n = 0;
      for (const s of slots) {
        const k = s * columns + col;
        const v = rawValues ? rawValues[k] : extreme(min?.[k] ?? NaN, max?.[k] ?? NaN);
        if (Number.isNaN(v)) continue;
        sum += v;
        n++;
      }
      if (n > 0) values[row * columns + col] = sum / n;
    }
  });
  return { rows: bands.length, columns, edges: columnEdges(time, raw), values };
}

/** Raw samples sit at the middle of their cells; reduced columns start at their time. */
function columnEdges(time: Float64Array, centred: boolean): Float64Array {
  const n = time.length;
  const edges = new Float64Array(n + 1);
  if (n === 0) return edges;
  const step = n > 1 ? (time[n - 1] - time[0]) / (n - 1) : 1;
  if (centred) {
    edges[0] = time[0] - (n > 1 ? (time[1] - time[0]) / 2 : step / 2);
    for (let i = 1; i < n; i++) edges[i] = (time[i - 1] + time[i]) / 2;
    edges[n] = time[n - 1] + (n > 1 ? (time[n - 1] - time[n - 2]) / 2 : step / 2);
  } else {
    edges.set(time);
    edges[n] = time[n - 1] + step;
  }
  return edges;
}

/** The colour scale: centred on 0 for signed data (diverging), else the data's own range. */
export interface ColorRange {
  min: number;
  max: number;
  diverging: boolean;
}

/**
 * Signed values (below and above zero) get a range symmetric about zero, out to the 99th
 * percentile of |value| so a few spikes do not wash the rest out; others run min to max.
 */
export function colorRange(values: ArrayLike<number>): ColorRange {
  let min = Infinity;
  let max = -Infinity;
  const magnitudes: number[] = [];
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (Number.isNaN(v)) continue;
    min = Math.min(min, v);
    max = Math.max(max, v);
    magnitudes.push(Math.abs(v));
  }
  if (!magnitudes.length) return { min: 0, max: 0, diverging: false };
  if (!(min < 0 && max > 0)) return { min, max, diverging: false };
  magnitudes.sort((a, b) => a - b);
  const reach = magnitudes[Math.min(magnitudes.length - 1, Math.floor(0.99 * magnitudes.length))];
  const r = reach > 0 ? reach : Math.max(-min, max);
  return { min: -r, max: r, diverging: true };
}

/** Index i with edges[i] <= v < edges[i + 1] in increasing `edges`, or -1 outside. */
export function cellAt(edges: ArrayLike<number>, v: number): number {
  const n = edges.length - 1;
  if (n < 1 || !(v >= edges[0]) || !(v < edges[n])) return -1;
  let lo = 0;
  let hi = n - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (edges[mid] <= v) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** Band edges in increasing depth (`bands.length + 1` values; a gap between bands has none). */
export function bandEdges(bands: readonly DepthBand[]): Float64Array {
  const edges = new Float64Array(bands.length + 1);
  bands.forEach((b, i) => (edges[i] = b.low));
  if (bands.length) edges[bands.length] = bands[bands.length - 1].high;
  return edges;
}

/** At most `max` channels spread evenly over `count` (rows beyond the screen's add nothing). */
export function channelSample(count: number, max: number): number[] {
  const step = Math.max(1, Math.ceil(count / max));
  const out: number[] = [];
  for (let c = 0; c < count; c += step) out.push(c);
  return out;
}

const SUPERSCRIPTS: Readonly<Record<string, string>> = { '2': '²', '3': '³', '-1': '⁻¹', '-2': '⁻²' };

/**
 * How values of `unit` reaching `reach` read: an SI prefix chosen from the data, also on the
 * numerator of a ratio unit (CSD in V/cm^2 at 1e5 reads 100 kV/cm²); other units as written.
 * Shown value = value / factor.
 */
export function valueScale(reach: number, unit: string): { factor: number; unit: string } {
  const pretty = (u: string): string => u.replace(/\^(-?\d)/g, (m, p: string) => SUPERSCRIPTS[p] ?? m);
  const ratio = /^\s*([^/\s]+)\s*\/\s*(.+?)\s*$/.exec(unit);
  const numerator = ratio ? parseSiUnit(ratio[1]) : null;
  if (ratio && numerator) {
    const scaled = siPrefix(Math.abs(reach) * numerator.scale, numerator.symbol);
    return { factor: scaled.factor / numerator.scale, unit: `${scaled.unit}/${pretty(ratio[2])}` };
  }
  const scale = displayScale(reach, unit);
  return { factor: scale.factor, unit: pretty(scale.unit) };
}

/**
 * Height for a plot starting at `top` so it ends above `bottom` (the pane's edge: its axes stay
 * in sight above the details), less `chrome` for what surrounds it, between `least` and `most`.
 */
export function heightInPane(
  top: number,
  bottom: number,
  chrome: number,
  least: number,
  most: number,
): number {
  const room = Math.floor(bottom - top - chrome);
  return Number.isFinite(room) && bottom > top ? Math.max(least, Math.min(most, room)) : most;
}
