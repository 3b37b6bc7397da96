/**
 * Images and image series: a heatmap (viridis/gray/magma, contrast sliders) or RGB(A) picture,
 * with a frame slider for ImageSeries/TwoPhotonSeries/OnePhotonSeries and a plane slider for
 * volumes. Series stored in external files list those files instead.
 */
import type { ImageFrame } from '../../../src/shared/protocol';
import { errorText, isCancelled } from '../api';
import { COLORMAPS, type ColormapName } from '../colormaps';
import { slidersFromWindow, windowFromSliders, type Range } from '../contrast';
import { dataNote, noteValues, setNote } from '../dataNote';
import { h, message, select, slider } from '../dom';
import { formatNumber, formatQuantity, formatSeconds } from '../format';
import { ImageCanvas } from '../imageCanvas';
import { frameAt } from '../sessionTime';
import { followSessionCursor } from '../timeCursor';
import type { ViewContext } from './context';
import { debouncedRedraw } from './debounce';
import { frameTiming } from './frameClock';

/** Shared image controls: colormap + contrast sliders bound to an ImageCanvas. */
export function imageControls(
  ctx: ViewContext,
  image: ImageCanvas,
  redraw: () => void,
): { element: HTMLElement; reset(frame: ImageFrame): void } {
  let colormap = ctx.setting('colormap', 'viridis') as ColormapName;
  if (!COLORMAPS.includes(colormap)) colormap = 'viridis';
  image.setColormap(colormap);
  let range: Range = { min: 0, max: 1 };
  let lowPos = 0;
  let highPos = 1000;
  const low = slider('Contrast minimum', 0, 1000, 0, v => {
    lowPos = v;
    apply();
  });
  const high = slider('Contrast maximum', 0, 1000, 1000, v => {
    highPos = v;
    apply();
  });
  const apply = (): void => {
    const w = windowFromSliders(range, lowPos, highPos);
    low.output.textContent = formatNumber(w.min);
    high.output.textContent = formatNumber(w.max);
    image.setWindow(w);
    redraw();
  };
  const cmap = select(
    'Colormap',
    COLORMAPS.map(c => ({ value: c, text: c })),
    colormap,
    v => {
      colormap = v as ColormapName;
      ctx.setSetting('colormap', v);
      image.setColormap(colormap);
      redraw();
    },
  );
  const element = h(
    'div',
    { class: 'controls', role: 'group', 'aria-label': 'Image display' },
    cmap,
    low.root,
    high.root,
  );
  return {
    element,
    reset(frame: ImageFrame) {
      range =
        frame.max > frame.min ? { min: frame.min, max: frame.max } : { min: frame.min, max: frame.min + 1 };
      const initial = frame.p99 > frame.p1 ? { min: frame.p1, max: frame.p99 } : range;
      [lowPos, highPos] = slidersFromWindow(range, initial);
      low.input.value = String(lowPos);
      high.input.value = String(highPos);
      cmap.hidden = frame.channels !== 1;
      apply();
    },
  };
}

export async function renderImage(ctx: ViewContext): Promise<void> {
  const image = new ImageCanvas(`Image ${ctx.path}`);
  const controls = imageControls(ctx, image, () => image.draw());
  const caption = h('p', { class: 'muted', 'aria-live': 'polite' });
  const frameControls = h('div', { class: 'controls', role: 'group', 'aria-label': 'Frame' });
  const note = dataNote();
  ctx.root.append(
    h('h2', { text: ctx.path.split('/').pop() ?? ctx.path }),
    controls.element,
    frameControls,
    note,
    image.element,
    caption,
  );
  ctx.exports = { png: () => image.exportCanvas() };
  ctx.own(image);

  let index = ctx.setting('frame', 0);
  let plane = ctx.setting('plane', 0);
  let first = true;
  let controller: AbortController | null = null;
  const load = async (): Promise<void> => {
    controller?.abort();
    const c = new AbortController();
    controller = c;
    const frame = await ctx.request('image/frame', { path: ctx.path, index, plane }, { signal: c.signal });
    if (c.signal.aborted) return;
    noteValues(note, frame.stats, 'frame', frame.unit);
    image.setFrame(frame);
    if (first) controls.reset(frame);
    else image.draw();
    if (first) buildFrameControls(frame);
    first = false;
    caption.textContent = [
      `${frame.width} × ${frame.height}${frame.channels > 1 ? ` × ${frame.channels}` : ''}`,
      frame.frameCount > 1 ? `frame ${frame.index + 1} of ${frame.frameCount}` : '',
      frame.planeCount > 1 ? `plane ${frame.plane + 1} of ${frame.planeCount}` : '',
      frame.time !== undefined ? `t = ${formatSeconds(frame.time)}` : '',
      frame.stats.nanCount < frame.stats.count
        ? `range ${formatQuantity(frame.min, frame.unit, Math.max(Math.abs(frame.min), Math.abs(frame.max)))} – ${formatQuantity(frame.max, frame.unit)}`
        : '',
    ]
      .filter(Boolean)
      .join(' · ');
  };
  const later = debouncedRedraw<void>(
    ctx,
    50,
    () => load(),
    e => {
      if (!isCancelled(e)) caption.replaceChildren(message('error', errorText(e)));
    },
  );
  const buildFrameControls = (frame: ImageFrame): void => {
    const add = (
      label: string,
      setting: 'frame' | 'plane',
      count: number,
      value: number,
      set: (v: number) => void,
    ): void => {
      if (count <= 1) return;
      const s = slider(label, 0, count - 1, value, v => {
        set(v);
        ctx.setSetting(setting, v);
        later();
      });
      frameControls.appendChild(s.root);
      if (setting === 'frame') frameSlider = s.input;
    };
    add('Frame', 'frame', frame.frameCount, frame.index, v => (index = v));
    add('Plane', 'plane', frame.planeCount, frame.plane, v => (plane = v));
    if (frame.frameCount > 1 && frame.time !== undefined) void showFrameAtCursor(frame.frameCount);
  };
  let frameSlider: HTMLInputElement | null = null;
  // The session clock's cursor picks the frame (series with a time axis only).
  const showFrameAtCursor = async (count: number): Promise<void> => {
    const timing = await frameTiming(ctx, count).catch(() => null);
    if (!timing || ctx.signal.aborted) return;
    followSessionCursor(ctx, time => {
      const at = frameAt(timing, time);
      if (at < 0 || at === index || !frameSlider) return;
      frameSlider.value = String(at);
      // As if moved by hand: the slider's readout, the setting and the frame request follow.
      frameSlider.dispatchEvent(new Event('input'));
    });
  };
  try {
    await load();
  } catch (e) {
    if (isCancelled(e)) throw e;
    // Series whose frames live in external files (external_file) have nothing to show here.
    const files = await externalFiles(ctx);
    if (!files) throw e;
    image.element.remove();
    controls.element.remove();
    caption.remove();
    setNote(note, await externalFilesText(ctx, files));
    ctx.root.appendChild(externalFileList(ctx, files));
  }
}

