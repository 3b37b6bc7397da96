/** Intracellular electrophysiology: a navigable sweep list; each sweep plots its response and stimulus. */
import type { Sweep } from '../../../src/shared/protocol';
import { errorText, isCancelled } from '../api';
import { h, message } from '../dom';
import { listKeyTarget } from '../listKeys';
import { axisLabel } from '../format';
import { LinePlot, seriesColor } from '../plot';
import { bindTimeCursor } from '../timeCursor';
import { columnsForWidth } from '../timeWindow';
import { drawableChannels } from '../seriesData';
import type { ChildViewContext, ViewContext } from './context';

export async function renderIcephys(ctx: ViewContext): Promise<void> {
  const { sweeps, source } = await ctx.request('icephys/sweeps', { path: ctx.path });
  if (sweeps.length === 0) {
    ctx.root.appendChild(message('empty', 'No sweeps found.'));
    return;
  }
  let current = Math.min(ctx.setting('sweep', 0), sweeps.length - 1);
  const list = h('div', { class: 'sweep-list', role: 'listbox', 'aria-label': 'Sweeps', tabindex: 0 });
  const items = sweeps.map((s, i) => {
    const item = h('div', {
      class: 'roi-item',
      role: 'option',
      id: `sweep-${i}`,
      'aria-selected': 'false',
      text: sweepLabel(s),
    });
    item.addEventListener('click', () => choose(i));
    return item;
  });
  // One by one: a spread passes every item as an argument, which overflows the stack past ~100k.
  for (const item of items) list.append(item);
  list.addEventListener('keydown', e => {
    const next = listKeyTarget(e.key, current, sweeps.length);
    if (next === null) return;
    e.preventDefault();
    choose(next);
  });
  const plots = h('div', { class: 'sweep-plots' });
  ctx.root.append(
    h('h2', { text: `${sweeps.length} sweeps` }),
    h('p', { class: 'muted', text: `paired from ${source.replace('_', ' ')}` }),
    h('div', { class: 'sweep-layout' }, list, plots),
  );
  // The shown sweep's plots live in a child scope: choosing another sweep disposes them and their requests.
  let sweep: ChildViewContext | null = null;
  let first: LinePlot | null = null;
  ctx.exports = { png: () => first?.canvas ?? null };

  const plotSeries = async (
    scope: ChildViewContext,
    path: string,
    title: string,
    colorIndex: number,
  ): Promise<void> => {
    const info = await scope.request('series/info', { path });
    const full = { start: info.tStart, end: info.tEnd > info.tStart ? info.tEnd : info.tStart + 1 };
    const box = h('div', { class: 'plot-box' }, h('h3', { text: `${title}: ${path}` }));
    plots.appendChild(box);
    const plot = scope.own(
      new LinePlot({
        parent: box,
        label: `${title} ${path}`,
        xLabel: 'time',
        yLabel: axisLabel(title, info.unit),
        timeAxis: true,
        full,
        window: full,
        height: 220,
      }),
    );
    bindTimeCursor(scope, plot, { full, follow: false });
    first ??= plot;
    const reply = await scope.request('series/window', {
      path,
      t0: full.start,
      t1: full.end,
      channels: [0],
      pixels: columnsForWidth(plot.width, window.devicePixelRatio || 1),
    });
    plot.setData(drawableChannels(reply), [{ label: title, color: seriesColor(colorIndex) }]);
    plot.setWindow(full);
  };
  const show = async (i: number): Promise<void> => {
    sweep?.dispose();
    first = null;
    plots.replaceChildren();
    const scope = ctx.child(plots);
    sweep = scope;
    const s = sweeps[i];
    if (s.response) await plotSeries(scope, s.response.path, 'response', 0);
    if (s.stimulus) await plotSeries(scope, s.stimulus.path, 'stimulus', 1);
    if (!s.response && !s.stimulus) plots.appendChild(message('empty', 'This sweep has no series.'));
  };
  const choose = (i: number): void => {
    current = i;
    ctx.setSetting('sweep', i);
    items.forEach((item, k) => item.setAttribute('aria-selected', String(k === i)));
    list.setAttribute('aria-activedescendant', `sweep-${i}`);
    items[i].scrollIntoView({ block: 'nearest' });
    void ctx
      .track(show(i))
      .catch(e => !isCancelled(e) && plots.replaceChildren(message('error', errorText(e))));
  };
  items.forEach((item, k) => item.setAttribute('aria-selected', String(k === current)));
  list.setAttribute('aria-activedescendant', `sweep-${current}`);
  await show(current);
}

function sweepLabel(s: Sweep): string {
  const n = s.sweepNumber !== undefined ? `sweep ${s.sweepNumber}` : `#${s.index}`;
  const name = s.response?.path.split('/').pop() ?? s.stimulus?.path.split('/').pop() ?? '';
  return [n, name, s.label].filter(Boolean).join(' · ');
}
