/**
 * SpikeEventSeries and EventWaveform: each channel's snippets overlaid (faint, one line per event,
 * an even spread of at most a screenful) with their mean drawn over them, amplitude in the data's
 * unit with an SI prefix, and the event times below. An EventWaveform offers its series in a chooser.
 */
import type { SpikeSnippets } from '../../../src/shared/protocol';
import { errorText, isCancelled } from '../api';
import { XYPlot, type Trace } from '../charts';
import { withAlpha } from '../colormaps';
import { dataNote, noteValues } from '../dataNote';
import { h, message, select } from '../dom';
import { seriesColor } from '../plot';
import type { ViewContext } from './context';
import { eventRaster, finiteRange, legendList, padded } from './sortingParts';

/** Channels drawn at once (a chooser pages through more). */
const CHANNEL_PAGE = 6;

export async function renderSpikeEvents(ctx: ViewContext): Promise<void> {
  const stored = ctx.setting('spikeSeries', '');
  // The series chosen last time, unless the object no longer holds it (the host then refuses it).
  const first = await ctx
    .request('spikeEvents', { path: ctx.path, ...(stored ? { series: stored } : {}) })
    .catch(e => {
      if (isCancelled(e) || !stored) throw e;
      return ctx.request('spikeEvents', { path: ctx.path });
    });
  const body = h('div', { class: 'spike-events' });
  ctx.root.append(h('h2', { text: ctx.path.split('/').pop() ?? ctx.path }));
  // The shown series draws in a child scope, dropped whole when another series is chosen.
  let scope = ctx.child(body);
  const show = async (series: string): Promise<void> => {
    const snippets = await ctx.request('spikeEvents', { path: ctx.path, series });
    scope.dispose();
    body.replaceChildren();
    scope = ctx.child(body);
    drawSnippets(scope, snippets);
  };
  if (first.seriesPaths.length > 1) {
    ctx.root.appendChild(
      h(
        'div',
        { class: 'controls', role: 'group', 'aria-label': 'Series chooser' },
        select(
          'Series',
          first.seriesPaths.map(p => ({ value: p, text: p.split('/').pop() ?? p })),
          first.path,
          value => {
            ctx.setSetting('spikeSeries', value);
            void ctx
              .track(show(value))
              .catch(e => !isCancelled(e) && body.replaceChildren(message('error', errorText(e))));
          },
        ),
      ),
    );
  }
  ctx.root.appendChild(body);
  drawSnippets(scope, first);
}

function drawSnippets(ctx: ViewContext, s: SpikeSnippets): void {
  const shown = s.shown.length;
  const values = new Float32Array(s.snippets);
  const shownTimes = new Float64Array(s.shownTimes);
  const what = s.sampleCount > 1 ? 'snippets' : 'events';
  const sampled =
    shown < s.total ? `${shown} of ${s.total} ${what} shown (evenly spread)` : `all ${shown} ${what}`;
  const shape =
    s.sampleCount > 1 ? `${s.channelCount} channel(s) × ${s.sampleCount} samples` : 'one value per event';
  ctx.root.append(
    h('p', { class: 'muted', text: `${s.path} · ${s.total} events · ${shape} · ${sampled}` }),
    ...(s.description && s.description !== 'no description' ? [h('p', { text: s.description })] : []),
  );
  const note = dataNote();
  ctx.root.appendChild(note);
  noteValues(note, s.stats, 'selection', s.unit);
  const drawable = s.stats.count > s.stats.nanCount;
  const plots: XYPlot[] = [];
  if (drawable && s.sampleCount === 1) plots.push(valuePerEvent(ctx, s, values, shownTimes));
  else if (drawable) {
    // Channels side by side (two or three abreast), so the event times stay in view below.
    const page = h('div', { class: 'snippet-plots' });
    page.style.cssText = 'display:flex;flex-wrap:wrap;gap:4px 16px';
    const channels = Array.from({ length: s.channelCount }, (_, c) => c);
    const peak = peakSample(values, s, shown);
    const drawPage = (start: number): void => {
      plots.splice(0).forEach(p => p.dispose());
      page.replaceChildren();
      for (const c of channels.slice(start, start + CHANNEL_PAGE))
        plots.push(channelPlot(page, s, values, c, peak));
    };
    ctx.onDispose(() => plots.forEach(p => p.dispose()));
    ctx.root.appendChild(
      legendList([
        { label: `each of ${shown} events`, color: snippetColor(shown, 0.6) },
        { label: `mean of the ${shown} shown`, color: meanColor() },
      ]),
    );
    if (s.channelCount > CHANNEL_PAGE) {
      const starts = channels.filter(c => c % CHANNEL_PAGE === 0);
      ctx.root.appendChild(
        h(
          'div',
          { class: 'controls', role: 'group', 'aria-label': 'Channel pages' },
          select(
            'Channels',
            starts.map(c => ({
              value: String(c),
              text: `channels ${c} – ${Math.min(s.channelCount, c + CHANNEL_PAGE) - 1} of ${s.channelCount}`,
            })),
            '0',
            v => drawPage(Number(v)),
          ),
        ),
      );
    }
    ctx.root.appendChild(page);
    drawPage(0);
    ctx.root.appendChild(
      h('p', {
        class: 'muted',
        text: 'x: samples from the peak of the mean (the file stores no sampling rate for snippets)',
      }),
    );
  }
  ctx.root.appendChild(h('h3', { text: 'Event times' }));
  const times = new Float64Array(s.times).sort();
  const raster = eventRaster(
    ctx,
    ctx.root,
    [{ label: 'events', color: seriesColor(0), times }],
    `Event times of ${s.path}`,
  );
  if (times.length < s.total)
    ctx.root.appendChild(
      h('p', { class: 'muted', text: `${times.length} of ${s.total} event times shown (evenly spread)` }),
    );
  ctx.exports = { png: () => plots[0]?.canvas ?? raster.canvas };
}

