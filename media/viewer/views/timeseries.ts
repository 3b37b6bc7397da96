/**
 * TimeSeries family: a line plot over the true time axis that asks the host only for the visible
 * window at screen resolution (min/max per pixel column), with channel paging. ElectricalSeries
 * (and anything with many channels) are drawn as stacked traces labelled by electrode.
 */
import type { SeriesInfo, SeriesWindow } from '../../../src/shared/protocol';
import { isCancelled, type Params } from '../api';
import { describeFlatChannels, describeValues } from '../../../src/shared/valueStats';
import { dataNote, setNote } from '../dataNote';
import { button, h, message, select } from '../dom';
import { axisLabel, formatNumber, formatQuantity, formatRange } from '../format';
import { LinePlot } from '../linePlot';
import { overviewBadge } from '../overviewBadge';
import { seriesColor, type PlotSeries } from '../plot';
import { drawableChannels } from '../seriesData';
import { bindTimeCursor } from '../timeCursor';
import {
  clampWindow,
  columnsForWidth,
  pageRange,
  sameWindow,
  stackOffsets,
  type DrawableChannel,
  type Window,
} from '../timeWindow';
import type { ViewContext } from './context';
import { debouncedRedraw } from './debounce';
import { externalFileList, externalFiles, externalFilesText } from './image';

const PAGE_SIZES = [1, 4, 5, 8, 16, 32, 64];

function channelRange(ch: DrawableChannel): { min: number; max: number } {
  let min = Infinity;
  let max = -Infinity;
  const lo = ch.band?.min ?? ch.mid;
  const hi = ch.band?.max ?? ch.mid;
  for (let i = 0; i < lo.length; i++) {
    const a = lo[i];
    const b = hi[i];
    if (a !== null && a < min) min = a;
    if (b !== null && b > max) max = b;
  }
  return { min, max };
}

function offsetChannel(ch: DrawableChannel, offset: number): DrawableChannel {
  const add = (arr: (number | null)[]) => arr.map(v => (v === null ? null : v + offset));
  return {
    x: ch.x,
    mid: add(ch.mid),
    ...(ch.band ? { band: { min: add(ch.band.min), max: add(ch.band.max) } } : {}),
  };
}

