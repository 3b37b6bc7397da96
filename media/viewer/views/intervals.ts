/** TimeIntervals (trials, epochs, ...): a timeline of [start, stop) bars in lanes by label, plus the table. */
import { errorText, isCancelled } from '../api';
import { laneAssignment } from '../chartGeometry';
import { LanePlot, type Lane } from '../charts';
import { categoricalColor } from '../colormaps';
import { h, message } from '../dom';
import { bindTimeCursor } from '../timeCursor';
import type { Window } from '../timeWindow';
import { renderTable } from './table';
import type { ViewContext } from './context';

const MAX_LANES = 30;

export async function renderIntervals(ctx: ViewContext): Promise<void> {
  const tl = await ctx.request('intervals', { path: ctx.path });
  const start = new Float64Array(tl.start);
  const stop = new Float64Array(tl.stop);
  const { lanes, laneOf } = laneAssignment(tl.labels ?? [], start.length, MAX_LANES);
  const full: Window =
    tl.tMax > tl.tMin ? { start: tl.tMin, end: tl.tMax } : { start: tl.tMin, end: tl.tMin + 1 };
  ctx.root.append(
    h('h2', { text: ctx.path.split('/').pop() ?? ctx.path }),
    h('p', {
      class: 'muted',
      text: `${tl.rowCount} intervals${tl.labelColumn ? ` coloured by ${tl.labelColumn}` : ''}${tl.truncated ? ` (first ${start.length} shown)` : ''}`,
    }),
  );
  const chart = ctx.own(
    new LanePlot({
      parent: ctx.root,
      label: `Timeline of ${ctx.path}`,
      xLabel: 'time',
      yLabel: tl.labelColumn ?? '',
      timeAxis: true,
      full,
      window: ctx.zoom() ?? full,
      height: Math.min(480, 110 + lanes.length * 26),
      onWindow: w => ctx.setZoom(w),
    }),
  );
  bindTimeCursor(ctx, chart, { full });
  const members: number[][] = lanes.map(() => []);
  laneOf.forEach((lane, i) => members[lane].push(i));
  chart.setLanes(
    lanes.map((label, lane): Lane => ({
      label,
      color: categoricalColor(lane, 0.75),
      start: Float64Array.from(members[lane], i => start[i]),
      stop: Float64Array.from(members[lane], i => stop[i]),
    })),
  );
  chart.setWindow(ctx.zoom() ?? full);
  ctx.exports = {
    png: () => chart.canvas,
    csv: () => ({ what: 'table', path: ctx.path, start: 0, count: tl.rowCount, save: true }),
  };
  const tableBox = h('div');
  ctx.root.appendChild(tableBox);
  await renderTable(ctx, tableBox).catch(e => {
    if (isCancelled(e)) throw e;
    tableBox.appendChild(message('error', errorText(e)));
  });
  // The table sets its own exports; the timeline's picture stays the view's PNG.
  ctx.exports.png = () => chart.canvas;
}
