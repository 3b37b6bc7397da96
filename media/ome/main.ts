/**
 * The OME-Zarr viewer webview: toolbar (series / well / field pickers, fit, 1:1, z and t sliders,
 * auto contrast, export), the channel list (toggle, colour, window), the image view and a status
 * line with the level, the pixel under the pointer and its values. All data comes from the host.
 */
import './ome.css';
import { Messenger, RequestError } from '../../src/shared/messenger';
import {
  OME_PROTOCOL_VERSION,
  type OmeHostMethods,
  type OmeChannel,
  type OmeImageInfo,
  type OmeInitResult,
  type OmeLevel,
  type OmeWebviewEvent,
} from '../../src/shared/omeProtocol';
import { hexToRgb, type ChannelStyle } from './render';
import { TileCache, TileScheduler, tileKey } from './tiles';
import { ImageView } from './view';

type HostMethodMap = { [M in keyof OmeHostMethods]: OmeHostMethods[M] };
type Api = Messenger<Record<string, never>, HostMethodMap, OmeWebviewEvent, never>;

const vscodeApi = acquireVsCodeApi<unknown>();
const api: Api = new Messenger({
  post: message => vscodeApi.postMessage(message),
  onDiagnostic: text => console.debug(`[ome viewer] ${text}`),
});
window.addEventListener('message', (event: MessageEvent<unknown>) => api.handle(event.data));

function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, string> = {},
  text = '',
): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  if (text) e.textContent = text;
  return e;
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

const toolbar = el('div', { id: 'toolbar' });
const channelList = el('div', { id: 'channels' });
const viewHost = el('div', { id: 'view', 'data-state': 'loading' });
const canvas = el('canvas', { id: 'image', tabindex: '0', 'aria-label': 'image' });
const status = el('div', { id: 'status', role: 'status' });
viewHost.append(canvas);
const main = el('div', { id: 'main' });
main.append(channelList, viewHost);

let view: ImageView | undefined;
let cache: TileCache;
let scheduler: TileScheduler;
let lastPointer: { sx: number; sy: number } | undefined;

function setState(state: 'loading' | 'ready' | 'error', detail = ''): void {
  viewHost.dataset.state = state;
  if (detail) status.textContent = detail;
  viewHost.querySelector('[role=alert]')?.remove();
  if (state === 'error') viewHost.append(el('p', { role: 'alert', class: 'error' }, detail));
}

function onDrawn(complete: boolean, tiles: number): void {
  if (!view) return;
  viewHost.dataset.pending = String(scheduler.pending);
  viewHost.dataset.tiles = String(tiles);
  viewHost.dataset.requested = String(scheduler.requested);
  if (complete && viewHost.dataset.state !== 'ready') {
    setState('ready');
    api.notify({ type: 'rendered', level: view.level, tiles });
  } else if (!complete && viewHost.dataset.state === 'ready') setState('loading');
  showStatus();
}

function levelText(v: ImageView): string {
  const l = v.image.levels[v.level] as OmeLevel;
  return `level ${v.level}/${v.image.levels.length - 1} (${l.shape[v.axes.y]} × ${l.shape[v.axes.x]} px)`;
}

function showStatus(): void {
  if (!view) return;
  const v = view;
  const parts = [
    levelText(v),
    `zoom ${(v.state.zoom * ((v.image.levels[0] as OmeLevel).scale[v.axes.x] as number)).toPrecision(3)}×`,
  ];
  if (lastPointer) {
    const p = v.toPhysical(lastPointer.sx, lastPointer.sy);
    const level = v.image.levels[v.level] as OmeLevel;
    const iy = Math.floor(
      (p.y - (level.translation[v.axes.y] as number)) / (level.scale[v.axes.y] as number),
    );
    const ix = Math.floor(
      (p.x - (level.translation[v.axes.x] as number)) / (level.scale[v.axes.x] as number),
    );
    if (
      iy >= 0 &&
      ix >= 0 &&
      iy < (level.shape[v.axes.y] as number) &&
      ix < (level.shape[v.axes.x] as number)
    ) {
      const values = v.styles.map((s, c) => (s.active ? valueAt(v, c, iy, ix) : undefined));
      const unit = v.image.axes[v.axes.x]?.unit ?? '';
      parts.push(
        `pixel y=${iy} x=${ix}`,
        `(${p.y.toPrecision(6)}, ${p.x.toPrecision(6)}${unit ? ` ${unit}` : ''})`,
        `values ${values.map((val, c) => `${v.image.channels[c]?.label}=${val ?? '–'}`).join(' ')}`,
      );
      status.dataset.pixel = JSON.stringify({ level: v.level, y: iy, x: ix, values });
    }
  }
  status.textContent = parts.join(' · ');
}

