/**
 * The align view (on the NWBFile root): chosen series, units, intervals and events stacked on one
 * session time axis. A picker lists the file's time-based objects; zooming or panning any row
 * moves every row; the session clock's cursor and selection show across all rows (timeCursor.ts).
 */
import type { NwbOverview } from '../../../src/shared/protocol';
import { errorText, isCancelled } from '../api';
import { h, message } from '../dom';
import { bindTimeCursor } from '../timeCursor';
import { clampWindow, type Window } from '../timeWindow';
import { prepareRow, rowKindOf, type AlignRow, type RowKind, type RowSource } from './alignRows';
import type { ChildViewContext, ViewContext } from './context';
import { debouncedRedraw } from './debounce';

/** Containers whose members are series (LFP, Fluorescence, BehavioralTimeSeries, ...): listed one level down. */
const CONTAINER_SECTIONS = /^(acquisition|processing|stimulus)/;
const MAX_CONTAINERS = 40;
const KIND_ORDER: RowKind[] = ['series', 'units', 'intervals', 'events'];

export async function renderAlign(ctx: ViewContext): Promise<void> {
  const overview = await ctx.request('nwb/overview', {});
  const sources = await timeObjects(ctx, overview);
  ctx.root.append(
    h('h2', { text: 'Objects on one time axis' }),
    h('p', {
      class: 'muted',
      text: 'Drag or scroll any row to move them all · click sets the session cursor · shift-drag selects a span',
    }),
  );
  if (sources.length === 0) {
    ctx.root.appendChild(message('empty', 'This file has no time series, units, intervals or events.'));
    return;
  }
  const saved = ctx.setting('rows', '');
  let chosen = new Set<string>(saved ? saved.split('\n') : defaultChoice(sources));
  // The picker folds away once rows are chosen, so the rows get the height.
  const summary = h('summary');
  const choices = h('div', { class: 'controls', role: 'group', 'aria-label': 'Objects to stack' });
  const picker = h('details', { class: 'align-picker' }, summary, choices);
  const describe = (): void => {
    const names = sources.filter(s => chosen.has(s.path)).map(s => s.name);
    summary.textContent = `Rows: ${names.join(', ') || 'none'} (${sources.length} time-based objects)`;
  };
  describe();
  picker.open = chosen.size === 0;
  for (const src of sources) {
    const box = h('input', { type: 'checkbox', value: src.path });
    box.checked = chosen.has(src.path);
    box.addEventListener('change', () => {
      if (box.checked) chosen.add(src.path);
      else chosen.delete(src.path);
      chosen = new Set(sources.filter(s => chosen.has(s.path)).map(s => s.path));
      ctx.setSetting('rows', [...chosen].join('\n'));
      describe();
      void ctx
        .track(showRows())
        .catch(e => !isCancelled(e) && rowsBox.replaceChildren(message('error', errorText(e))));
    });
    choices.appendChild(
      h('label', { class: 'field', title: src.path }, box, `${src.name} (${src.neurodataType ?? src.kind})`),
    );
  }
  const rowsBox = h('div', { class: 'align-rows' });
  ctx.root.append(picker, rowsBox);

  let rowsScope: ChildViewContext | null = null;
  const showRows = async (): Promise<void> => {
    rowsScope?.dispose();
    rowsBox.replaceChildren();
    const scope = (rowsScope = ctx.child(rowsBox));
    const picked = sources.filter(s => chosen.has(s.path));
    if (picked.length === 0) {
      rowsBox.appendChild(message('empty', 'Choose objects above to stack them here.'));
      return;
    }
    await mountRows(scope, picked, rowsBox);
  };
  await showRows();
}

