/**
 * Units: a spike raster (unit paging, zoomable time window), the waveform_mean of a selected unit
 * on a selected channel (± waveform_sd), the table itself (sortable, each row with "Raster" and
 * "PSTH") and, when the file has TimeIntervals, the trial-aligned raster and PSTH (./psth.ts).
 */
import type { UnitsRaster } from '../../../src/shared/protocol';
import { errorText, isCancelled } from '../api';
import { RasterPlot } from '../charts';
import { categoricalColor } from '../colormaps';
import { button, h, message, select } from '../dom';
import { LinePlot } from '../linePlot';
import { seriesColor } from '../plot';
import { bindTimeCursor } from '../timeCursor';
import { pageRange, type Window } from '../timeWindow';
import { renderPsth } from './psth';
import { renderTable } from './table';
import type { ChildViewContext, ViewContext } from './context';
import { debouncedRedraw } from './debounce';

const UNIT_PAGE = 25;

export async function renderUnits(ctx: ViewContext): Promise<void> {
  const saved = ctx.setting('unitsMode', 'raster');
  const tabs = h('div', { class: 'subtabs', role: 'tablist', 'aria-label': 'Units views' });
  const body = h('div', { class: 'subview' });
  ctx.root.append(tabs, body);
  const withPsth = ctx.resolution.alternatives.includes('psth');
  // NWB 1.x UnitTimes hold spike times only (a group per unit): no table, no waveforms.
  const tableless = ctx.resolution.inheritance.includes('UnitTimes');
  const modes: [string, string][] = [
    ['raster', 'Raster'],
    ...(tableless
      ? []
      : ([
          ['waveform', 'Waveform'],
          ['table', 'Table'],
        ] as [string, string][])),
    ...(withPsth ? [['psth', 'PSTH'] as [string, string]] : []),
  ];
  const mode = modes.some(([m]) => m === saved) ? saved : 'raster';
  // Each sub-view runs in its own child scope: switching disposes the old one's chart, observers and requests at once.
  let subview: ChildViewContext | null = null;
  const show = async (m: string): Promise<void> => {
    ctx.setSetting('unitsMode', m);
    for (const b of Array.from(tabs.children))
      b.setAttribute('aria-selected', String((b as HTMLElement).dataset.mode === m));
    subview?.dispose();
    body.replaceChildren();
    body.dataset.subview = m;
    const sub = ctx.child(body);
    subview = sub;
    if (m === 'waveform') await renderWaveform(sub, body);
    else if (m === 'table') await renderTable(sub, body, ctx.path, rowActions);
    else if (m === 'psth' && withPsth) await renderPsth(sub, body);
    else await renderRaster(sub, body);
  };
  const jump = (m: string): void =>
    void ctx
      .track(show(m))
      .catch(e => !isCancelled(e) && body.replaceChildren(message('error', errorText(e))));
  // A row of the table opens its unit in the raster (its page starts there) or in the PSTH.
  const rowActions = [
    { label: 'Raster', run: (row: number) => (ctx.setSetting('unitStart', row), jump('raster')) },
    ...(withPsth
      ? [
          {
            label: 'PSTH',
            run: (row: number) => {
              ctx.setSetting('psthUnit', row);
              // The unit is shown even if a saved quality filter would leave it out.
              ctx.setSetting('psthFilter', '');
              jump('psth');
            },
          },
        ]
      : []),
  ];
  for (const [m, label] of modes) {
    const b = h('button', {
      type: 'button',
      role: 'tab',
      class: 'btn tab',
      'data-mode': m,
      'aria-selected': String(m === mode),
      text: label,
    });
    b.addEventListener('click', () => jump(m));
    tabs.appendChild(b);
  }
  await show(mode);
}

async function renderRaster(ctx: ViewContext, parent: HTMLElement): Promise<void> {
  let first = ctx.setting('unitStart', 0);
  let raster: UnitsRaster = await ctx.request('units/raster', {
    path: ctx.path,
    unitStart: first,
    unitCount: UNIT_PAGE,
  });
  const full: Window =
    raster.tMax > raster.tMin
      ? { start: raster.tMin, end: raster.tMax }
      : { start: raster.tMin, end: raster.tMin + 1 };
  let visible = ctx.zoom() ?? full;
  const info = h('p', { class: 'muted', 'aria-live': 'polite' });
  const controls = h('div', { class: 'controls', role: 'group', 'aria-label': 'Units' });
  const chart = ctx.own(
    new RasterPlot({
      parent,
      label: `Spike raster of ${ctx.path}`,
      xLabel: 'time',
      yLabel: 'unit',
      timeAxis: true,
      full,
      window: visible,
      height: Math.max(240, UNIT_PAGE * 16 + 50),
      onWindow: w => fetchLater(w),
    }),
  );
  bindTimeCursor(ctx, chart, { full });
  parent.insertBefore(controls, chart.element);
  parent.appendChild(info);
  ctx.exports = {
    png: () => chart.canvas,
    csv: () => ({ what: 'table', path: ctx.path, start: 0, count: raster.unitCount, save: true }),
  };

  const draw = (): void => {
    const offsets = new Uint32Array(raster.offsets);
    const times = new Float64Array(raster.times);
    const n = raster.units.length;
    chart.setRows(
      raster.units.map((u, i) => ({
        label: u.label || `unit ${u.id}`,
        color: categoricalColor(u.row),
        times: times.subarray(offsets[i], offsets[i + 1]),
      })),
    );
    chart.setWindow(visible);
    const spikes = offsets[n] ?? 0;
    info.textContent = `units ${first + 1}–${first + n} of ${raster.unitCount} · ${spikes} spikes in the window`;
  };
  const load = async (w: Window): Promise<void> => {
    raster = await ctx.request('units/raster', {
      path: ctx.path,
      unitStart: first,
      unitCount: UNIT_PAGE,
      t0: w.start,
      t1: w.end,
    });
    visible = w;
    draw();
  };
  const redraw = debouncedRedraw<Window>(
    ctx,
    80,
    w => load(w),
    e => {
      if (!isCancelled(e)) info.replaceChildren(message('error', errorText(e)));
    },
  );
  const fetchLater = (w: Window): void => {
    visible = w;
    ctx.setZoom(w);
    redraw(w);
  };
  const page = (dir: number): void => {
    first = pageRange(first + dir * UNIT_PAGE, UNIT_PAGE, raster.unitCount).first;
    ctx.setSetting('unitStart', first);
    void ctx
      .track(load(visible))
      .catch(e => !isCancelled(e) && info.replaceChildren(message('error', errorText(e))));
  };
  controls.append(
    button('Previous units', () => page(-1), { text: '◀ units' }),
    button('Next units', () => page(1), { text: 'units ▶' }),
  );
  if (visible.start !== full.start || visible.end !== full.end) await load(visible);
  else draw();
}