/** What the note says of a series stored in external files: which files, and how many frames. */
export async function externalFilesText(ctx: ViewContext, files: string[]): Promise<string> {
  const frames = await ctx.request('h5/datasetInfo', { path: `${ctx.path}/timestamps` }).then(
    info => info.shape[0],
    () => undefined,
  );
  const where = files.length === 1 ? 'an external file' : `${files.length} external files`;
  // An empty timestamps dataset says nothing about the frames.
  const count = frames ? ` (${frames.toLocaleString('en-US')} frames by its timestamps)` : '';
  // Long lists are named in full in the list below the note.
  const named =
    files.length <= MAX_NAMED_FILES
      ? files.join(', ')
      : `${files.slice(0, MAX_NAMED_FILES).join(', ')} and ${files.length - MAX_NAMED_FILES} more`;
  return `The frames of this series are stored outside this file, in ${where}${count}: ${named}.`;
}

/** External files the data note names; the list below it has all of them. */
const MAX_NAMED_FILES = 3;

const VIDEO_FILE = /\.(mp4|m4v|mov|webm|mkv|avi)$/i;

/** The external files, each video with a button that opens it in the video viewer. */
export function externalFileList(ctx: ViewContext, files: string[]): HTMLElement {
  const list = h('ul', { class: 'file-list' });
  for (const f of files) {
    const item = h('li', { text: f });
    if (VIDEO_FILE.test(f)) {
      const status = h('span', { class: 'muted', role: 'status' });
      const open = h('button', { type: 'button', class: 'btn link', text: 'Open in video viewer' });
      open.addEventListener('click', () => {
        status.textContent = 'Opening…';
        ctx
          .request('video/openExternal', { file: f })
          .then(() => (status.textContent = ''))
          .catch((e: unknown) => (status.textContent = `Could not open it: ${errorText(e)}`));
      });
      item.append(' ', open, ' ', status);
    }
    list.appendChild(item);
  }
  return list;
}

/** The series' external_file entries, or null when it has none. */
export async function externalFiles(ctx: ViewContext): Promise<string[] | null> {
  try {
    const slice = await ctx.request('dataset/slice', { path: `${ctx.path}/external_file` });
    if (slice.kind !== 'values') return null;
    return slice.values.map(v => (typeof v === 'string' ? v : JSON.stringify(v)));
  } catch {
    return null;
  }
}

/** Images group: one image at a time, chosen from its members. */
export async function renderImages(ctx: ViewContext): Promise<void> {
  const { entries } = await ctx.request('h5/children', { path: ctx.path, limit: 500 });
  const datasets = entries.filter(e => e.kind === 'dataset' && e.name !== 'order_of_images');
  if (datasets.length === 0) {
    ctx.root.appendChild(message('empty', 'This Images group holds no image.'));
    return;
  }
  const list = h('ul', { class: 'gallery', 'aria-label': 'Images' });
  for (const d of datasets) {
    const b = h('button', {
      type: 'button',
      class: 'btn link',
      text: `${d.name}${d.neurodataType ? ` (${d.neurodataType})` : ''}`,
    });
    b.addEventListener('click', () => ctx.navigate(d.path));
    list.appendChild(h('li', {}, b));
  }
  ctx.root.append(h('h2', { text: `${datasets.length} images` }), list);
  const body = h('div');
  ctx.root.appendChild(body);
  const inner: ViewContext = { ...ctx, path: datasets[0].path, root: body };
  await renderImage(inner);
  ctx.exports = inner.exports;
}
