/**
 * PlaneSegmentation: every ROI's mask (image_mask or pixel_mask) as coloured outlines and fills
 * over the summary image of the same imaging plane; clicking an ROI in the image or the list
 * selects it and plots its response trace (RoiResponseSeries whose `rois` point at this table).
 */
import type { ImageFrame, RoiSet } from '../../../src/shared/protocol';
import { errorText, isCancelled } from '../api';
import { h, message, select, slider } from '../dom';
import { listKeyTarget } from '../listKeys';
import { ImageCanvas } from '../imageCanvas';
import { LinePlot } from '../linePlot';
import { seriesColor } from '../plot';
import { categoricalRgb, labelImage, labelOutlines, masksFromRoiSet, overlayPixels } from '../roiMasks';
import { columnsForWidth } from '../timeWindow';
import { drawableChannels } from '../seriesData';
import { imageControls } from './image';
import type { ChildViewContext, ViewContext } from './context';

function blankFrame(set: RoiSet): ImageFrame {
  return {
    path: set.path,
    width: set.width,
    height: set.height,
    channels: 1,
    data: new Float32Array(set.width * set.height).buffer,
    min: 0,
    max: 1,
    p1: 0,
    p99: 1,
    frameCount: 1,
    index: 0,
    planeCount: 1,
    plane: 0,
    // A zero background under the masks, never shown as data.
    stats: { count: set.width * set.height, nanCount: 0, min: 0, max: 0 },
  };
}

export async function renderRois(ctx: ViewContext): Promise<void> {
  const set = await ctx.request('rois', { path: ctx.path });
  const masks = masksFromRoiSet(set);
  const labels = labelImage(masks, set.width, set.height);
  const outlines = labelOutlines(labels, set.width, set.height);
  let selected: number | null = ctx.setting('roi', -1);
  if (selected < 0 || selected >= masks.length) selected = null;
  let fillAlpha = ctx.setting('fill', 70);

  const image = new ImageCanvas(`ROI masks of ${ctx.path} over the summary image`);
  image.setFrame(set.summaryImage ?? blankFrame(set));
  const redraw = (): void => {
    image.setOverlay(overlayPixels(labels, outlines, { fillAlpha, selected }));
    image.draw();
  };
  const controls = imageControls(ctx, image, redraw);
  const fill = slider('ROI fill opacity', 0, 255, fillAlpha, v => {
    fillAlpha = v;
    ctx.setSetting('fill', v);
    redraw();
  });
  controls.element.appendChild(fill.root);
  controls.reset(set.summaryImage ?? blankFrame(set));

  const summary = [
    `${set.roiCount} ROIs (${set.maskKind})`,
    `${set.width} × ${set.height}`,
    set.summaryImage ? `over ${set.summaryImage.path}` : 'no summary image found for this imaging plane',
    set.truncated ? `showing the first ${set.ids.length}` : '',
  ]
    .filter(Boolean)
    .join(' · ');

  // The ROI list: a listbox whose options select ROIs.
  const list = h('div', { class: 'roi-list', role: 'listbox', 'aria-label': 'ROIs', tabindex: 0 });
  const items: HTMLElement[] = set.ids.map((id, i) => {
    const [r, g, b] = categoricalRgb(i);
    const swatch = h('span', { class: 'swatch', 'aria-hidden': 'true' });
    swatch.style.background = `rgb(${r}, ${g}, ${b})`;
    const item = h(
      'div',
      { class: 'roi-item', role: 'option', id: `roi-${i}`, 'aria-selected': 'false', 'data-roi': i },
      swatch,
      `ROI ${id}`,
    );
    item.addEventListener('click', () => choose(i));
    return item;
  });
  // One by one: a spread passes every item as an argument, which overflows the stack past ~100k.
  for (const item of items) list.append(item);
  list.addEventListener('keydown', e => {
    const next = listKeyTarget(e.key, selected ?? -1, items.length);
    if (next === null) return;
    e.preventDefault();
    choose(next);
  });

  const traceBox = h('div', { class: 'roi-trace' });
  let responsePath = set.responses[0]?.path ?? null;
  const responseSelect =
    set.responses.length > 1
      ? select(
          'Response series',
          set.responses.map(r => ({
            value: r.path,
            text: `${r.name}${r.neurodataType ? ` (${r.neurodataType})` : ''}`,
          })),
          responsePath ?? '',
          v => {
            responsePath = v;
            void showTrace();
          },
        )
      : null;

  image.canvas.addEventListener('click', e => {
    const p = image.pixelAt(e);
    if (!p) return;
    const roi = labels[p.y * set.width + p.x];
    if (roi >= 0) choose(roi);
  });

  ctx.root.append(
    h('h2', { text: ctx.path.split('/').pop() ?? ctx.path }),
    h('p', { class: 'muted', text: summary }),
    controls.element,
    h('div', { class: 'roi-layout' }, image.element, list),
    responseSelect ?? '',
    traceBox,
  );
  ctx.exports = {
    png: () => image.exportCanvas(),
    csv: () => ({ what: 'table', path: ctx.path, start: 0, count: set.roiCount, save: true }),
  };
  ctx.own(image);
  redraw();

  // The trace of the selected ROI lives in a child scope: choosing another ROI disposes its plot and requests.
  let trace: ChildViewContext | null = null;
  const showTrace = async (): Promise<void> => {
    trace?.dispose();
    trace = null;
    traceBox.replaceChildren();
    if (selected === null) {
      traceBox.appendChild(
        h('p', { class: 'muted', text: 'Click an ROI in the image or the list to plot its response.' }),
      );
      return;
    }
    if (!responsePath) {
      traceBox.appendChild(
        h('p', { class: 'muted', text: 'No RoiResponseSeries refers to this segmentation.' }),
      );
      return;
    }
    const scope = ctx.child(traceBox);
    trace = scope;
    const info = await scope.request('series/info', { path: responsePath });
    const full = { start: info.tStart, end: info.tEnd > info.tStart ? info.tEnd : info.tStart + 1 };
    const channel = Math.min(selected, info.channelCount - 1);
    traceBox.appendChild(h('h3', { text: `ROI ${set.ids[selected]} in ${responsePath}` }));
    const p = scope.own(
      new LinePlot({
        parent: traceBox,
        label: `Response of ROI ${set.ids[selected]}`,
        xLabel: 'time',
        yLabel: info.unit,
        timeAxis: true,
        full,
        window: full,
        height: 220,
      }),
    );
    const reply = await scope.request('series/window', {
      path: responsePath,
      t0: full.start,
      t1: full.end,
      channels: [channel],
      pixels: columnsForWidth(p.width, window.devicePixelRatio || 1),
    });
    if (scope.signal.aborted) return;
    p.setData(drawableChannels(reply), [{ label: `ROI ${set.ids[selected]}`, color: seriesColor(0) }]);
    p.setWindow(full);
  };
  const choose = (roi: number): void => {
    selected = roi;
    ctx.setSetting('roi', roi);
    items.forEach((item, i) => item.setAttribute('aria-selected', String(i === roi)));
    list.setAttribute('aria-activedescendant', `roi-${roi}`);
    items[roi]?.scrollIntoView({ block: 'nearest' });
    redraw();
    void ctx.track(showTrace()).catch(e => {
      if (!isCancelled(e)) traceBox.replaceChildren(message('error', `Trace unavailable: ${errorText(e)}`));
    });
  };
  if (selected !== null) choose(selected);
  else await showTrace();
}