export async function renderTimeSeries(ctx: ViewContext): Promise<void> {
  const info = await ctx.request('series/info', { path: ctx.path });
  if (info.sampleCount === 0 || info.channelCount === 0) return renderEmptySeries(ctx, info);
  const stackedDefault =
    /ElectricalSeries|SpikeEventSeries/.test(ctx.resolution.inheritance.join(' ')) || info.channelCount > 8;
  const full: Window =
    info.tEnd > info.tStart
      ? { start: info.tStart, end: info.tEnd }
      : { start: info.tStart, end: info.tStart + 1 };
  let visible = clampWindow(ctx.zoom() ?? full, full);
  let stacked = ctx.setting('stacked', stackedDefault);
  let pageSize = ctx.setting('pageSize', stacked ? 16 : Math.min(8, Math.max(1, info.channelCount)));
  let first = ctx.setting('firstChannel', 0);

  const header = h('div', { class: 'view-header' });
  const title = h('h2', { text: `${ctx.path.split('/').pop() ?? ctx.path}` });
  header.appendChild(title);
  header.appendChild(h('p', { class: 'muted', text: seriesSummary(info) }));
  if (info.description) header.appendChild(h('p', { class: 'description', text: info.description }));
  const controls = h('div', { class: 'controls', role: 'group', 'aria-label': 'Channels' });
  const channelText = h('span', { class: 'muted', 'aria-live': 'polite' });
  const chunkWarning =
    info.chunks && info.chunks.length > 1 && info.chunks[0] === 1 && info.sampleCount > 1000
      ? message('empty', 'This dataset is chunked one sample at a time; reading long windows is slow.')
      : null;
  const note = dataNote();
  const plotBox = h('div', { class: 'plot-box' });
  const status = h('div', { class: 'inline-status', role: 'status' });
  // Which overview the plot shows (sparse probes, refining, exact): text people and tests read.
  const overview = h('span', { class: 'overview-status', role: 'status', 'aria-live': 'polite' });
  const plotHead = h('div', { class: 'plot-head' }, overview);
  ctx.root.append(header, controls, chunkWarning ?? '', note, plotHead, plotBox, status);

  const plot = ctx.own(
    new LinePlot({
      parent: plotBox,
      label: `Plot of ${ctx.path}`,
      xLabel: 'time',
      yLabel: stacked ? axisLabel('channel', info.unit) : axisLabel(info.neurodataType ?? 'value', info.unit),
      timeAxis: true,
      seriesStart: info.tStart,
      full,
      window: visible,
      onWindow: w => scheduleFetch(w),
    }),
  );
  bindTimeCursor(ctx, plot, { full });
  ctx.exports = {
    png: () => plot.canvas,
    csv: () => ({
      what: 'series',
      path: ctx.path,
      t0: visible.start,
      t1: visible.end,
      channels: channelsShown(),
      save: true,
    }),
  };

  const channelsShown = (): number[] => {
    const r = pageRange(first, pageSize, info.channelCount);
    return Array.from({ length: r.count }, (_, i) => r.first + i);
  };
  const labelOf = (c: number): string => info.channelLabels?.[c] ?? `ch ${c}`;

  const renderControls = (): void => {
    controls.replaceChildren();
    if (info.channelCount <= 1) return;
    const r = pageRange(first, pageSize, info.channelCount);
    controls.append(
      button('Previous channels', () => page(-1), { text: '◀ channels' }),
      button('Next channels', () => page(1), { text: 'channels ▶' }),
      select(
        'Channels per page',
        pageSizes(info.channelCount, pageSize).map(n => ({ value: String(n), text: String(n) })),
        String(pageSize),
        v => {
          pageSize = Number(v);
          ctx.setSetting('pageSize', pageSize);
          void refetch();
        },
      ),
      select(
        'Layout',
        [
          { value: 'stacked', text: 'stacked' },
          { value: 'overlay', text: 'overlay' },
        ],
        stacked ? 'stacked' : 'overlay',
        v => {
          stacked = v === 'stacked';
          ctx.setSetting('stacked', stacked);
          void refetch();
        },
      ),
      channelText,
    );
    channelText.textContent = `channels ${r.first}–${r.first + r.count - 1} of ${info.channelCount}`;
  };
  const page = (dir: number): void => {
    first = pageRange(first + dir * pageSize, pageSize, info.channelCount).first;
    ctx.setSetting('firstChannel', first);
    void refetch();
  };

  let fetchController: AbortController | null = null;
  let last: { w: Window; channels: string } | null = null;
  const fetchWindow = async (w: Window): Promise<void> => {
    fetchController?.abort();
    const controller = new AbortController();
    fetchController = controller;
    const channels = channelsShown();
    const params = {
      path: ctx.path,
      t0: w.start,
      t1: w.end,
      channels,
      pixels: columnsForWidth(plot.width, window.devicePixelRatio || 1),
    };
    const reply = await ctx.request('series/window', params, { signal: controller.signal });
    if (controller.signal.aborted) return;
    draw(reply, w, channels);
    last = { w, channels: channels.join(',') };
    // The exact overview streams in the background; moving on aborts the controller (and the wait).
    void refine(reply, params, w, controller).catch(showError);
  };
  /** Long-polls `series/refine` while the overview sharpens, redrawing after each answer. */
  const refine = async (
    first: SeriesWindow,
    params: Omit<Params<'series/refine'>, 'since'>,
    w: Window,
    controller: AbortController,
  ): Promise<void> => {
    let reply = first;
    while (reply.mode === 'minmax' && reply.overview?.refinable && !controller.signal.aborted) {
      const since = reply.overview.version;
      reply = await ctx.request('series/refine', { ...params, since }, { signal: controller.signal });
      if (controller.signal.aborted) return;
      // The user is moving the window (its fetch is debounced): that fetch refines it again.
      if (!sameWindow(visible, w)) {
        last = null;
        return;
      }
      draw(reply, w, params.channels);
    }
  };
  const draw = (reply: SeriesWindow, w: Window, channels: number[]): void => {
    let drawable = drawableChannels(reply);
    setNote(
      note,
      describeValues(reply.stats, 'window', info.unit) ??
        describeFlatChannels(drawable.map(channelRange), 'window', info.unit),
    );
    const series: PlotSeries[] = channels.map((c, i) => ({
      label: labelOf(c),
      color: seriesColor(stacked ? 0 : i),
    }));
    let ticks: { values: number[]; labels: string[] } | undefined;
    if (stacked && drawable.length > 1) {
      const { offsets, spacing } = stackOffsets(drawable.map(channelRange));
      drawable = drawable.map((ch, i) => offsetChannel(ch, offsets[i]));
      // Channel i is centred on its baseline (n - 1 - i) * spacing (see stackOffsets).
      ticks = {
        values: channels.map((_, i) => (channels.length - 1 - i) * spacing),
        labels: channels.map(labelOf),
      };
      series.forEach((s, i) => (s.color = seriesColor(i % 2 === 0 ? 0 : 1)));
    }
    // Stacked traces fill the pane (time axis in sight above the details), 16 px a channel at least.
    const n = channels.length;
    plot.setData(
      drawable,
      series,
      ticks,
      ticks
        ? fitHeight(ctx.root, plotBox, 90 + 10 * n, Math.min(1400, 90 + 34 * n))
        : fitHeight(ctx.root, plotBox, 220, 360),
    );
    plot.setWindow(w);
    showOverview(overview, reply);
    status.textContent =
      reply.mode === 'raw'
        ? `${reply.count} samples`
        : `${reply.sampleCount} samples in ${reply.columns} columns (min/max per column${
            reply.exact
              ? ''
              : reply.overview?.state === 'refining'
                ? ', refining: exact where the background reads have reached'
                : ', sparse overview: zoom in for every sample'
          })`;
  };
  const redraw = debouncedRedraw<Window>(
    ctx,
    80,
    async w => {
      if (last && sameWindow(last.w, w) && last.channels === channelsShown().join(',')) return;
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
  const refetch = async (): Promise<void> => {
    renderControls();
    last = null;
    await ctx.track(fetchWindow(visible)).catch(showError);
  };
  renderControls();
  await fetchWindow(visible);
}

/** Says which overview the plot shows (overviewBadge.ts); why it was not kept stays for the view. */
function showOverview(badge: HTMLElement, reply: SeriesWindow): void {
  const overview = reply.mode === 'minmax' ? reply.overview : undefined;
  if (overview?.notKept) badge.dataset.notKept = overview.notKept;
  const { state, text, title } = overviewBadge(overview, badge.dataset.notKept);
  badge.dataset.state = state;
  badge.textContent = text;
  badge.title = title;
  badge.setAttribute('aria-label', `Overview: ${badge.textContent}`);
}

/**
 * A plot height that fills what is left of the pane below the plot's top (so its time axis is in
 * sight above the details), between `least` (readable) and `most` (no taller than useful).
 */
function fitHeight(pane: HTMLElement, plotBox: HTMLElement, least: number, most: number): number {
  const below = pane.getBoundingClientRect().bottom - plotBox.getBoundingClientRect().top;
  // The toolbar above the canvas, the legend or status line below it, the pane's padding.
  const room = Math.floor(below - 76);
  return Number.isFinite(room) && pane.clientHeight > 0 ? Math.max(least, Math.min(most, room)) : most;
}

/** Page sizes offered: the standard ones up to the channel count, the count itself, and the current one. */
function pageSizes(channelCount: number, current: number): number[] {
  const sizes = new Set(PAGE_SIZES.filter(n => n < channelCount));
  sizes.add(Math.max(1, Math.min(channelCount, 64)));
  sizes.add(current);
  return [...sizes].sort((a, b) => a - b);
}

function seriesSummary(info: SeriesInfo): string {
  const parts = [`${info.shape.join(' × ')} ${info.dtype.display}`];
  if (info.timing.kind === 'rate')
    parts.push(
      `${formatQuantity(info.timing.rate, 'Hz')} from ${formatQuantity(info.timing.startingTime, 's')}`,
    );
  else if (info.timing.kind === 'timestamps') parts.push('timestamps');
  parts.push(formatRange(info.tStart, info.tEnd, 's'));
  if (info.unit) parts.push(`unit ${info.unit}`);
  if (info.conversion !== 1) parts.push(`conversion ${formatNumber(info.conversion)}`);
  if (info.offset) parts.push(`offset ${formatNumber(info.offset)}`);
  return parts.join(' · ');
}

/** A series without samples: say so, and list its external files (ImageSeries with external_file). */
async function renderEmptySeries(ctx: ViewContext, info: SeriesInfo): Promise<void> {
  ctx.root.append(
    h('h2', { text: ctx.path.split('/').pop() ?? ctx.path }),
    h('p', { class: 'muted', text: seriesSummary(info) }),
  );
  const note = dataNote();
  ctx.root.appendChild(note);
  const files = await externalFiles(ctx);
  if (!files) {
    setNote(note, `This series holds no samples (its data have shape [${info.shape.join(', ')}]).`);
    return;
  }
  setNote(note, await externalFilesText(ctx, files));
  ctx.root.appendChild(externalFileList(ctx, files));
}