/** Prepares every row (their ranges make the shared axis), then mounts them on it, in the picker's order. */
async function mountRows(ctx: ChildViewContext, picked: RowSource[], parent: HTMLElement): Promise<void> {
  const prepared = await Promise.all(
    picked.map(src =>
      prepareRow(ctx, src).then(
        row => ({ src, row, error: null }),
        (e: unknown) => {
          if (isCancelled(e)) throw e;
          return { src, row: null, error: errorText(e) };
        },
      ),
    ),
  );
  const ranges = prepared.flatMap(p => (p.row ? [p.row.range] : []));
  const full: Window = {
    start: Math.min(...ranges.map(r => r.start)),
    end: Math.max(...ranges.map(r => r.end)),
  };
  let visible = ranges.length ? clampWindow(ctx.zoom() ?? commonWindow(ranges), full) : full;
  const rows: AlignRow[] = [];
  const moveAll = (w: Window, from: AlignRow | undefined): void => {
    visible = w;
    ctx.setZoom(w);
    for (const row of rows) if (row !== from) row.chart.setWindow(w);
    fetchLater(w);
  };
  const fetchLater = debouncedRedraw<Window>(
    ctx,
    80,
    async w => void (await Promise.all(rows.map(r => r.load(w)))),
    e => !isCancelled(e) && parent.appendChild(message('error', errorText(e))),
  );
  for (const { src, row, error } of prepared) {
    const box = h('section', { class: 'align-row', 'data-kind': src.kind, 'data-path': src.path });
    const open = h('button', {
      type: 'button',
      class: 'btn link',
      text: src.name,
      title: `Open ${src.path}`,
    });
    open.addEventListener('click', () => ctx.navigate(src.path));
    box.appendChild(
      h('h3', {}, open, h('span', { class: 'muted', text: ` ${src.neurodataType ?? src.kind}` })),
    );
    parent.appendChild(box);
    if (!row) {
      box.appendChild(message('error', `Cannot align ${src.path}: ${error}`));
      continue;
    }
    // The chart calls back only on user input, after `mounted` is set.
    const mounted: AlignRow = row.mount(box, full, visible, w => moveAll(w, mounted));
    ctx.own(mounted.chart);
    bindTimeCursor(ctx, mounted.chart, { full });
    rows.push(mounted);
  }
  ctx.exports = { png: () => stackCanvases(rows.map(r => r.chart.canvas)) };
  await Promise.all(rows.map(r => r.load(visible)));
}

/**
 * The window first shown: where most rows have data (the median start to the median end), so one
 * object on another clock (absolute timestamps, a stray sample) does not squash the others into a
 * sliver; zooming out still reaches the whole union.
 */
function commonWindow(ranges: Window[]): Window {
  const median = (values: number[]): number => {
    const sorted = [...values].sort((a, b) => a - b);
    const mid = sorted.length >> 1;
    return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  };
  const start = median(ranges.map(r => r.start));
  const end = median(ranges.map(r => r.end));
  return end > start
    ? { start, end }
    : { start: Math.min(...ranges.map(r => r.start)), end: Math.max(...ranges.map(r => r.end)) };
}

/** The file's objects with a time axis: overview items, and the series inside containers one level down. */
async function timeObjects(ctx: ViewContext, overview: NwbOverview): Promise<RowSource[]> {
  const found: RowSource[] = [];
  const containers: string[] = [];
  for (const section of overview.sections) {
    for (const item of section.items) {
      const kind = rowKindOf(item);
      if (kind) found.push({ path: item.path, name: item.name, kind, neurodataType: item.neurodataType });
      else if (item.kind === 'group' && CONTAINER_SECTIONS.test(section.name)) containers.push(item.path);
    }
  }
  for (const path of containers.slice(0, MAX_CONTAINERS)) {
    const { entries } = await ctx.request('h5/children', { path, limit: 100 }).catch(() => ({ entries: [] }));
    for (const e of entries) {
      const type = e.neurodataType;
      if (e.kind !== 'group' || !type || /Image|Segmentation/.test(type)) continue;
      const kind = rowKindOf({ view: /Series$/.test(type) ? 'timeseries' : 'group', neurodataType: type });
      if (kind) found.push({ path: e.path, name: e.name, kind, neurodataType: type });
    }
  }
  return found.sort((a, b) => KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind));
}

/** Rows shown before the user picks: the first series, the units, and the trials (else the first intervals). */
function defaultChoice(sources: RowSource[]): string[] {
  const first = (kind: RowKind, prefer?: RegExp): RowSource | undefined =>
    sources.find(s => s.kind === kind && (!prefer || prefer.test(s.name))) ??
    sources.find(s => s.kind === kind);
  return [
    first('series', /ElectricalSeries|raw|lfp/i),
    first('units'),
    first('intervals', /^trials$/),
    first('events'),
  ]
    .filter((s): s is RowSource => s !== undefined)
    .map(s => s.path);
}

/** One picture of every row, top to bottom (the PNG export). */
function stackCanvases(canvases: (HTMLCanvasElement | null)[]): HTMLCanvasElement | null {
  const shown = canvases.filter((c): c is HTMLCanvasElement => c !== null);
  if (shown.length === 0) return null;
  const out = document.createElement('canvas');
  out.width = Math.max(...shown.map(c => c.width));
  out.height = shown.reduce((sum, c) => sum + c.height, 0);
  const g = out.getContext('2d');
  let y = 0;
  for (const c of shown) {
    g?.drawImage(c, 0, y);
    y += c.height;
  }
  return out;
}