function valueAt(v: ImageView, channel: number, iy: number, ix: number): number | undefined {
  const level = v.image.levels[v.level] as OmeLevel;
  const ch = Math.min(level.chunks[v.axes.y] as number, level.shape[v.axes.y] as number);
  const cw = Math.min(level.chunks[v.axes.x] as number, level.shape[v.axes.x] as number);
  const y0 = Math.floor(iy / ch) * ch;
  const x0 = Math.floor(ix / cw) * cw;
  // The key ignores y1/x1.
  const req = {
    image: v.image.path,
    level: v.level,
    channel,
    z: v.zIndex(level),
    t: v.t,
    y0,
    y1: 0,
    x0,
    x1: 0,
  };
  const tile = cache.peek(tileKey(req));
  if (!tile) return undefined;
  const value = tile.values[(iy - y0) * tile.width + (ix - x0)];
  return value === undefined ? undefined : Number(value.toPrecision(6));
}

/** A window that spans the whole declared range says nothing: the data's percentiles are used then. */
function usefulWindow(c: OmeChannel): boolean {
  return c.window !== undefined && !(c.range && c.window.start <= c.range.min && c.window.end >= c.range.max);
}

function defaultStyles(
  image: OmeImageInfo,
  contrast: [number, number][] | undefined,
  preferData: boolean,
): ChannelStyle[] {
  // Channels of one colour added together cannot be told apart (writers often make every channel
  // white): only the first of each colour starts shown.
  const seen = new Set<string>();
  return image.channels.map((c, i) => {
    const first = !seen.has(c.color);
    if (c.active) seen.add(c.color);
    const [low, high] =
      usefulWindow(c) && c.window && !(preferData && contrast)
        ? [c.window.start, c.window.end]
        : (contrast?.[i] ?? [0, 1]);
    return { active: c.active && (first || image.labels), rgb: hexToRgb(c.color), low, high };
  });
}

function renderChannels(v: ImageView): void {
  channelList.replaceChildren();
  v.image.channels.forEach((c, i) => {
    const style = v.styles[i] as ChannelStyle;
    const row = el('div', { class: 'channel', 'data-channel': String(i) });
    const toggle = el('input', { type: 'checkbox', 'aria-label': `show ${c.label}` });
    toggle.checked = style.active;
    toggle.addEventListener('change', () => {
      style.active = toggle.checked;
      v.restyle();
    });
    const swatch = el('input', { type: 'color', 'aria-label': `${c.label} colour` });
    swatch.value = `#${c.color.toLowerCase()}`;
    swatch.addEventListener('input', () => {
      style.rgb = hexToRgb(swatch.value.slice(1));
      v.restyle();
    });
    const low = el('input', { type: 'number', class: 'low', 'aria-label': `${c.label} window start` });
    const high = el('input', { type: 'number', class: 'high', 'aria-label': `${c.label} window end` });
    low.value = String(style.low);
    high.value = String(style.high);
    const onWindow = (): void => {
      style.low = Number(low.value);
      style.high = Number(high.value);
      v.restyle();
    };
    low.addEventListener('change', onWindow);
    high.addEventListener('change', onWindow);
    row.append(toggle, swatch, el('span', { class: 'label' }, c.label), low, high);
    channelList.append(row);
  });
}

function slider(name: string, max: number, onChange: (value: number) => void): HTMLElement {
  const label = el('label', { class: 'slider' }, `${name} `);
  const input = el('input', { type: 'range', min: '0', max: String(max), value: '0', 'aria-label': name });
  const value = el('span', {}, '0');
  input.addEventListener('input', () => {
    value.textContent = input.value;
    onChange(Number(input.value));
  });
  label.append(input, value);
  return label;
}

function button(text: string, onClick: () => void): HTMLButtonElement {
  const b = el('button', { type: 'button' }, text);
  b.addEventListener('click', onClick);
  return b;
}

function picker(label: string, options: string[], onPick: (value: string) => void): HTMLElement {
  const wrap = el('label', {}, `${label} `);
  const select = el('select', { 'aria-label': label });
  for (const o of options) select.append(el('option', { value: o }, o));
  select.addEventListener('change', () => {
    // Loading from the first moment: tests (and the status) must not read the previous image's "ready".
    setState('loading');
    onPick(select.value);
  });
  wrap.append(select);
  return wrap;
}

