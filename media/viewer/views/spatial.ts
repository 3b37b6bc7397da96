/**
 * SpatialSeries / Position: XY trajectories; ndx-pose PoseEstimation(Series): keypoints in XY
 * with the skeleton drawn at the time chosen with a slider. 1-D series plot position over time.
 * Keypoints in video pixels are drawn in image coordinates (y down, the frame's shape, see
 * poseImage.ts); positions in space keep y up on the chart engine.
 */
import type { TrajectorySet } from '../../../src/shared/protocol';
import { paddedBounds } from '../chartGeometry';
import { XYPlot, type Marker } from '../charts';
import { categoricalColor } from '../colormaps';
import { button, h, slider } from '../dom';
import { axisLabel, formatNumber, formatSeconds } from '../format';
import { sessionTime } from '../sessionTime';
import { bindTimeCursor, followSessionCursor } from '../timeCursor';
import type { ViewContext } from './context';
import { paneBottom } from './heatmapChart';
import { heightInPane } from './heatmapMath';
import { PoseImagePlot } from './poseImage';
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
  const twoD = series.some(s => s.y);
  const pose = set.kind === 'pose';
  let t = ctx.setting('time', set.tStart);
  const legend = h('ul', { class: 'legend', 'aria-label': pose ? 'Keypoints' : 'Series' });
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
  const image = twoD && set.coordinates === 'image';
  ctx.root.append(
    h('h2', { text: ctx.path.split('/').pop() ?? ctx.path }),
    h('p', {
      class: 'muted',
      text: `${series.length} ${pose ? 'keypoints' : 'series'} · ${formatSeconds(set.tStart)} – ${formatSeconds(set.tEnd)}${set.stride > 1 ? ` · every ${set.stride}th sample` : ''}`,
    }),
    h('p', { class: 'muted coordinates', text: coordinatesText(set, twoD, series) }),
    controls,
  );
  const drawAt = image ? poseImage(ctx, set, series, legend) : xyChart(ctx, set, series, legend, twoD);
  const draw = (): void => {
    time.output.textContent = formatSeconds(t);
    drawAt(t);
  };
  draw();
  followSessionCursor(ctx, c => {
    if (c < set.tStart || c > set.tEnd || c === t) return;
    t = c;
    placeSlider();
    draw();
  });
}

/** Which way the plot's axes run, and why (said in the plot, as the issue asks). */
function coordinatesText(set: TrajectorySet, twoD: boolean, series: Decoded[]): string {
  if (!twoD) return 'Position against time.';
  if (set.coordinates === 'arena')
    return 'Arena coordinates: y grows upward (positions in space, not in a video).';
  const frame = set.frame
    ? `the video frame is ${set.frame.width} × ${set.frame.height} px (${set.frame.source})`
    : 'the video frame size is not stated: the axes span the keypoints';
  const x = paddedBounds(
    series.map(s => s.x),
    0,
  );
  const y = paddedBounds(
    series.flatMap(s => (s.y ? [s.y] : [])),
    0,
  );
  const span = `; the keypoints span x ${formatNumber(x.start)}–${formatNumber(x.end)}, y ${formatNumber(y.start)}–${formatNumber(y.end)} px`;
  // Keypoints crowded into a corner of the stated frame: the frame or the data may be off.
  const tiny =
    set.frame && x.end - x.start < set.frame.width / 20 && y.end - y.start < set.frame.height / 20
      ? ', a small corner of the frame (do the file’s dimensions match its keypoints?)'
      : '';
  return `Image coordinates, as on the video: origin top-left, y grows downward, in pixels; ${frame}${span}${tiny}.`;
}

/** Keypoints in image coordinates on a frame-shaped canvas; returns what draws the time t. */
function poseImage(
  ctx: ViewContext,
  set: TrajectorySet,
  series: Decoded[],
  legend: HTMLElement,
): (t: number) => void {
  const frame = set.frame ?? fittedFrame(series);
  const plot: PoseImagePlot = ctx.own(
    new PoseImagePlot(
      `${set.kind === 'pose' ? 'Keypoints' : 'Trajectory'} of ${ctx.path} in image coordinates`,
      frame,
      series.map(s => ({ name: s.name, x: s.x, y: s.y ?? [] })),
      set.skeleton?.edges ?? [],
      (): number =>
        heightInPane(
          plot.element.getBoundingClientRect().top,
          paneBottom(ctx.root),
          // The readout line above the picture, the x ruler and the legend below it.
          70,
          200,
          520,
        ),
    ),
  );
  ctx.root.append(plot.element, legend);
  ctx.exports = { png: () => plot.canvas };
  return t =>
    plot.setPoints(
      series.map(s => {
        const at = sampleAt(s.time, t);
        return { x: at >= 0 ? s.x[at] : NaN, y: at >= 0 && s.y ? s.y[at] : NaN };
      }),
    );
}

/** A frame from the origin to just past the farthest keypoint (whole pixels), when the file states none. */
function fittedFrame(series: Decoded[]): { width: number; height: number } {
  let width = 1;
  let height = 1;
  for (const s of series) {
    for (let i = 0; i < s.x.length; i++) if (s.x[i] > width) width = s.x[i];
    if (s.y) for (let i = 0; i < s.y.length; i++) if (s.y[i] > height) height = s.y[i];
  }
  return { width: Math.ceil(width * 1.02), height: Math.ceil(height * 1.02) };
}

/** Positions in space (y up) or against time on the chart engine; returns what draws the time t. */
function xyChart(
  ctx: ViewContext,
  set: TrajectorySet,
  series: Decoded[],
  legend: HTMLElement,
  twoD: boolean,
): (t: number) => void {
  const unit = set.series[0]?.unit ?? '';
  const pose = set.kind === 'pose';
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
      // Fills the pane down to its edge, so the x axis stays in sight above the details.
      height: heightInPane(
        ctx.root.lastElementChild?.getBoundingClientRect().bottom ?? 0,
        paneBottom(ctx.root),
        70,
        240,
        460,
      ),
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
  // The session clock's cursor picks the sample shown (and draws on the time axis of 1-D series).
  if (!twoD) bindTimeCursor(ctx, chart, { full: xRange, follow: false });
  return t => {
    const markers: Marker[] = series.map((s, i) => {
      const at = sampleAt(s.time, t);
      return { x: at >= 0 ? xOf(s)[at] : NaN, y: at >= 0 ? yOf(s)[at] : NaN, color: categoricalColor(i) };
    });
    chart.setMarkers(markers, set.skeleton?.edges ?? []);
  };
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
