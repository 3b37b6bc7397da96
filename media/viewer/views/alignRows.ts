/**
 * The rows of the align view, one per chosen object, each a chart of the shared engine on the
 * session's time axis: a TimeSeries' first channels (fetched per window at screen resolution), a
 * Units raster, a TimeIntervals timeline, or events (AnnotationSeries, ndx-events) as one row of
 * ticks. Preparing a row reads what gives its time range; mounting it draws it on the shared axis.
 */
import type { ObjectSummary } from '../../../src/shared/protocol';
import { laneAssignment } from '../chartGeometry';
import { LanePlot, RasterPlot } from '../charts';
import { categoricalColor } from '../colormaps';
import { axisLabel } from '../format';
import { LinePlot } from '../linePlot';
import { seriesColor, type Chart } from '../plot';
import { drawableChannels } from '../seriesData';
import { columnsForWidth, stackOffsets, type DrawableChannel, type Window } from '../timeWindow';
import type { ViewContext } from './context';

export type RowKind = 'series' | 'units' | 'intervals' | 'events';

/** An object that can be a row. */
export interface RowSource {
  path: string;
  name: string;
  kind: RowKind;
  neurodataType?: string;
}

/** A mounted row: its chart, and what it does when the shared window moves. */
export interface AlignRow {
  chart: Chart;
  load(w: Window): Promise<void>;
}

/** A prepared row: its time range, and how to mount it on the shared axis. */
export interface PreparedRow {
  range: Window;
  mount(parent: HTMLElement, full: Window, window: Window, onWindow: (w: Window) => void): AlignRow;
}

const EVENT_TYPES = /^(AnnotationSeries|Events|LabeledEvents|TTLs)$/;
/** The channels a series row shows: enough to recognise the signal, few enough to read. */
const SERIES_CHANNELS = 4;
const UNIT_ROWS = 30;
const MAX_LANES = 12;

/** What kind of row an overview item makes, or null when it has no time axis the view can draw. */
export function rowKindOf(item: Pick<ObjectSummary, 'view' | 'neurodataType'>): RowKind | null {
  if (item.neurodataType && EVENT_TYPES.test(item.neurodataType)) return 'events';
  if (item.view === 'timeseries' || item.view === 'icephys') return 'series';
  if (item.view === 'spatial' && /Series$/.test(item.neurodataType ?? '')) return 'series';
  if (item.view === 'units') return 'units';
  if (item.view === 'intervals') return 'intervals';
  return null;
}

const rangeOf = (start: number, end: number): Window =>
  end > start ? { start, end } : { start, end: start + 1 };

type Mount = PreparedRow['mount'];

/** Width of every row's y axis: the same for all, so their time axes line up to the pixel. */
const Y_AXIS_PX = 120;

/** Common chart options of a row (the tick labels say seconds: no axis title per row). */
function chartOptions(
  src: RowSource,
  parent: HTMLElement,
  full: Window,
  window: Window,
  onWindow: (w: Window) => void,
) {
  return {
    parent,
    label: `${src.name} on the session time axis`,
    xLabel: '',
    yAxisSize: Y_AXIS_PX,
    timeAxis: true,
    full,
    window,
    onWindow,
  };
}

export async function prepareRow(ctx: ViewContext, src: RowSource): Promise<PreparedRow> {
  switch (src.kind) {
    case 'series':
      return prepareSeries(ctx, src);
    case 'units':
      return prepareUnits(ctx, src);
    case 'intervals':
      return prepareIntervals(ctx, src);
    case 'events':
      return prepareEvents(ctx, src);
  }
}

async function prepareSeries(ctx: ViewContext, src: RowSource): Promise<PreparedRow> {
  const info = await ctx.request('series/info', { path: src.path });
  if (info.sampleCount === 0) throw new Error('the series holds no samples');
  const channels = Array.from({ length: Math.min(SERIES_CHANNELS, info.channelCount) }, (_, i) => i);
  const labels = channels.map(c => info.channelLabels?.[c] ?? `ch ${c}`);
  const mount: Mount = (parent, full, window, onWindow) => {
    const chart = new LinePlot({
      ...chartOptions(src, parent, full, window, onWindow),
      yLabel: axisLabel(channels.length > 1 ? 'channel' : 'value', info.unit),
      height: 150,
    });
    let controller: AbortController | null = null;
    const load = async (w: Window): Promise<void> => {
      controller?.abort();
      const c = (controller = new AbortController());
      const reply = await ctx.request(
        'series/window',
        {
          path: src.path,
          t0: w.start,
          t1: w.end,
          channels,
          pixels: columnsForWidth(chart.width, globalThis.devicePixelRatio || 1),
        },
        { signal: c.signal },
      );
      if (c.signal.aborted) return;
      const { drawn, ticks } = stacked(drawableChannels(reply), labels);
      chart.setData(
        drawn,
        labels.map((label, i) => ({ label, color: seriesColor(i % 2) })),
        ticks,
        ticks ? 70 + 24 * labels.length : 150,
      );
      chart.setWindow(w);
    };
    return { chart, load };
  };
  return { range: rangeOf(info.tStart, info.tEnd), mount };
}