/** Faint enough that a few hundred overlaid snippets read as a density, not a solid block. */
const snippetColor = (count: number, floor = 0): string =>
  withAlpha(seriesColor(0), Math.max(floor, 0.08, Math.min(0.5, 8 / Math.max(1, count))));
/** The mean in a contrasting colour over the snippets. */
const meanColor = (): string => seriesColor(1);

/** One channel: every shown snippet faint, their mean over them. */
function channelPlot(
  parent: HTMLElement,
  s: SpikeSnippets,
  values: Float32Array,
  channel: number,
  peak: number,
): XYPlot {
  const n = s.sampleCount;
  const x = Float64Array.from({ length: n }, (_, i) => i - peak);
  // One colour for every channel: each has its own plot and name, and the legend holds for all.
  const faint = snippetColor(s.shown.length);
  const traces: Trace[] = [];
  const sum = new Float64Array(n);
  const counts = new Uint32Array(n);
  const own = new Float32Array(s.shown.length * n);
  s.shown.forEach((event, k) => {
    const y = values.subarray((k * s.channelCount + channel) * n, (k * s.channelCount + channel + 1) * n);
    own.set(y, k * n);
    y.forEach((v, i) => {
      if (Number.isFinite(v)) {
        sum[i] += v;
        counts[i]++;
      }
    });
    traces.push({ label: `event ${event}`, color: faint, x, y });
  });
  const mean = Float64Array.from(sum, (v, i) => (counts[i] ? v / counts[i] : NaN));
  traces.push({ label: 'mean', color: meanColor(), x, y: mean, width: 2.5 });
  const full = { start: x[0], end: Math.max(x[n - 1], x[0] + 1) };
  const label = s.channelLabels[channel] ?? `channel ${channel}`;
  const cell = h('div', { class: 'snippet-channel' }, h('div', { class: 'muted', text: label }));
  cell.style.cssText = 'flex:1 1 340px;min-width:0';
  parent.appendChild(cell);
  const plot = new XYPlot({
    parent: cell,
    label: `Snippets of ${s.path} on ${label}`,
    xLabel: 'sample from peak',
    yLabel: 'amplitude',
    yUnit: s.unit,
    timeAxis: false,
    full,
    window: full,
    height: 200,
    yRange: padded(finiteRange(own)),
  });
  plot.setTraces(traces);
  return plot;
}

/** 1-D data: a single value per event, drawn against the event's time. */
function valuePerEvent(
  ctx: ViewContext,
  s: SpikeSnippets,
  values: Float32Array,
  times: Float64Array,
): XYPlot {
  ctx.root.appendChild(
    h('p', {
      class: 'muted',
      text: 'The data hold one value per event (1-D), not snippets: each value at its event time.',
    }),
  );
  const full = padded(finiteRange(times), 0.02);
  const plot = new XYPlot({
    parent: ctx.root,
    label: `Values of ${s.path} per event`,
    xLabel: 'time',
    yLabel: 'value',
    yUnit: s.unit,
    timeAxis: true,
    full,
    window: full,
    height: 260,
    yRange: padded(finiteRange(values)),
  });
  plot.setTraces([]);
  const color = seriesColor(0);
  plot.setMarkers(Array.from(values, (y, i) => ({ x: times[i], y, color })));
  ctx.own(plot);
  return plot;
}

/** The sample where a channel's mean is furthest from zero (the spike's trough or peak), over all channels. */
function peakSample(values: Float32Array, s: SpikeSnippets, shown: number): number {
  const n = s.sampleCount;
  let best = 0;
  let bestValue = -1;
  for (let c = 0; c < s.channelCount; c++) {
    const sum = new Float64Array(n);
    for (let k = 0; k < shown; k++)
      for (let i = 0; i < n; i++) {
        const v = values[(k * s.channelCount + c) * n + i];
        if (Number.isFinite(v)) sum[i] += v;
      }
    sum.forEach((v, i) => {
      if (Math.abs(v) > bestValue) [best, bestValue] = [i, Math.abs(v)];
    });
  }
  return best;
}