async function showImage(image: OmeImageInfo, init: OmeInitResult, pickers: HTMLElement[]): Promise<void> {
  setState('loading', `Opening ${image.name}…`);
  view = undefined;
  const needData = image.channels.some(c => !usefulWindow(c));
  // Styles first: a view drawn without them would cache black blocks.
  const styles = defaultStyles(
    image,
    needData ? await api.request('contrast', { image: image.path, z: 0, t: 0 }) : undefined,
    false,
  );
  const v = new ImageView(canvas, viewHost, image, cache, scheduler, onDrawn);
  v.styles = styles;
  view = v;
  const l0 = image.levels[0] as OmeLevel;
  const controls: HTMLElement[] = [
    ...pickers,
    button('Fit', () => v.fit()),
    button('1:1', () => v.oneToOne()),
    button('Auto contrast', () => {
      void api.request('contrast', { image: image.path, z: v.z, t: v.t }).then(c => {
        v.styles = defaultStyles(image, c, true).map((s, i) => ({
          ...s,
          active: v.styles[i]?.active ?? s.active,
        }));
        renderChannels(v);
        v.restyle();
      });
    }),
  ];
  for (const [axis, name] of [
    [v.axes.z, 'z'],
    [v.axes.t, 't'],
  ] as const)
    if (axis >= 0 && (l0.shape[axis] as number) > 1)
      controls.push(
        slider(name, (l0.shape[axis] as number) - 1, value => {
          if (name === 'z') v.z = value;
          else v.t = value;
          v.restyle();
        }),
      );
  controls.push(button('Export PNG', () => void exportPng(init.title)));
  toolbar.replaceChildren(...controls);
  renderChannels(v);
  v.fit();
}

async function exportPng(title: string): Promise<void> {
  const blob = await new Promise<Blob | null>(resolve => canvas.toBlob(resolve, 'image/png'));
  if (!blob) return;
  await api.request('exportPng', {
    name: `${title.replace(/\.zarr$/i, '')}.png`,
    png: await blob.arrayBuffer(),
  });
}

async function start(): Promise<void> {
  document.getElementById('placeholder')?.remove();
  document.body.append(toolbar, main, status);
  const init = await api.request('init', { protocolVersion: OME_PROTOCOL_VERSION });
  cache = new TileCache(init.tileCacheMB * 1024 * 1024);
  scheduler = new TileScheduler(
    cache,
    (request, signal) => api.request('tile', request, { signal }),
    () => view?.redraw(),
    (request, e) => {
      if (e instanceof RequestError && e.code === 'cancelled') return;
      setState('error', `level ${request.level} tile y${request.y0} x${request.x0}: ${errorText(e)}`);
    },
  );
  const pickers: HTMLElement[] = [];
  const open = async (path: string): Promise<void> =>
    showImage(await api.request('image', { path }), init, pickers);
  if (init.root.kind === 'series') {
    pickers.push(picker('Series', init.root.series, p => void open(p).catch(fail)));
  } else if (init.root.kind === 'plate') {
    const fieldWrap = el('span');
    const setFields = async (well: string): Promise<string[]> => {
      const fields = await api.request('well', { path: well });
      fieldWrap.replaceChildren(picker('Field', fields, p => void open(p).catch(fail)));
      return fields;
    };
    pickers.push(
      picker(
        'Well',
        init.root.plate.wells.map(w => w.path),
        w =>
          void setFields(w)
            .then(f => open(f[0] as string))
            .catch(fail),
      ),
      fieldWrap,
    );
    await setFields(init.root.plate.wells[0]?.path as string);
  }
  await showImage(init.image, init, pickers);
}

function fail(e: unknown): void {
  setState('error', errorText(e));
}

// Pan (drag, arrows), zoom (wheel, +/-), fit (0), 1:1 (1).
let drag: { x: number; y: number } | undefined;
canvas.addEventListener('pointerdown', e => {
  drag = { x: e.clientX, y: e.clientY };
  canvas.setPointerCapture(e.pointerId);
  canvas.focus();
});
canvas.addEventListener('pointermove', e => {
  const r = canvas.getBoundingClientRect();
  lastPointer = { sx: e.clientX - r.left, sy: e.clientY - r.top };
  if (drag && view) {
    view.pan(e.clientX - drag.x, e.clientY - drag.y);
    drag = { x: e.clientX, y: e.clientY };
  }
  showStatus();
});
canvas.addEventListener('pointerup', () => (drag = undefined));
canvas.addEventListener(
  'wheel',
  e => {
    e.preventDefault();
    const r = canvas.getBoundingClientRect();
    view?.zoomAt(Math.exp(-e.deltaY / 300), e.clientX - r.left, e.clientY - r.top);
  },
  { passive: false },
);
canvas.addEventListener('keydown', e => {
  if (!view) return;
  const step = 64;
  const centre = (): [number, number] => [viewHost.clientWidth / 2, viewHost.clientHeight / 2];
  const actions: Record<string, () => void> = {
    ArrowLeft: () => view?.pan(step, 0),
    ArrowRight: () => view?.pan(-step, 0),
    ArrowUp: () => view?.pan(0, step),
    ArrowDown: () => view?.pan(0, -step),
    '+': () => view?.zoomAt(2, ...centre()),
    '=': () => view?.zoomAt(2, ...centre()),
    '-': () => view?.zoomAt(0.5, ...centre()),
    '0': () => view?.fit(),
    '1': () => view?.oneToOne(),
  };
  const action = actions[e.key];
  if (action) {
    e.preventDefault();
    action();
  }
});
new ResizeObserver(() => view?.update()).observe(viewHost);

start().catch(fail);
