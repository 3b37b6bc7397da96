/** TimeIntervals (trials, epochs, ...): a timeline of [start, stop) bars in lanes by label, plus the table. */
import { errorText, isCancelled } from '../api';
import { CanvasChart } from '../canvasPlot';
import { categoricalColor } from '../colormaps';
import { h, message } from '../dom';
import type { Window } from '../timeWindow';
import { renderTable } from './table';
import type { ViewContext } from './context';

export async function renderIntervals(ctx: ViewContext): Promise<void> {
  const tl = await ctx.request('intervals', { path: ctx.path });
  const start = new Float64Array(tl.start);
  const stop = new Float64Array(tl.stop);
  const labels = tl.labels ?? [];
  const lanes = [...new Set(labels.length ? labels : ['intervals'])].slice(0, 30);
  const laneOf = (i: number): number => {
    const l = labels.length ? lanes.indexOf(labels[i]) : 0;
    return l < 0 ? lanes.length - 1 : l;
  };
  const full: Window = tl.tMax > tl.tMin ? { start: tl.tMin, end: tl.tMax } : { start: tl.tMin, end: tl.tMin + 1 };
  const chart = new CanvasChart({ label: `Timeline of ${ctx.path}`, height: Math.min(420, 70 + lanes.length * 22), xLabel: 'time', timeAxis: true, marginLeft: 110, full, onWindow: w => ctx.setZoom(w) });
  ctx.root.append(
    h('h2', { text: ctx.path.split('/').pop() ?? ctx.path }),
    h('p', { class: 'muted', text: `${tl.rowCount} intervals${tl.labelColumn ? ` coloured by ${tl.labelColumn}` : ''}${tl.truncated ? ` (first ${start.length} shown)` : ''}` }),
    chart.element,
  );
  ctx.signal.addEventListener('abort', () => chart.destroy());
  chart.draw(ctx.zoom() ?? full, { start: -0.5, end: lanes.length - 0.5 }, f => {
    const laneHeight = f.height / lanes.length;
    for (let i = 0; i < start.length; i++) {
      const lane = laneOf(i);
      const x0 = f.x(start[i]);
      const x1 = Math.max(x0 + 1, f.x(stop[i]));
      f.ctx.fillStyle = categoricalColor(lane, 0.75);
      f.ctx.fillRect(x0, f.y(lanes.length - 1 - lane) - laneHeight * 0.35, x1 - x0, laneHeight * 0.7);
    }
  }, lanes.map((l, i) => ({ value: lanes.length - 1 - i, text: l.length > 16 ? `${l.slice(0, 15)}…` : l })));
  ctx.exports = { png: () => chart.canvas, csv: () => ({ what: 'table', path: ctx.path, start: 0, count: tl.rowCount, save: true }) };
  const tableBox = h('div');
  ctx.root.appendChild(tableBox);
  await renderTable(ctx, tableBox).catch(e => {
    if (isCancelled(e)) throw e;
    tableBox.appendChild(message('error', errorText(e)));
  });
  ctx.exports.png = () => chart.canvas;
}
