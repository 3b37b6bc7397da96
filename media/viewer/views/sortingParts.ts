/**
 * What the spike-sorting views share (spikeEvents, clustering, clusterWaveforms, features): a
 * legend of colours, the events on a zoomable time axis, and padded value ranges.
 */
import { RasterPlot, type RasterRow } from '../charts';
import { h } from '../dom';
import { bindTimeCursor } from '../timeCursor';
import type { Window } from '../timeWindow';
import type { ViewContext } from './context';

/** A legend that always shows (the chart's own hides below two entries; a view may need one). */
export function legendList(entries: readonly { label: string; color: string }[]): HTMLElement {
  return h(
    'ul',
    { class: 'plot-legend', 'aria-label': 'Legend' },
    ...entries.map(e => {
      const swatch = h('span', { class: 'legend-swatch', 'aria-hidden': 'true' });
      swatch.style.background = e.color;
      return h('li', {}, swatch, h('span', { text: e.label }));
    }),
  );
}

/** [min, max] of the finite values, or null when there are none. */
export function finiteRange(values: ArrayLike<number>): Window | null {
  let start = Infinity;
  let end = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (Number.isFinite(v)) {
      if (v < start) start = v;
      if (v > end) end = v;
    }
  }
  return start <= end ? { start, end } : null;
}

/** `range` with a margin each side, so points and lines do not sit on the frame (a flat range gets one too). */
export function padded(range: Window | null, fraction = 0.05): Window {
  if (!range) return { start: 0, end: 1 };
  const span = range.end - range.start;
  const pad = span > 0 ? span * fraction : Math.abs(range.start) * 0.1 || 0.5;
  return { start: range.start - pad, end: range.end + pad };
}

/** Event times in rows (one per cluster, or one for all) on a zoomable time axis tied to the session clock. */
export function eventRaster(
  ctx: ViewContext,
  parent: HTMLElement,
  rows: RasterRow[],
  label: string,
): RasterPlot {
  const all = rows.map(r => finiteRange(r.times)).filter((r): r is Window => r !== null);
  const span: Window | null = all.length
    ? { start: Math.min(...all.map(r => r.start)), end: Math.max(...all.map(r => r.end)) }
    : null;
  const full = padded(span, 0.02);
  const chart = ctx.own(
    new RasterPlot({
      parent,
      label,
      xLabel: 'time',
      yLabel: rows.length > 1 ? 'cluster' : '',
      timeAxis: true,
      full,
      window: ctx.zoom() ?? full,
      height: Math.min(420, 90 + rows.length * 22),
      onWindow: w => ctx.setZoom(w),
    }),
  );
  bindTimeCursor(ctx, chart, { full });
  chart.setRows(rows);
  chart.setWindow(ctx.zoom() ?? full);
  return chart;
}
