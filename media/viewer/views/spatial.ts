/**
 * SpatialSeries / Position: XY trajectories; ndx-pose PoseEstimation(Series): keypoints in XY
 * with the skeleton drawn at the time chosen with a slider. 1-D series plot position over time.
 */
import type { TrajectorySet } from '../../../src/shared/protocol';
import { paddedBounds } from '../chartGeometry';
import { XYPlot, type Marker } from '../charts';
import { categoricalColor } from '../colormaps';
import { button, h, slider } from '../dom';
import { axisLabel, formatSeconds } from '../format';
import { sessionTime } from '../sessionTime';
import { bindTimeCursor, followSessionCursor } from '../timeCursor';
import type { ViewContext } from './context';
import { sampleAt } from './spatialMath';

interface Decoded {
  name: string;
  time: Float64Array;
  x: Float32Array;
  y: Float32Array | null;
}

export async function renderSpatial(ctx: ViewContext): Promise<void> {
  const set: TrajectorySet = await ctx.request('spatial/trajectory', { path: ctx.path, maxPoints: 20000 });
  const series: Decoded[] = set.series.map(s => ({
    name: s.name,
    time: new Float64Array(s.time),
    x: new Float32Array(s.x),
    y: s.y ? new Float32Array(s.y) : null,
  }));
  const unit = set.series[0]?.unit ?? '';
  const twoD = series.some(s => s.y);
  const pose = set.kind === 'pose';
  let t = ctx.setting('time', set.tStart);
  const legend = h('ul', { class: 'legend', 'aria-label': 'Series' });
  series.forEach((s, i) => {
    const sw = h('span', { class: 'swatch', 'aria-hidden': 'true' });
    sw.style.background = categoricalColor(i);
    legend.appendChild(h('li', {}, sw, s.name));
  });
  const time = slider('Time', 0, 1000, 0, v => {
    t = set.tStart + (v / 1000) * (set.tEnd - set.tStart);
    ctx.setSetting('time', t);
    draw();
    sessionTime.setCursor(t);
  });
  const placeSlider = (): void =>
    void (time.input.value = String(Math.round(((t - set.tStart) / (set.tEnd - set.tStart || 1)) * 1000)));
  placeSlider();
  const controls = h('div', { class: 'controls' }, time.root);
  if (pose) controls.append(...showOnVideo(ctx, () => poseSampleAt(series, t, set.stride)));
  ctx.root.append(
    h('h2', { text: ctx.path.split('/').pop() ?? ctx.path }),
    h('p', {
      class: 'muted',
      text: `${series.length} ${pose ? 'keypoints' : 'series'} · ${formatSeconds(set.tStart)} – ${formatSeconds(set.tEnd)}${set.stride > 1 ? ` · every ${set.stride}th sample` : ''}`,
    }),
    controls,
  );

  // 2-D: y against x; 1-D: the position against time.
  const xRange = twoD
    ? paddedBounds(series.map(s => s.x))
    : { start: set.tStart, end: set.tEnd > set.tStart ? set.tEnd : set.tStart + 1 };
  const yRange = twoD
    ? paddedBounds(series.flatMap(s => (s.y ? [s.y] : [])))
    : paddedBounds(series.map(s => s.x));
  const xOf = (s: Decoded): ArrayLike<number> => (twoD ? s.x : s.time);
  const yOf = (s: Decoded): ArrayLike<number> => (twoD ? (s.y ?? new Float32Array(s.x.length)) : s.x);
  const chart = ctx.own(
    new XYPlot({
      parent: ctx.root,
      label: `${pose ? 'Keypoints' : 'Trajectory'} of ${ctx.path}`,
      xLabel: twoD ? axisLabel('x', unit) : 'time (s)',
      yLabel: twoD ? axisLabel('y', unit) : axisLabel('position', unit),
      timeAxis: !twoD,
      full: xRange,
      window: xRange,
      yRange,
      height: 460,
    }),
  );
  ctx.root.appendChild(legend);
  chart.setTraces(
    series.map((s, i) => ({
      label: s.name,
      color: categoricalColor(i, pose ? 0.35 : 0.8),
      x: xOf(s),
      y: yOf(s),
    })),
  );
  ctx.exports = { png: () => chart.canvas };

  const draw = (): void => {
    time.output.textContent = formatSeconds(t);
    const markers: Marker[] = series.map((s, i) => {
      const at = sampleAt(s.time, t);
      return { x: at >= 0 ? xOf(s)[at] : NaN, y: at >= 0 ? yOf(s)[at] : NaN, color: categoricalColor(i) };
    });
    chart.setMarkers(markers, set.skeleton?.edges ?? []);
  };
  draw();
  // The session clock's cursor picks the sample shown (and draws on the time axis of 1-D series).
  if (!twoD) bindTimeCursor(ctx, chart, { full: xRange, follow: false });
  followSessionCursor(ctx, c => {
    if (c < set.tStart || c > set.tEnd || c === t) return;
    t = c;
    placeSlider();
    draw();
  });
}

/** The unstrided index of the first keypoint's sample shown at time t (the video frame for per-frame pose). */
function poseSampleAt(series: Decoded[], t: number, stride: number): number | undefined {
  const at = series.length ? sampleAt(series[0].time, t) : -1;
  return at >= 0 ? at * stride : undefined;
}

/** "Show on video": the host runs the video viewer's dandi.openVideo with this file as the pose. */
function showOnVideo(ctx: ViewContext, frame: () => number | undefined): HTMLElement[] {
  const status = h('span', { class: 'muted', role: 'status' });
  const open = button('Show on video', () => {
    status.textContent = 'Opening the video…';
    ctx
      .request('video/show', { path: ctx.path, frame: frame() })
      .then(() => (status.textContent = ''))
      .catch(
        (e: unknown) =>
          (status.textContent = `Could not open the video: ${e instanceof Error ? e.message : String(e)}`),
      );
  });
  return [open, status];
}
