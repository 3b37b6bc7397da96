/**
 * Intracellular electrophysiology: the sweeps grouped by stimulus, filtered on any column, and
 * either the chosen sweep's family overlaid (coloured by stimulus amplitude, see sweepFamily.ts)
 * or the chosen sweep alone with its response and stimulus.
 */
import type { Sweep } from '../../../src/shared/protocol';
import { errorText, isCancelled } from '../api';
import { button, h, message } from '../dom';
import { listKeyTarget } from '../listKeys';
import { axisLabel } from '../format';
import { LinePlot } from '../linePlot';
import { seriesColor } from '../plot';
import { bindTimeCursor } from '../timeCursor';
import { columnsForWidth } from '../timeWindow';
import { drawableChannels } from '../seriesData';
import type { ChildViewContext, ViewContext } from './context';
import { renderFamily, sweepName } from './sweepFamily';
import { matchesFilter } from './sweepFilter';

export async function renderIcephys(ctx: ViewContext): Promise<void> {
  const { sweeps, source, groups } = await ctx.request('icephys/sweeps', { path: ctx.path });
  if (sweeps.length === 0) {
    ctx.root.appendChild(message('empty', 'No sweeps found.'));
    return;
  }
  let current = Math.min(ctx.setting('sweep', 0), sweeps.length - 1);
  let mode = ctx.setting('sweepMode', 'family');
  let align = ctx.setting('alignOnset', false);
  let filter = ctx.setting('sweepFilter', '');
  // The whole family in full colour until the user picks a sweep; then the others are dimmed.
  let highlight = false;
  const list = h('div', { class: 'sweep-list', role: 'listbox', 'aria-label': 'Sweeps', tabindex: 0 });
  const items: HTMLElement[] = new Array(sweeps.length);
  const headers: { element: HTMLElement; members: number[] }[] = [];
  // The list shows the groups in order, each with its sweeps by amplitude: keys move in that order.
  const order = groups.flatMap(g => g.sweeps);
  for (const g of groups) {
    const element = h('div', {
      class: 'sweep-group',
      role: 'presentation',
      text: `${g.stimulusName} (${g.sweeps.length})`,
    });
    headers.push({ element, members: g.sweeps });
    list.append(element);
    for (const i of g.sweeps) {
      const item = h('div', {
        class: 'roi-item',
        role: 'option',
        id: `sweep-${i}`,
        'aria-selected': 'false',
        text: sweepLabel(sweeps[i]),
      });
      item.addEventListener('click', () => choose(i));
      items[i] = item;
      // One by one: a spread passes every item as an argument, which overflows the stack past ~100k.
      list.append(item);
    }
  }
  const visible = (): number[] => order.filter(i => matchesFilter(sweeps[i], filter));
  list.addEventListener('keydown', e => {
    const shown = visible();
    const at = Math.max(0, shown.indexOf(current));
    const next = listKeyTarget(e.key, at, shown.length);
    if (next === null) return;
    e.preventDefault();
    choose(shown[next]);
  });
  const plots = h('div', { class: 'sweep-plots' });
  const filterBox = h('input', {
    type: 'search',
    class: 'sweep-filter',
    placeholder: 'filter: text, or column=value',
    'aria-label': 'Filter sweeps',
    value: filter,
  });
  const count = h('span', { class: 'muted' });
  const applyFilter = (): void => {
    const shown = new Set(visible());
    items.forEach((item, i) => (item.hidden = !shown.has(i)));
    for (const header of headers) header.element.hidden = !header.members.some(i => shown.has(i));
    count.textContent = `${shown.size} of ${sweeps.length} sweeps shown`;
  };
  filterBox.addEventListener('input', () => {
    filter = filterBox.value;
    ctx.setSetting('sweepFilter', filter);
    applyFilter();
    if (mode === 'family') choose(current, false);
  });
  const modeButton = (value: string, label: string): HTMLButtonElement => {
    const b = button(label, () => {
      mode = value;
      ctx.setSetting('sweepMode', value);
      choose(current, false);
    });
    b.classList.add('sweep-mode');
    return b;
  };
  const modes = [modeButton('family', 'Stimulus family'), modeButton('single', 'Single sweep')];
  const alignBox = h('input', { type: 'checkbox', checked: align });
  alignBox.addEventListener('change', () => {
    align = alignBox.checked;
    ctx.setSetting('alignOnset', align);
    choose(current, false);
  });
  const toolbar = h(
    'div',
    { class: 'sweep-toolbar', role: 'toolbar', 'aria-label': 'Sweeps' },
    ...modes,
    h('label', { class: 'field' }, alignBox, h('span', { text: 'align on stimulus onset' })),
    filterBox,
    count,
  );
  ctx.root.append(
    h('h2', { text: `${plural(sweeps.length, 'sweep')} · ${plural(groups.length, 'stimulus', 'stimuli')}` }),
    h('p', { class: 'muted', text: `paired from ${source.replace('_', ' ')}` }),
    toolbar,
    h('div', { class: 'sweep-layout' }, list, plots),
  );
  applyFilter();
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
    modes.forEach((b, k) => b.setAttribute('aria-pressed', String((k === 0) === (mode === 'family'))));
    alignBox.disabled = mode !== 'family';
    if (mode === 'family') {
      const family = groups.find(g => g.sweeps.includes(i))?.sweeps ?? [i];
      const members = family.filter(k => k === i || matchesFilter(sweeps[k], filter)).map(k => sweeps[k]);
      const name = sweeps[i].stimulusName ?? 'unnamed stimulus';
      const what = highlight ? `, ${sweepName(sweeps[i])} highlighted` : '';
      plots.appendChild(h('h3', { text: `${name}: ${plural(members.length, 'sweep')}${what}` }));
      const canvas = await renderFamily(scope, {
        sweeps: members,
        picked: highlight ? members.indexOf(sweeps[i]) : -1,
        alignOnOnset: align,
        onPick: k => choose(members[k].index),
      });
      ctx.exports = { png: canvas };
      return;
    }
    ctx.exports = { png: () => first?.canvas ?? null };
    const s = sweeps[i];
    if (s.response) await plotSeries(scope, s.response.path, 'response', 0);
    if (s.stimulus) await plotSeries(scope, s.stimulus.path, 'stimulus', 1);
    if (!s.response && !s.stimulus) plots.appendChild(message('empty', 'This sweep has no series.'));
  };
  const choose = (i: number, pick = true): void => {
    highlight ||= pick;
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
  const name = s.response?.path.split('/').pop() ?? s.stimulus?.path.split('/').pop() ?? '';
  return [sweepName(s), name, s.clampMode && `${s.clampMode} clamp`].filter(Boolean).join(' · ');
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}
