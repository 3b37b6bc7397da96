/**
 * SpatialSeries / Position: XY trajectories; ndx-pose PoseEstimation(Series): keypoints in XY
 * with the skeleton drawn at the time chosen with a slider. 1-D series plot position over time.
 */
import type { TrajectorySet } from '../../../src/shared/protocol';
import { CanvasChart } from '../canvasPlot';
import { categoricalColor } from '../colormaps';
import { h, slider } from '../dom';
import { axisLabel, formatSeconds } from '../format';
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
  const series: Decoded[] = set.series.map(s => ({ name: s.name, time: new Float64Array(s.time), x: new Float32Array(s.x), y: s.y ? new Float32Array(s.y) : null }));
  const unit = set.series[0]?.unit ?? '';
  const twoD = series.some(s => s.y);
  let t = ctx.setting('time', set.tStart);
  const legend = h('ul', { class: 'legend', 'aria-label': 'Series' });
  series.forEach((s, i) => {
    const sw = h('span', { class: 'swatch', 'aria-hidden': 'true' });
    sw.style.background = categoricalColor(i);
    legend.appendChild(h('li', {}, sw, s.name));
  });
  const chart = new CanvasChart({ label: `${set.kind === 'pose' ? 'Keypoints' : 'Trajectory'} of ${ctx.path}`, height: 460, xLabel: twoD ? axisLabel('x', unit) : 'time (s)', timeAxis: !twoD });
  const time = slider('Time', 0, 1000, 0, v => {
    t = set.tStart + (v / 1000) * (set.tEnd - set.tStart);
    ctx.setSetting('time', t);
    draw();
  });
  time.input.value = String(Math.round(((t - set.tStart) / (set.tEnd - set.tStart || 1)) * 1000));
  ctx.root.append(
    h('h2', { text: ctx.path.split('/').pop() ?? ctx.path }),
    h('p', { class: 'muted', text: `${series.length} ${set.kind === 'pose' ? 'keypoints' : 'series'} · ${formatSeconds(set.tStart)} – ${formatSeconds(set.tEnd)}${set.stride > 1 ? ` · every ${set.stride}th sample` : ''}` }),
    h('div', { class: 'controls' }, time.root),
    chart.element,
    legend,
  );
  ctx.exports = { png: () => chart.canvas };
  ctx.signal.addEventListener('abort', () => chart.destroy());

  const bounds = (values: Float32Array[]): { start: number; end: number } => {
    let lo = Infinity;
    let hi = -Infinity;
    for (const arr of values) {
      for (const v of arr) {
        if (!Number.isFinite(v)) continue;
        lo = Math.min(lo, v);
        hi = Math.max(hi, v);
      }
    }
    if (!Number.isFinite(lo)) return { start: 0, end: 1 };
    const pad = (hi - lo || 1) * 0.05;
    return { start: lo - pad, end: hi + pad };
  };
  const xRange = twoD ? bounds(series.map(s => s.x)) : { start: set.tStart, end: set.tEnd > set.tStart ? set.tEnd : set.tStart + 1 };
  const yRange = twoD ? bounds(series.flatMap(s => (s.y ? [s.y] : []))) : bounds(series.map(s => s.x));

  const draw = (): void => {
    time.output.textContent = formatSeconds(t);
    chart.draw(xRange, yRange, f => {
      const current: { x: number; y: number }[] = [];
      series.forEach((s, i) => {
        f.ctx.strokeStyle = categoricalColor(i, set.kind === 'pose' ? 0.35 : 0.8);
        f.ctx.lineWidth = 1;
        f.ctx.beginPath();
        let pen = false;
        for (let k = 0; k < s.x.length; k++) {
          const px = twoD ? f.x(s.x[k]) : f.x(s.time[k]);
          const py = twoD ? f.y(s.y ? s.y[k] : 0) : f.y(s.x[k]);
          if (!Number.isFinite(px) || !Number.isFinite(py)) {
            pen = false;
            continue;
          }
          if (pen) f.ctx.lineTo(px, py);
          else f.ctx.moveTo(px, py);
          pen = true;
        }
        f.ctx.stroke();
        const at = sampleAt(s.time, t);
        const cx = at >= 0 ? (twoD ? f.x(s.x[at]) : f.x(s.time[at])) : NaN;
        const cy = at >= 0 ? (twoD ? f.y(s.y ? s.y[at] : 0) : f.y(s.x[at])) : NaN;
        current.push({ x: cx, y: cy });
      });
      if (set.skeleton) {
        f.ctx.strokeStyle = f.fg;
        f.ctx.lineWidth = 2;
        for (const [a, b] of set.skeleton.edges) {
          const pa = current[a];
          const pb = current[b];
          if (!pa || !pb || !Number.isFinite(pa.x + pa.y + pb.x + pb.y)) continue;
          f.ctx.beginPath();
          f.ctx.moveTo(pa.x, pa.y);
          f.ctx.lineTo(pb.x, pb.y);
          f.ctx.stroke();
        }
      }
      current.forEach((p, i) => {
        if (!Number.isFinite(p.x + p.y)) return;
        f.ctx.fillStyle = categoricalColor(i);
        f.ctx.beginPath();
        f.ctx.arc(p.x, p.y, 5, 0, Math.PI * 2);
        f.ctx.fill();
        f.ctx.strokeStyle = f.fg;
        f.ctx.lineWidth = 1;
        f.ctx.stroke();
      });
    });
  };
  draw();
}
