/**
 * Spikes against trials: for a unit of a Units table and a TimeIntervals table of the file, the
 * trial-aligned raster (trials in blocks by group, one colour per group) above the PSTH (one line
 * per group, Hz), the event at 0. The host computes both (psth request); here are the choices:
 * the unit (from the units passing a quality filter), the intervals table, the column to align on,
 * the column to group by, the window and the bin width. Shown for a Units table, for a
 * TimeIntervals table, and as the units view's PSTH tab.
 */
import type {
  PsthOptions,
  PsthResult,
  PsthTable,
  PsthUnitList,
  UnitFilter,
} from '../../../src/shared/protocol';
import { errorText, isCancelled } from '../api';
import { button, h, message, select } from '../dom';
import { formatNumber } from '../format';
import { seriesColor } from '../plot';
import type { ViewContext } from './context';
import { debouncedRedraw } from './debounce';
import { PsthPlot, TrialRasterPlot } from './psthCharts';

/** Columns people usually group trials by, in order of preference. */
const GROUP_HINTS = [
  'condition',
  'stimulus',
  'stimulus_name',
  'trial_type',
  'stim_type',
  'contrast',
  'orientation',
];
const OPS: UnitFilter['op'][] = ['==', '!=', '<', '<=', '>', '>='];

export async function renderPsth(ctx: ViewContext, parent: HTMLElement = ctx.root): Promise<void> {
  const options: PsthOptions = await ctx.request('psth/options', {});
  const onUnits = options.units.some(t => t.path === ctx.path);
  const onIntervals = options.intervals.some(t => t.path === ctx.path);
  if (options.units.length === 0 || options.intervals.length === 0 || (!onUnits && !onIntervals)) {
    parent.appendChild(
      message('empty', 'Trial-aligned spikes need a Units table with spike times and a TimeIntervals table.'),
    );
    return;
  }
  const pick = (tables: PsthTable[], saved: string, preferred: string): PsthTable =>
    tables.find(t => t.path === saved) ?? tables.find(t => t.path === preferred) ?? tables[0];
  let units = onUnits
    ? pick(options.units, ctx.path, ctx.path)
    : pick(options.units, ctx.setting('psthUnits', ''), '/units');
  let intervals = onIntervals
    ? pick(options.intervals, ctx.path, ctx.path)
    : pick(options.intervals, ctx.setting('psthIntervals', ''), '/intervals/trials');
  const state = {
    align: ctx.setting('psthAlign', ''),
    groupBy: ctx.setting('psthGroup', '\u0000'),
    pre: ctx.setting('psthPre', 0.5),
    post: ctx.setting('psthPost', 1),
    binWidth: ctx.setting('psthBin', 0.01),
    unit: ctx.setting('psthUnit', -1),
    filter: parseFilter(ctx.setting('psthFilter', '')),
  };
  let list: PsthUnitList = { path: units.path, unitCount: 0, units: [] };

  const tableBar = h('div', { class: 'controls', role: 'group', 'aria-label': 'Trials' });
  const filterBar = h('div', { class: 'controls', role: 'group', 'aria-label': 'Units' });
  const windowBar = h('div', { class: 'controls', role: 'group', 'aria-label': 'Window' });
  const legend = h('ul', { class: 'legend psth-legend', 'aria-label': 'Groups' });
  const rasterBox = h('div', { class: 'plot-box' });
  const psthBox = h('div', { class: 'plot-box' });
  const info = h('p', { class: 'muted psth-info', 'aria-live': 'polite' });
  parent.append(tableBar, filterBar, windowBar, legend, rasterBox, psthBox, info);
  let raster: TrialRasterPlot | null = null;
  let histogram: PsthPlot | null = null;
  ctx.onDispose(() => (raster?.dispose(), histogram?.dispose()));
  ctx.exports = { png: () => histogram?.canvas ?? null };
  const fail = (e: unknown): void => {
    if (!isCancelled(e)) info.replaceChildren(message('error', errorText(e)));
  };

  // Only the latest request matters: a newer choice cancels the one in flight.
  let inFlight: AbortController | null = null;
  const draw = async (): Promise<void> => {
    inFlight?.abort();
    const controller = (inFlight = new AbortController());
    if (state.unit < 0 || !list.units.some(u => u.row === state.unit)) state.unit = list.units[0]?.row ?? -1;
    unitSelectBox.replaceChildren(unitSelect());
    if (state.unit < 0) {
      raster?.dispose();
      histogram?.dispose();
      raster = histogram = null;
      rasterBox.replaceChildren();
      psthBox.replaceChildren();
      legend.replaceChildren();
      info.replaceChildren(message('empty', `No unit of ${units.path} passes the filter.`));
      return;
    }
    const result = await ctx.request(
      'psth',
      {
        units: units.path,
        unitRows: [state.unit],
        intervals: intervals.path,
        align: state.align,
        ...(state.groupBy ? { groupBy: state.groupBy } : {}),
        pre: state.pre,
        post: state.post,
        binWidth: state.binWidth,
      },
      { signal: controller.signal },
    );
    show(result);
  };
  const redraw = debouncedRedraw<void>(ctx, 60, draw, fail);
  const reloadUnits = async (): Promise<void> => {
    list = await ctx.request('psth/units', { path: units.path, filters: state.filter ? [state.filter] : [] });
    await draw();
  };
  const run = (work: () => Promise<void>): void => void ctx.track(work()).catch(fail);

  const show = (result: PsthResult): void => {
    const unit = result.perUnit[0];
    const colors = result.groups.map((_, i) => seriesColor(i));
    legend.replaceChildren(
      ...result.groups.map((g, i) => {
        const swatch = h('span', { class: 'swatch', 'aria-hidden': 'true' });
        swatch.style.background = colors[i];
        return h('li', {}, swatch, `${g.label} (${new Uint32Array(g.trials).length} trials)`);
      }),
    );
    const full = { start: -result.pre, end: result.post };
    raster?.dispose();
    histogram?.dispose();
    rasterBox.replaceChildren();
    psthBox.replaceChildren();
    raster = new TrialRasterPlot({
      parent: rasterBox,
      label: `Spikes of unit ${unit.label} around ${result.align}, trials grouped by ${result.groupBy ?? 'nothing'}`,
      xLabel: `time from ${result.align}`,
      yLabel: 'trials',
      timeAxis: true,
      full,
      window: full,
      height: Math.min(480, Math.max(180, result.trialCount * 2.5 + 60)),
    });
    raster.setBlocks(
      result.groups.map((g, i) => ({
        label: g.label,
        color: colors[i],
        offsets: new Uint32Array(unit.groups[i].offsets),
        times: new Float64Array(unit.groups[i].times),
      })),
    );
    raster.setWindow(full);
    histogram = new PsthPlot({
      parent: psthBox,
      label: `PSTH of unit ${unit.label} around ${result.align}, one line per group`,
      xLabel: `time from ${result.align}`,
      yLabel: 'rate (Hz)',
      timeAxis: true,
      full,
      window: full,
      height: 200,
    });
    histogram.setCurves(
      result.groups.map((g, i) => ({
        label: g.label,
        color: colors[i],
        rate: new Float64Array(unit.groups[i].rate),
      })),
      -result.pre,
      result.binWidth,
      result.binCount,
    );
    histogram.setWindow(full);
    const spikes = unit.groups.reduce(
      (sum, g) => sum + new Uint32Array(g.counts).reduce((a, b) => a + b, 0),
      0,
    );
    info.textContent =
      `unit ${unit.label} · ${result.trialCount} trials in ${result.groups.length} groups` +
      `${result.skippedTrials ? ` (${result.skippedTrials} without ${result.align})` : ''}` +
      ` · ${spikes} spikes in the window · bins of ${formatNumber(result.binWidth * 1000)} ms` +
      `${unit.truncated ? ' · raster cut to stay light (the PSTH counts every spike)' : ''}`;
  };

  // Trials: which table, which column to align on, which to group by.
  const fillTrialControls = (): void => {
    if (!intervals.numberColumns.includes(state.align))
      state.align = intervals.numberColumns[0] ?? 'start_time';
    if (state.groupBy === '\u0000' || (state.groupBy && !intervals.groupColumns.includes(state.groupBy)))
      state.groupBy = GROUP_HINTS.find(c => intervals.groupColumns.includes(c)) ?? '';
    tableBar.replaceChildren();
    if (!onUnits || options.units.length > 1)
      tableBar.appendChild(
        select('Units table', tableChoices(options.units), units.path, v => {
          units = options.units.find(t => t.path === v) ?? units;
          ctx.setSetting('psthUnits', units.path);
          state.filter = null;
          fillFilterControls();
          run(reloadUnits);
        }),
      );
    if (!onIntervals || options.intervals.length > 1)
      tableBar.appendChild(
        select('Trials table', tableChoices(options.intervals), intervals.path, v => {
          intervals = options.intervals.find(t => t.path === v) ?? intervals;
          ctx.setSetting('psthIntervals', intervals.path);
          fillTrialControls();
          redraw();
        }),
      );
    tableBar.append(
      select('Align on', names(intervals.numberColumns), state.align, v => {
        state.align = v;
        ctx.setSetting('psthAlign', v);
        redraw();
      }),
      select(
        'Group by',
        [{ value: '', text: '(none)' }, ...names(intervals.groupColumns)],
        state.groupBy,
        v => {
          state.groupBy = v;
          ctx.setSetting('psthGroup', v);
          redraw();
        },
      ),
    );
  };

  // Units: a filter on any column, then the unit among those that pass.
  const unitSelectBox = h('span', { class: 'psth-unit' });
  const unitSelect = (): HTMLElement =>
    select(
      'Unit',
      list.units.map(u => ({ value: String(u.row), text: u.label })),
      String(state.unit),
      v => {
        state.unit = Number(v);
        ctx.setSetting('psthUnit', state.unit);
        redraw();
      },
    );
  const step = (dir: number): void => {
    const at = list.units.findIndex(u => u.row === state.unit);
    const next = list.units[Math.max(0, Math.min(list.units.length - 1, at + dir))];
    if (!next || next.row === state.unit) return;
    state.unit = next.row;
    ctx.setSetting('psthUnit', state.unit);
    redraw();
  };
  const fillFilterControls = (): void => {
    const column = h('select', { 'aria-label': 'Filter column' });
    column.append(h('option', { value: '', text: '(no filter)' }));
    for (const c of units.groupColumns) column.append(h('option', { value: c, text: c }));
    column.value = state.filter?.column ?? '';
    const op = h('select', { 'aria-label': 'Filter comparison' });
    for (const o of OPS) op.append(h('option', { value: o, text: o }));
    op.value = state.filter?.op ?? '==';
    const value = h('input', {
      type: 'text',
      size: 8,
      'aria-label': 'Filter value',
      value: state.filter ? String(state.filter.value) : '',
    });
    const apply = h('form', { class: 'field psth-filter', 'aria-label': 'Filter units' });
    apply.append(
      h('span', { text: 'Units where' }),
      column,
      op,
      value,
      h('button', { type: 'submit', class: 'btn', text: 'Apply' }),
    );
    apply.addEventListener('submit', e => {
      e.preventDefault();
      const numeric = units.numberColumns.includes(column.value) && value.value.trim() !== '';
      state.filter = column.value
        ? {
            column: column.value,
            op: op.value as UnitFilter['op'],
            value: numeric ? Number(value.value) : value.value,
          }
        : null;
      ctx.setSetting('psthFilter', state.filter ? JSON.stringify(state.filter) : '');
      run(reloadUnits);
    });
    filterBar.replaceChildren(
      apply,
      unitSelectBox,
      button('Previous unit', () => step(-1), { text: '◀ unit' }),
      button('Next unit', () => step(1), { text: 'unit ▶' }),
    );
  };

  // Window: seconds before and after the event, bin width in milliseconds.
  const numberField = (
    label: string,
    value: number,
    min: number,
    onChange: (v: number) => void,
  ): HTMLElement => {
    const input = h('input', {
      type: 'number',
      min,
      step: 'any',
      value,
      'aria-label': label,
      class: 'psth-number',
    });
    input.addEventListener('change', () => {
      const v = Number(input.value);
      if (input.value.trim() === '' || !Number.isFinite(v) || v < min) {
        input.setCustomValidity(`a number ≥ ${min}`);
        input.reportValidity();
        return;
      }
      input.setCustomValidity('');
      onChange(v);
    });
    return h('label', { class: 'field' }, h('span', { text: label }), input);
  };
  windowBar.append(
    numberField('Before (s)', state.pre, 0, v => ((state.pre = v), ctx.setSetting('psthPre', v), redraw())),
    numberField('After (s)', state.post, 0, v => ((state.post = v), ctx.setSetting('psthPost', v), redraw())),
    numberField('Bin (ms)', state.binWidth * 1000, 0.001, v => {
      state.binWidth = v / 1000;
      ctx.setSetting('psthBin', state.binWidth);
      redraw();
    }),
  );
  fillTrialControls();
  fillFilterControls();
  await reloadUnits();
}

function names(columns: string[]): { value: string; text: string }[] {
  return columns.map(c => ({ value: c, text: c }));
}

function tableChoices(tables: PsthTable[]): { value: string; text: string }[] {
  return tables.map(t => ({ value: t.path, text: `${t.path} (${t.rowCount} rows)` }));
}

/** A filter saved as JSON in the view's settings, or null. */
function parseFilter(text: string): UnitFilter | null {
  if (!text) return null;
  try {
    const f = JSON.parse(text) as Partial<UnitFilter>;
    if (typeof f.column === 'string' && OPS.includes(f.op as UnitFilter['op']))
      if (typeof f.value === 'string' || typeof f.value === 'number')
        return { column: f.column, op: f.op as UnitFilter['op'], value: f.value };
  } catch {
    // A setting from an older build: no filter.
  }
  return null;
}
