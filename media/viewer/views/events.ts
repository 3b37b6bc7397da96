/**
 * Event lists (AnnotationSeries, ndx-events Events / LabeledEvents / TTLs, text TimeSeries): the
 * events as ticks on a time axis, in lanes by text when there are few distinct texts, and a
 * virtualised list of time + text rows (long lists cost what the screen shows).
 */
import { laneAssignment } from '../chartGeometry';
import { LanePlot, type Lane } from '../charts';
import { categoricalColor } from '../colormaps';
import { h } from '../dom';
import { formatSeconds } from '../format';
import { rowWindow } from '../rowWindow';
import { bindTimeCursor } from '../timeCursor';
import type { Window } from '../timeWindow';
import type { ViewContext } from './context';

const MAX_LANES = 12;
const ROW_HEIGHT = 22;
const LIST_HEIGHT = 360;

export async function renderEvents(ctx: ViewContext): Promise<void> {
  const list = await ctx.request('events', { path: ctx.path });
  const times = new Float64Array(list.times);
  const labels = list.labels ?? [];
  // Free text (a note per event) would make a lane per event: lanes only for a few repeated texts.
  const distinct = new Set(labels).size;
  const laned = labels.length > 0 && distinct <= MAX_LANES && distinct < times.length;
  const { lanes, laneOf } = laneAssignment(laned ? labels : [], times.length, MAX_LANES, 'events');
  // A margin each side, so the first and last events do not sit on the frame.
  const pad = list.tMax > list.tMin ? (list.tMax - list.tMin) * 0.02 : 0.5;
  const full: Window = { start: list.tMin - pad, end: list.tMax + pad };
  const what =
    list.labelSource === 'labels' ? 'labelled events' : labels.length ? 'events with text' : 'events';
  ctx.root.append(
    h('h2', { text: ctx.path.split('/').pop() ?? ctx.path }),
    h('p', {
      class: 'muted',
      text: `${list.total} ${what}${list.total ? `, ${formatSeconds(list.tMin)} – ${formatSeconds(list.tMax)}` : ''}${list.truncated ? ` (first ${times.length} shown)` : ''}`,
    }),
  );
  const chart = ctx.own(
    new LanePlot({
      parent: ctx.root,
      label: `Events of ${ctx.path}`,
      xLabel: 'time',
      yLabel: laned ? 'text' : '',
      timeAxis: true,
      full,
      window: ctx.zoom() ?? full,
      height: Math.min(420, 110 + lanes.length * 26),
      onWindow: w => ctx.setZoom(w),
    }),
  );
  bindTimeCursor(ctx, chart, { full });
  const members: number[][] = lanes.map(() => []);
  laneOf.forEach((lane, i) => members[lane].push(i));
  chart.setLanes(
    lanes.map((label, lane): Lane => {
      const at = Float64Array.from(members[lane], i => times[i]);
      // An event is an instant: a zero-length bar, drawn one pixel wide.
      return { label, color: categoricalColor(lane, 0.9), start: at, stop: at };
    }),
  );
  chart.setWindow(ctx.zoom() ?? full);
  ctx.root.appendChild(eventRows(ctx, times, labels));
  ctx.exports = { png: () => chart.canvas };
}

/** A scrolling list of `time | text` rows; only the rows in view (plus a margin) exist in the DOM. */
function eventRows(ctx: ViewContext, times: Float64Array, labels: readonly string[]): HTMLElement {
  const span = times.length ? Math.abs(times[times.length - 1] - times[0]) : 0;
  const body = h('div', { class: 'event-rows-body' });
  body.style.position = 'relative';
  body.style.height = `${times.length * ROW_HEIGHT}px`;
  const scroller = h('div', {
    class: 'event-rows',
    role: 'table',
    'aria-label': `Events of ${ctx.path}`,
    'aria-rowcount': times.length,
    tabindex: 0,
  });
  scroller.style.maxHeight = `${LIST_HEIGHT}px`;
  scroller.style.overflowY = 'auto';
  scroller.appendChild(body);
  const draw = (): void => {
    const win = rowWindow({
      scrollTop: scroller.scrollTop,
      viewportHeight: scroller.clientHeight || LIST_HEIGHT,
      rowHeight: ROW_HEIGHT,
      rowCount: times.length,
    });
    const rows: HTMLElement[] = [];
    for (let i = win.first; i < win.end; i++) {
      const row = h(
        'div',
        { class: 'event-row', role: 'row', 'aria-rowindex': i + 1 },
        h('span', { class: 'event-index muted', text: String(i) }),
        h('span', { class: 'event-time', text: formatSeconds(times[i], span) }),
        h('span', { class: 'event-text', text: labels[i] ?? '' }),
      );
      row.style.top = `${i * ROW_HEIGHT}px`;
      rows.push(row);
    }
    body.replaceChildren(...rows);
  };
  ctx.listen(scroller, 'scroll', draw, { passive: true });
  ctx.observeResize(scroller, draw);
  draw();
  const head = h(
    'div',
    { class: 'event-row event-head', role: 'row' },
    h('span', { class: 'event-index', text: '#' }),
    h('span', { class: 'event-time', text: 'time' }),
    h('span', { class: 'event-text', text: labels.length ? 'text' : '' }),
  );
  return h('div', { class: 'event-list' }, head, scroller);
}