async function renderWaveform(ctx: ViewContext, parent: HTMLElement): Promise<void> {
  let unit = ctx.setting('waveUnit', 0);
  let channel = ctx.setting('waveChannel', 0);
  const page = await ctx.request('units/raster', {
    path: ctx.path,
    unitStart: 0,
    unitCount: 500,
    t0: 0,
    t1: 0,
  });
  const controls = h('div', { class: 'controls', role: 'group', 'aria-label': 'Waveform' });
  const plotBox = h('div', { class: 'plot-box' });
  const caption = h('p', { class: 'muted', 'aria-live': 'polite' });
  parent.append(controls, plotBox, caption);
  let plot: LinePlot | null = null;
  ctx.onDispose(() => plot?.dispose());
  ctx.exports = { png: () => plot?.canvas ?? null };
  let channelSelect: HTMLElement | null = null;
  const draw = async (): Promise<void> => {
    const wf = await ctx.request('units/waveform', { path: ctx.path, unit, channel });
    channel = wf.channel;
    const mean = new Float32Array(wf.mean);
    const sd = wf.sd ? new Float32Array(wf.sd) : null;
    // As the DANDI quick-start plots it: time from the spike (the sample of largest |mean|) in ms,
    // amplitude in volts (the schema's unit for waveform_mean) read in the prefix the data need.
    const peak = peakIndex(mean);
    const step = wf.rate ? 1000 / wf.rate : 1;
    const x = Array.from({ length: wf.sampleCount }, (_, i) => (i - peak) * step);
    const full = { start: x[0] ?? 0, end: Math.max(x[x.length - 1] ?? 1, (x[0] ?? 0) + step) };
    plot?.dispose();
    plotBox.replaceChildren();
    plot = new LinePlot({
      parent: plotBox,
      label: `waveform_mean of unit ${unit} on channel ${channel}`,
      xLabel: wf.rate ? 'time from spike' : 'sample from spike',
      ...(wf.rate ? { xUnit: 'ms', keepXUnit: true } : {}),
      yLabel: 'amplitude',
      yUnit: wf.valueUnit ?? 'volts',
      timeAxis: false,
      full,
      window: full,
      height: 320,
    });
    const meanArr = Array.from(mean);
    plot.setData(
      [
        {
          x,
          mid: meanArr,
          ...(sd
            ? { band: { min: meanArr.map((m, i) => m - sd[i]), max: meanArr.map((m, i) => m + sd[i]) } }
            : {}),
        },
      ],
      [{ label: `unit ${unit} mean${sd ? ' ± sd' : ''}`, color: seriesColor(0) }],
    );
    plot.setWindow(full);
    caption.textContent = `unit row ${unit} · channel ${channel} of ${wf.channelCount} · ${wf.sampleCount} samples${wf.rate ? ` at ${wf.rate} Hz` : ''}`;
    if (!channelSelect && wf.channelCount > 1) {
      channelSelect = select(
        'Channel',
        Array.from({ length: wf.channelCount }, (_, i) => ({ value: String(i), text: String(i) })),
        String(channel),
        v => {
          channel = Number(v);
          ctx.setSetting('waveChannel', channel);
          void ctx
            .track(draw())
            .catch(e => !isCancelled(e) && caption.replaceChildren(message('error', errorText(e))));
        },
      );
      controls.appendChild(channelSelect);
    }
  };
  controls.appendChild(
    select(
      'Unit',
      page.units.map(u => ({ value: String(u.row), text: u.label || `unit ${u.id}` })),
      String(unit),
      v => {
        unit = Number(v);
        ctx.setSetting('waveUnit', unit);
        void ctx
          .track(draw())
          .catch(e => !isCancelled(e) && caption.replaceChildren(message('error', errorText(e))));
      },
    ),
  );
  await draw();
}

/** The sample where the waveform is furthest from zero: the spike's trough (or peak). */
function peakIndex(values: Float32Array): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (Math.abs(values[i]) > Math.abs(values[best])) best = i;
  return best;
}
