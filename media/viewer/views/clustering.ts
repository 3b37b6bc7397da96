/**
 * Clustering: the events' times in a raster by cluster number, each cluster in its colour, with a
 * table of its events and `peak_over_rms`. ClusterWaveforms: each cluster's mean waveform ± sd, in
 * the same colours (a colour per cluster number), linked to the Clustering they belong to.
 */
import type { ClusteringEvents } from '../../../src/shared/protocol';
import { valueStats } from '../../../src/shared/valueStats';
import type { RasterRow } from '../charts';
import { categoricalColor } from '../colormaps';
import { dataNote, noteValues } from '../dataNote';
import { button, h } from '../dom';
import { formatNumber } from '../format';
import { LinePlot } from '../linePlot';
import type { ViewContext } from './context';
import { eventRaster, legendList } from './sortingParts';

/** Raster rows (clusters) drawn; the table lists every cluster. */
const MAX_ROWS = 48;

/** One colour per cluster number, the same in both views. */
const clusterColor = (num: number): string => categoricalColor(num);

export async function renderClustering(ctx: ViewContext): Promise<void> {
  const c = await ctx.request('clustering', { path: ctx.path });
  const times = new Float64Array(c.times);
  const nums = new Float64Array(c.nums);
  const read = times.length;
  ctx.root.append(
    h('h2', { text: ctx.path.split('/').pop() ?? ctx.path }),
    h('p', {
      class: 'muted',
      text: `${c.total} events in ${c.clusters.length} cluster(s)${read < c.total ? ` · ${read} of ${c.total} events shown (evenly spread)` : ''}`,
    }),
    ...(c.description ? [h('p', { text: c.description })] : []),
  );
  const note = dataNote();
  ctx.root.appendChild(note);
  const stats = valueStats(times);
  if (stats.count === 0 || stats.nanCount > 0) noteValues(note, stats, 'selection', 's');
  const drawn = c.clusters.slice(0, MAX_ROWS);
  const rows = drawn.map((cluster): RasterRow => ({
    label: `cluster ${cluster.num}`,
    color: clusterColor(cluster.num),
    times: times.filter((_, i) => nums[i] === cluster.num).sort(),
  }));
  const chart = eventRaster(ctx, ctx.root, rows, `Events of ${ctx.path} by cluster`);
  if (drawn.length < c.clusters.length)
    ctx.root.appendChild(
      h('p', { class: 'muted', text: `first ${drawn.length} of ${c.clusters.length} clusters drawn` }),
    );
  ctx.root.append(clusterTable(c), h('p', { class: 'muted', text: c.peakNote }));
  ctx.exports = { png: () => chart.canvas };
}

function clusterTable(c: ClusteringEvents): HTMLElement {
  const counted = new Float64Array(c.times).length < c.total ? 'events shown' : 'events';
  const head = h(
    'tr',
    {},
    h('th', { text: 'cluster' }),
    h('th', { class: 'num', text: counted }),
    h('th', { class: 'num', text: 'peak_over_rms' }),
  );
  const body = c.clusters.map(cluster => {
    const swatch = h('span', { class: 'legend-swatch', 'aria-hidden': 'true' });
    swatch.style.background = clusterColor(cluster.num);
    swatch.style.display = 'inline-block';
    swatch.style.marginRight = '6px';
    return h(
      'tr',
      {},
      h('th', {}, swatch, h('span', { text: String(cluster.num) })),
      h('td', { class: 'num', text: String(cluster.count) }),
      h('td', {
        class: 'num',
        text: cluster.peakOverRms === undefined ? '' : formatNumber(cluster.peakOverRms),
      }),
    );
  });
  const table = h(
    'table',
    { class: 'attrs cluster-table', 'aria-label': 'Clusters' },
    h('thead', {}, head),
    h('tbody', {}, ...body),
  );
  // Columns sized to their numbers, not spread over the pane.
  table.style.width = 'max-content';
  for (const cell of table.querySelectorAll<HTMLElement>('.num')) cell.style.textAlign = 'right';
  return table;
}

export async function renderClusterWaveforms(ctx: ViewContext): Promise<void> {
  const w = await ctx.request('clusterWaveforms', { path: ctx.path });
  const n = w.sampleCount;
  const mean = new Float64Array(w.mean);
  const sd = w.sd ? new Float64Array(w.sd) : null;
  ctx.root.append(
    h('h2', { text: ctx.path.split('/').pop() ?? ctx.path }),
    h('p', {
      class: 'muted',
      text: `${w.total} cluster waveform(s) × ${n} samples${sd ? ', mean ± sd' : ', mean (no waveform_sd)'} · ${w.rowNote}`,
    }),
    ...(w.filtering ? [h('p', { text: `filtering: ${w.filtering}` })] : []),
  );
  const clusteringPath = w.clusteringPath;
  if (clusteringPath)
    ctx.root.appendChild(
      h(
        'div',
        { class: 'controls' },
        button(`Open the Clustering ${clusteringPath}`, () => ctx.navigate(clusteringPath), {
          text: `Clustering: ${clusteringPath}`,
        }),
      ),
    );
  const note = dataNote();
  ctx.root.appendChild(note);
  noteValues(note, w.stats, 'selection');
  if (w.stats.count === w.stats.nanCount) return;
  // Centred on the sample where any cluster's mean is furthest from zero (the spike), as for units.
  let peak = 0;
  mean.forEach((v, i) => {
    if (Math.abs(v) > Math.abs(mean[peak]) || !Number.isFinite(mean[peak])) peak = i;
  });
  peak %= Math.max(1, n);
  const x = Array.from({ length: n }, (_, i) => i - peak);
  const series = w.rows.map(r => ({
    label: `cluster ${r.cluster}${r.inClustering || !clusteringPath ? '' : ' (no events in the Clustering)'}`,
    color: clusterColor(r.cluster),
  }));
  const channels = w.rows.map((_, k) => {
    const row = Array.from(mean.subarray(k * n, (k + 1) * n));
    const spread = sd?.subarray(k * n, (k + 1) * n);
    return {
      x,
      mid: row,
      ...(spread
        ? { band: { min: row.map((m, i) => m - spread[i]), max: row.map((m, i) => m + spread[i]) } }
        : {}),
    };
  });
  if (series.length < 2)
    ctx.root.appendChild(
      legendList(series.map(s => ({ ...s, label: `${s.label} mean${sd ? ' ± sd' : ''}` }))),
    );
  const full = { start: x[0] ?? 0, end: Math.max(x[n - 1] ?? 1, (x[0] ?? 0) + 1) };
  const plot = ctx.own(
    new LinePlot({
      parent: ctx.root,
      label: `Mean waveform per cluster of ${ctx.path}`,
      xLabel: 'sample from peak',
      yLabel: 'amplitude',
      timeAxis: false,
      full,
      window: full,
      height: 320,
    }),
  );
  plot.setData(channels, series);
  plot.setWindow(full);
  ctx.root.appendChild(
    h('p', {
      class: 'muted',
      text: 'ClusterWaveforms store no sampling rate nor unit: x in samples, amplitude as stored.',
    }),
  );
  ctx.exports = { png: () => plot.canvas };
}
