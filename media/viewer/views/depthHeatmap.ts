/**
 * Depth × time as a heatmap: current source density over virtual channels, or any series with
 * many channels. Time on x (zoom, pan and the session cursor as on the traces), depth on y from
 * the positions the host found (else the channel index), a diverging colour scale centred on 0
 * for signed data and a colourbar in the data's unit. The values come from `series/window`: raw
 * samples, or per pixel column the extreme farther from zero.
 */
import type { DepthLayout, SeriesInfo } from '../../../src/shared/protocol';
import { describeValues } from '../../../src/shared/valueStats';
import { isCancelled } from '../api';
import { dataNote, setNote } from '../dataNote';
import { h, message } from '../dom';
import { axisLabel, formatQuantity, formatRange } from '../format';
import { Colorbar, withColorbar } from '../imageAxes';
import { bindTimeCursor } from '../timeCursor';
import { clampWindow, columnsForWidth, sameWindow, type Window } from '../timeWindow';
import type { ViewContext } from './context';
import { debouncedRedraw } from './debounce';
import { HeatmapPlot, paneBottom } from './heatmapChart';
import {
  channelSample,
  colorRange,
  depthBands,
  heatmapGrid,
  heightInPane,
  valueScale,
  type DepthBand,
} from './heatmapMath';

/** Rows drawn at most (more channels than this are sampled evenly; the screen has no more rows). */
const MAX_ROWS = 1024;
const PLOT_HEIGHT = 440;

export async function renderDepthHeatmap(ctx: ViewContext): Promise<void> {
  const layout = await ctx.request('depth/layout', { path: ctx.path });
  const info = await ctx.request('series/info', { path: layout.seriesPath });
  const channels = channelSample(layout.channelCount, MAX_ROWS);
  const bands = depthBands(layout.positions, channels);
  const full: Window =
    info.tEnd > info.tStart
      ? { start: info.tStart, end: info.tEnd }
      : { start: info.tStart, end: info.tStart + 1 };
  let visible = clampWindow(ctx.zoom() ?? full, full);

  const note = dataNote();
  const status = h('div', { class: 'inline-status', role: 'status' });
  // Styles through element.style: the webview's CSP refuses style attributes.
  const plotBox = h('div');
  Object.assign(plotBox.style, { flex: '1', minWidth: '0' });
  const row = h('div');
  Object.assign(row.style, { display: 'flex', gap: '8px', alignItems: 'flex-start' });
  const colorbar = new Colorbar();
  colorbar.element.style.width = '76px';
  colorbar.element.style.marginTop = '34px';
  ctx.root.append(
    h('h2', { text: ctx.path.split('/').pop() ?? ctx.path }),
    h('p', { class: 'muted', text: summary(layout, info, channels.length) }),
    ...(layout.note ? [h('p', { class: 'muted', text: layout.note })] : []),
    note,
    row,
    status,
  );
  row.append(plotBox, colorbar.element);
  // The plot fills the pane down to its edge (time axis in sight above the details).
  const height = heightInPane(
    plotBox.getBoundingClientRect().top,
    paneBottom(ctx.root),
    // The zoom toolbar above the canvas, the status line below it, the pane's padding.
    80,
    220,
    PLOT_HEIGHT,
  );
  const low = bands[0]?.low ?? 0;
  const high = bands[bands.length - 1]?.high ?? 1;
  const plot = ctx.own(
    new HeatmapPlot({
      parent: plotBox,
      label: `Heatmap of ${layout.seriesPath} over ${layout.positionLabel} and time`,
      xLabel: 'time',
      yLabel: axisLabel(layout.positionLabel, layout.positionUnit || undefined),
      timeAxis: true,
      seriesStart: info.tStart,
      full,
      window: visible,
      yRange: { start: low, end: high > low ? high : low + 1 },
      height,
      onWindow: w => scheduleFetch(w),
    }),
  );
  bindTimeCursor(ctx, plot, { full });
  // The picture exported says what its colours mean: the colourbar with its labels and unit.
  ctx.exports = { png: () => (plot.canvas ? withColorbar(plot.canvas, colorbar) : null) };

  const bandText = (band: DepthBand): string => {
    const who =
      band.channels.length > 1 ? `channels ${band.channels.join(', ')}` : `channel ${band.channels[0]}`;
    return layout.positions ? `${formatQuantity(band.depth, layout.positionUnit)} (${who})` : who;
  };

  let fetchController: AbortController | null = null;
  let last: Window | null = null;
  const fetchWindow = async (w: Window): Promise<void> => {
    fetchController?.abort();
    const controller = new AbortController();
    fetchController = controller;
    const reply = await ctx.request(
      'series/window',
      {
        path: layout.seriesPath,
        t0: w.start,
        t1: w.end,
        channels,
        pixels: columnsForWidth(plot.width, window.devicePixelRatio || 1, 2048),
      },
      { signal: controller.signal },
    );
    if (controller.signal.aborted) return;
    const grid = heatmapGrid(reply, reply.channels, bands);
    const range = colorRange(grid.values);
    setNote(note, describeValues(reply.stats, 'window', info.unit));
    plot.setData({
      grid,
      bands,
      range,
      colormap: range.diverging ? 'rdbu' : 'viridis',
      unit: info.unit,
      bandText,
    });
    plot.setWindow(w);
    // The colourbar reads in the prefixed unit (values scaled here: ratio units get a prefix too).
    const scale = valueScale(Math.max(Math.abs(range.min), Math.abs(range.max)), info.unit);
    colorbar.update({
      colormap: range.diverging ? 'rdbu' : 'viridis',
      window: { min: range.min / scale.factor, max: range.max / scale.factor },
      unit: scale.unit,
      height: height - 80,
    });
    last = w;
    const coloured = range.diverging
      ? 'colours centred on 0, clipped at the 99th percentile of |value|'
      : 'colours from min to max';
    status.textContent =
      reply.mode === 'raw'
        ? `${reply.count} samples × ${bands.length} rows · ${coloured}`
        : `${reply.sampleCount} samples in ${reply.columns} columns × ${bands.length} rows (per column the extreme farther from 0${reply.exact ? '' : ', sparse overview: zoom in for every sample'}) · ${coloured}`;
  };
  const redraw = debouncedRedraw<Window>(
    ctx,
    80,
    async w => {
      if (last && sameWindow(last, w)) return;
      await fetchWindow(w);
    },
    e => showError(e),
  );
  const scheduleFetch = (w: Window): void => {
    visible = w;
    ctx.setZoom(w);
    redraw(w);
  };
  const showError = (e: unknown): void => {
    if (isCancelled(e)) return;
    status.replaceChildren(message('error', e instanceof Error ? e.message : String(e)));
  };
  await fetchWindow(visible);
}

function summary(layout: DepthLayout, info: SeriesInfo, rows: number): string {
  const parts = [`${info.shape.join(' × ')} ${info.dtype.display}`];
  if (layout.seriesPath !== layout.path) parts.push(`series ${layout.seriesPath.split('/').pop()}`);
  parts.push(formatRange(info.tStart, info.tEnd, 's'));
  if (info.unit) parts.push(`unit ${info.unit}`);
  const where = layout.positions
    ? `rows by ${layout.positionLabel}${layout.positionUnit ? ` (${layout.positionUnit})` : ''}`
    : 'rows by channel index';
  parts.push(
    rows < layout.channelCount ? `${where}, every ${Math.ceil(layout.channelCount / rows)}th channel` : where,
  );
  return parts.join(' · ');
}
