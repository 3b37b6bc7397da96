/**
 * Any dataset: a line for 1-D numbers, a heatmap for 2-D, values for small, string or compound
 * data, and a dimension slicer for N-D (choose the two displayed axes, slide the others).
 */
import type { CsvExportParams, DatasetSlice, ImageFrame } from '../../../src/shared/protocol';
import { errorText, isCancelled } from '../api';
import { dataNote, noteValues } from '../dataNote';
import { h, message, select, slider } from '../dom';
import { formatShape } from '../format';
import { ImageCanvas } from '../imageCanvas';
import { LinePlot } from '../linePlot';
import { seriesColor } from '../plot';
import { percentiles } from '../contrast';
import { planSlice } from '../slicer';
import { valueText } from '../values';
import { imageControls } from './image';
import type { ChildViewContext, ViewContext } from './context';

export async function renderDataset(ctx: ViewContext): Promise<void> {
  const info = await ctx.request('h5/datasetInfo', { path: ctx.path });
  const shape = info.shape;
  const numeric = ['integer', 'float', 'boolean', 'enum'].includes(info.dtype.class);
  ctx.root.append(
    h('h2', { text: ctx.path.split('/').pop() ?? ctx.path }),
    h('p', { class: 'muted', text: `${formatShape(shape)} ${info.dtype.display}` }),
  );
  if (!numeric || shape.length === 0 || info.size <= 16) return renderValues(ctx);

  const body = h('div');
  const controls = h('div', { class: 'controls', role: 'group', 'aria-label': 'Dimensions' });
  ctx.root.append(controls, body);
  // Displayed axes: the last one (line) or the last two (heatmap); the others get sliders.
  let axes: number[] = shape.length === 1 ? [0] : [shape.length - 2, shape.length - 1];
  const index = shape.map(() => 0);
  const lineMode = ctx.setting('asLine', shape.length === 2 && Math.min(shape[0], shape[1]) <= 8);
  if (shape.length >= 2 && lineMode) axes = [0, 1];

  // Each slice is drawn in a child scope: a newer slider position disposes the older chart and cancels its request.
  let slice: ChildViewContext | null = null;
  const draw = async (): Promise<void> => {
    slice?.dispose();
    const scope = ctx.child(body);
    slice = scope;
    // Lines: ~20k points; heatmaps: at most 2048 rows/columns (more than a screen shows).
    const plan = planSlice(
      shape,
      axes,
      index,
      ctx.maxSliceElements,
      axes.length === 1 || lineMode ? 20_000 : 2048,
    );
    const reply = await scope.request('dataset/slice', {
      path: ctx.path,
      start: plan.start,
      count: plan.count,
      stride: plan.stride,
    });
    body.replaceChildren();
    if (reply.kind !== 'numeric') return void body.appendChild(valuesTable(reply));
    const quality = dataNote();
    body.appendChild(quality);
    noteValues(quality, reply.stats, 'selection');
    const data = new Float64Array(reply.data);
    const note = plan.stride.some(s => s > 1)
      ? h('p', {
          class: 'muted',
          text: `every ${plan.stride.join(' × ')} element shown (zoom into a range with Python for every value)`,
        })
      : null;
    const csv = (): CsvExportParams => ({
      what: 'dataset',
      path: ctx.path,
      start: plan.start,
      count: plan.count,
      stride: plan.stride,
      save: true,
    });
    if (axes.length === 1 || lineMode) {
      const n = plan.count[axes[0]];
      const channels = axes.length === 2 ? plan.count[axes[1]] : 1;
      const x = Array.from({ length: n }, (_, i) => plan.start[axes[0]] + i * plan.stride[axes[0]]);
      const full = { start: x[0] ?? 0, end: x.length > 1 ? x[x.length - 1] : (x[0] ?? 0) + 1 };
      const plot = scope.own(
        new LinePlot({
          parent: body,
          label: `Line plot of ${ctx.path}`,
          xLabel: `index (axis ${axes[0]})`,
          yLabel: 'value',
          timeAxis: false,
          full,
          window: full,
        }),
      );
      const series = Array.from({ length: channels }, (_, c) => {
        const mid = Array.from({ length: n }, (_, i) => data[i * channels + c]);
        return { x, mid };
      });
      plot.setData(
        series,
        series.map((_, c) => ({ label: channels > 1 ? `column ${c}` : 'value', color: seriesColor(c) })),
      );
      plot.setWindow(full);
      ctx.exports = {
        png: () => plot.canvas,
        csv,
      };
    } else {
      const height = plan.count[axes[0]];
      const width = plan.count[axes[1]];
      const [p1, p99] = percentiles(data, [1, 99]);
      const frame: ImageFrame = {
        path: ctx.path,
        width,
        height,
        channels: 1,
        data: Float32Array.from(data).buffer,
        min: reply.min,
        max: reply.max,
        p1,
        p99,
        frameCount: 1,
        index: 0,
        planeCount: 1,
        plane: 0,
        stats: reply.stats,
      };
      const img = scope.own(new ImageCanvas(`Heatmap of ${ctx.path}`));
      const ic = imageControls(scope, img, () => img.draw());
      img.setFrame(frame);
      body.append(ic.element, img.element);
      ic.reset(frame);
      ctx.exports = {
        png: () => img.exportCanvas(),
        csv,
      };
    }
    if (note) body.appendChild(note);
  };
  const redraw = (): void =>
    void ctx
      .track(draw())
      .catch(e => !isCancelled(e) && body.replaceChildren(message('error', errorText(e))));
  const buildControls = (): void => {
    controls.replaceChildren();
    if (shape.length >= 2) {
      const axisOptions = shape.map((n, i) => ({ value: String(i), text: `axis ${i} (${n})` }));
      controls.append(
        select(lineMode ? 'X axis' : 'Rows axis', axisOptions, String(axes[0]), v => {
          const a = Number(v);
          if (a !== axes[1]) axes = [a, axes[1]];
          buildControls();
          redraw();
        }),
        select(lineMode ? 'Series axis' : 'Columns axis', axisOptions, String(axes[1]), v => {
          const a = Number(v);
          if (a !== axes[0]) axes = [axes[0], a];
          buildControls();
          redraw();
        }),
      );
      if (shape.length === 2) {
        const toggle = h('button', {
          type: 'button',
          class: 'btn',
          text: lineMode ? 'Show as heatmap' : 'Show as lines',
        });
        toggle.addEventListener('click', () => {
          ctx.setSetting('asLine', !lineMode);
          ctx.navigate(ctx.path);
        });
        controls.appendChild(toggle);
      }
    }
    shape.forEach((n, d) => {
      if (axes.includes(d) || n <= 1) return;
      const s = slider(`Index of axis ${d}`, 0, n - 1, index[d], v => {
        index[d] = v;
        redraw();
      });
      controls.appendChild(s.root);
    });
  };
  buildControls();
  await draw();
}

