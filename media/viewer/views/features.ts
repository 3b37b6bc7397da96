/**
 * FeatureExtraction: one point per event, two chosen features of one chosen channel against each
 * other (named by `description`), coloured by the event's time; with a single feature, that
 * feature against time. The event times are drawn below.
 */
import type { FeatureValues } from '../../../src/shared/protocol';
import { errorText, isCancelled } from '../api';
import { XYPlot, type Marker } from '../charts';
import { colormapLut } from '../colormaps';
import { dataNote, noteValues } from '../dataNote';
import { h, message, select } from '../dom';
import { formatSeconds } from '../format';
import { seriesColor } from '../plot';
import type { ViewContext } from './context';
import { eventRaster, finiteRange, padded } from './sortingParts';

const LUT = colormapLut('viridis');
const lutColor = (t: number): string => {
  const i = Math.max(0, Math.min(255, Math.round(t * 255))) * 3;
  return `rgb(${LUT[i]}, ${LUT[i + 1]}, ${LUT[i + 2]})`;
};

export async function renderFeatures(ctx: ViewContext): Promise<void> {
  let channel = ctx.setting('featureChannel', 0);
  let f = await ctx.request('features', { path: ctx.path, channel }).catch(async e => {
    // A channel remembered from another file of the same layout may not exist here.
    if (isCancelled(e) || channel === 0) throw e;
    channel = 0;
    return ctx.request('features', { path: ctx.path, channel });
  });
  let fx = Math.min(ctx.setting('featureX', 0), f.featureCount - 1);
  let fy = Math.min(ctx.setting('featureY', 1), f.featureCount - 1);
  ctx.root.append(
    h('h2', { text: ctx.path.split('/').pop() ?? ctx.path }),
    h('p', {
      class: 'muted',
      text: `${f.total} events × ${f.channelCount} channel(s) × ${f.featureCount} feature(s)${f.shown.length < f.total ? ` · ${f.shown.length} of ${f.total} events shown (evenly spread)` : ''}`,
    }),
  );
  const controls = h('div', { class: 'controls', role: 'group', 'aria-label': 'Features' });
  const body = h('div', { class: 'feature-body' });
  ctx.root.append(controls, body);
  let scope = ctx.child(body);
  const redraw = (): void => {
    scope.dispose();
    body.replaceChildren();
    scope = ctx.child(body);
    drawFeatures(scope, f, fx, fy);
  };
  const names = f.featureNames.map((text, i) => ({ value: String(i), text }));
  if (f.channelCount > 1)
    controls.appendChild(
      select(
        'Channel',
        f.channelLabels.map((text, i) => ({ value: String(i), text })),
        String(channel),
        v => {
          channel = Number(v);
          ctx.setSetting('featureChannel', channel);
          void ctx
            .track(ctx.request('features', { path: ctx.path, channel }))
            .then(next => ((f = next), redraw()))
            .catch(e => !isCancelled(e) && body.replaceChildren(message('error', errorText(e))));
        },
      ),
    );
  if (f.featureCount > 1)
    controls.append(
      select('Feature on x', names, String(fx), v => {
        fx = Number(v);
        ctx.setSetting('featureX', fx);
        redraw();
      }),
      select('Feature on y', names, String(fy), v => {
        fy = Number(v);
        ctx.setSetting('featureY', fy);
        redraw();
      }),
    );
  drawFeatures(scope, f, fx, fy);
}

function drawFeatures(ctx: ViewContext, f: FeatureValues, fx: number, fy: number): void {
  const values = new Float64Array(f.values);
  const times = new Float64Array(f.times);
  const count = f.shown.length;
  const column = (k: number): Float64Array =>
    Float64Array.from({ length: count }, (_, i) => values[i * f.featureCount + k]);
  const note = dataNote();
  ctx.root.appendChild(note);
  noteValues(note, f.stats, 'selection');
  const channelName = f.channelLabels[f.channel] ?? `channel ${f.channel}`;
  let plot: XYPlot | null = null;
  if (f.stats.count > f.stats.nanCount) {
    // One feature: it against time; two or more: the chosen pair, coloured by time.
    const single = f.featureCount < 2;
    const xs = single ? times : column(fx);
    const ys = column(single ? 0 : fy);
    const span = finiteRange(times);
    const at = (t: number): number =>
      span && span.end > span.start ? (t - span.start) / (span.end - span.start) : 0.5;
    const full = padded(finiteRange(xs));
    plot = ctx.own(
      new XYPlot({
        parent: ctx.root,
        label: `${f.featureNames[single ? 0 : fy]} against ${single ? 'time' : f.featureNames[fx]} on ${channelName}`,
        xLabel: single ? 'time' : f.featureNames[fx],
        yLabel: f.featureNames[single ? 0 : fy],
        timeAxis: single,
        full,
        window: full,
        height: 300,
        yRange: padded(finiteRange(ys)),
      }),
    );
    plot.setTraces([]);
    plot.setMarkers(
      Array.from(ys, (y, i): Marker => ({
        x: xs[i],
        y,
        color: single ? seriesColor(0) : lutColor(at(times[i])),
      })),
    );
    if (!single && span) ctx.root.appendChild(timeScale(span.start, span.end));
  }
  ctx.root.appendChild(h('h3', { text: 'Event times' }));
  const raster = eventRaster(
    ctx,
    ctx.root,
    [{ label: 'events', color: seriesColor(0), times: Float64Array.from(times).sort() }],
    `Event times of ${f.path}`,
  );
  ctx.exports = { png: () => plot?.canvas ?? raster.canvas };
}

/** What the point colours mean: a viridis strip from the first to the last event time. */
function timeScale(start: number, end: number): HTMLElement {
  const strip = h('span', { class: 'time-colour-strip', 'aria-hidden': 'true' });
  const stops = [0, 0.25, 0.5, 0.75, 1].map(t => `${lutColor(t)} ${t * 100}%`).join(', ');
  strip.style.cssText = `display:inline-block;width:160px;height:10px;margin:0 6px;vertical-align:middle;background:linear-gradient(to right, ${stops})`;
  const span = end - start;
  return h(
    'p',
    { class: 'muted', role: 'img', 'aria-label': 'Colour: event time' },
    h('span', { text: `colour: event time ${formatSeconds(start, span)}` }),
    strip,
    h('span', { text: formatSeconds(end, span) }),
  );
}