/** Several channels one above the other (channel 0 on top), one channel as it is. */
function stacked(
  channels: DrawableChannel[],
  labels: string[],
): { drawn: DrawableChannel[]; ticks?: { values: number[]; labels: string[] } } {
  if (channels.length < 2) return { drawn: channels };
  const ranges = channels.map(ch => {
    let min = Infinity;
    let max = -Infinity;
    for (const v of [...(ch.band?.min ?? ch.mid), ...(ch.band?.max ?? ch.mid)]) {
      if (v === null) continue;
      if (v < min) min = v;
      if (v > max) max = v;
    }
    return { min, max };
  });
  const { offsets, spacing } = stackOffsets(ranges);
  const shift = (arr: (number | null)[], by: number) => arr.map(v => (v === null ? null : v + by));
  const drawn = channels.map((ch, i) => ({
    x: ch.x,
    mid: shift(ch.mid, offsets[i]),
    ...(ch.band
      ? { band: { min: shift(ch.band.min, offsets[i]), max: shift(ch.band.max, offsets[i]) } }
      : {}),
  }));
  const n = channels.length;
  return { drawn, ticks: { values: labels.map((_, i) => (n - 1 - i) * spacing), labels } };
}

async function prepareUnits(ctx: ViewContext, src: RowSource): Promise<PreparedRow> {
  // All spikes of the first units at once: the raster draws any window of them without asking again.
  const raster = await ctx.request('units/raster', { path: src.path, unitStart: 0, unitCount: UNIT_ROWS });
  const offsets = new Uint32Array(raster.offsets);
  const times = new Float64Array(raster.times);
  const mount: Mount = (parent, full, window, onWindow) => {
    const chart = new RasterPlot({
      ...chartOptions(src, parent, full, window, onWindow),
      yLabel:
        raster.unitCount > raster.units.length
          ? `units 1–${raster.units.length} of ${raster.unitCount}`
          : 'unit',
      height: Math.max(110, Math.min(400, raster.units.length * 15 + 50)),
    });
    chart.setRows(
      raster.units.map((u, i) => ({
        label: u.label || `unit ${u.id}`,
        color: categoricalColor(u.row),
        times: times.subarray(offsets[i], offsets[i + 1]),
      })),
    );
    return { chart, load: async () => undefined };
  };
  return { range: rangeOf(raster.tMin, raster.tMax), mount };
}

async function prepareIntervals(ctx: ViewContext, src: RowSource): Promise<PreparedRow> {
  const tl = await ctx.request('intervals', { path: src.path });
  const start = new Float64Array(tl.start);
  const stop = new Float64Array(tl.stop);
  const { lanes, laneOf } = laneAssignment(tl.labels ?? [], start.length, MAX_LANES, src.name);
  const members: number[][] = lanes.map(() => []);
  laneOf.forEach((lane, i) => members[lane].push(i));
  const mount: Mount = (parent, full, window, onWindow) => {
    const chart = new LanePlot({
      ...chartOptions(src, parent, full, window, onWindow),
      yLabel: tl.labelColumn ?? '',
      height: Math.min(260, 70 + lanes.length * 20),
    });
    chart.setLanes(
      lanes.map((label, lane) => ({
        label,
        color: categoricalColor(lane, 0.75),
        start: Float64Array.from(members[lane], i => start[i]),
        stop: Float64Array.from(members[lane], i => stop[i]),
      })),
    );
    return { chart, load: async () => undefined };
  };
  return { range: rangeOf(tl.tMin, tl.tMax), mount };
}

async function prepareEvents(ctx: ViewContext, src: RowSource): Promise<PreparedRow> {
  const slice = await ctx.request('dataset/slice', { path: `${src.path}/timestamps` });
  if (slice.kind !== 'numeric') throw new Error('its timestamps are not numbers');
  const times = new Float64Array(slice.data).sort();
  if (times.length === 0) throw new Error('it holds no events');
  const mount: Mount = (parent, full, window, onWindow) => {
    const chart = new RasterPlot({
      ...chartOptions(src, parent, full, window, onWindow),
      yLabel: '',
      height: 90,
    });
    chart.setRows([{ label: src.name, color: categoricalColor(0), times }]);
    return { chart, load: async () => undefined };
  };
  return { range: rangeOf(times[0], times[times.length - 1]), mount };
}