async function renderValues(ctx: ViewContext): Promise<void> {
  const slice = await ctx.request('dataset/slice', { path: ctx.path });
  ctx.root.appendChild(valuesTable(slice));
  ctx.exports = { csv: () => ({ what: 'dataset', path: ctx.path, save: true }) };
}

function valuesTable(slice: DatasetSlice): HTMLElement {
  const values = slice.kind === 'values' ? slice.values : Array.from(new Float64Array(slice.data));
  if (values.length === 1) return h('pre', { class: 'value-block', text: valueText(values[0], 100) });
  const table = h(
    'table',
    { class: 'attrs values', 'aria-label': 'Values' },
    h(
      'thead',
      {},
      h('tr', {}, h('th', { scope: 'col', text: 'index' }), h('th', { scope: 'col', text: 'value' })),
    ),
  );
  const body = h('tbody');
  values
    .slice(0, 1000)
    .forEach((v, i) =>
      body.appendChild(
        h('tr', {}, h('td', { class: 'num', text: String(i) }), h('td', { text: valueText(v, 50) })),
      ),
    );
  table.appendChild(body);
  const wrap = h('div', { class: 'values-wrap' }, table);
  if (values.length > 1000)
    wrap.appendChild(h('p', { class: 'muted', text: `first 1000 of ${values.length} values` }));
  return wrap;
}
